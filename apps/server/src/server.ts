import fastifyCookie from "@fastify/cookie";
import fastifyRateLimit from "@fastify/rate-limit";
import { createAccount, findAccountForLogin, openStore, type Store } from "@usertrail/store";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { installAccessLog } from "./audit/access-log.ts";
import { resolveKeys } from "./auth/keys.ts";
import { hashPassword } from "./auth/passwords.ts";
import type { AppContext } from "./context.ts";
import { frameworkErrors, installErrorHandler } from "./error-handler.ts";
import { HttpError } from "./errors.ts";
import { analyticsRoutes } from "./insight/analytics-routes.ts";
import { startAnomalyScan } from "./insight/anomaly-timer.ts";
import { issueRoutes } from "./insight/issues-routes.ts";
import { servePanel } from "./panel.ts";
import { auditRoutes } from "./routes/audit.ts";
import { authRoutes } from "./routes/auth.ts";
import { debugRoutes } from "./routes/debug.ts";
import { exportRoutes } from "./routes/export.ts";
import { ingestRoutes } from "./routes/ingest.ts";
import { DEFAULT_INGEST_LIMITS } from "./routes/ingest-limits.ts";
import { liveRoutes } from "./routes/live.ts";
import { type SentryRouteOptions, sentryRoutes } from "./routes/sentry.ts";
import { staffRoutes } from "./routes/staff.ts";
import { userCreateRoutes } from "./routes/users-create.ts";
import { installAlertHook } from "./worker/alert-jobs.ts";
import { Worker, type WorkerConfig } from "./worker/worker.ts";

export interface ServerOptions {
  dataDir?: string;
  databaseUrl?: string;
  /** Ingest group transactions in flight at once on PostgreSQL (INGEST_TRANSACTIONS). */
  ingestTransactions?: number;
  /** An already-open store (tests share one); otherwise one is opened from dataDir/databaseUrl. */
  store?: Store;
  adminEmail?: string;
  adminPassword?: string;
  ingestKey?: string;
  publicKey?: string;
  sessionTtlHours?: number;
  loginRateLimit?: number;
  /** Public ingest requests per minute from one address / for one user id (see routes/ingest-limits.ts). */
  ingestRateLimitPerIp?: number;
  ingestRateLimitPerUser?: number;
  publicUrl?: string;
  logger?: FastifyServerOptions["logger"];
  /** Per-IP token bucket of the Sentry endpoints (default: burst 200, then 50 a second). */
  sentryRateLimit?: SentryRouteOptions["rateLimit"];
  /** Run the background worker in this process (default). False when it runs as its own process. */
  worker?: boolean;
  /** Mail, alert and retention settings for the worker and the alert hook (SMTP_URL, ALERT_EMAILS…). */
  workerConfig?: Partial<WorkerConfig>;
  /** Minutes between anomaly scans (default 60; 0 turns the in-process scan off). Alerts mail
   * through workerConfig's smtpUrl and alertEmails. */
  anomalyScanMinutes?: number;
}

declare module "fastify" {
  interface FastifyInstance {
    usertrail: AppContext;
  }
}

/** Hides keys passed in the query string (sendBeacon's `key=`, Sentry's `sentry_key=`) from logs. */
const redactUrl = (url: string) => url.replace(/([?&](?:key|sentry_key|token)=)[^&]*/g, "$1[redacted]");

/** Builds the whole server: store, keys, first admin, routes and the panel. Call `listen` on it. */
export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const store =
    options.store ??
    (await openStore({
      dataDir: options.dataDir,
      databaseUrl: options.databaseUrl,
      ingestTransactions: options.ingestTransactions,
    }));
  const app = Fastify({
    logger:
      options.logger === undefined
        ? false
        : options.logger === true || typeof options.logger === "object"
          ? {
              ...(typeof options.logger === "object" ? options.logger : {}),
              serializers: { req: (req) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }) },
            }
          : options.logger,
    // Poisoned keys are dropped rather than failing the request, so good events beside them are kept.
    onProtoPoisoning: "remove",
    onConstructorPoisoning: "remove",
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // Room for a 128-character user id, percent-encoded; longer paths get a 414 in words.
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors,
  });
  const keys = await resolveKeys(store.db, { ingestKey: options.ingestKey, publicKey: options.publicKey });
  const ctx: AppContext = {
    store,
    keys,
    sessionTtlMs: (options.sessionTtlHours ?? 12) * 3600 * 1000,
    loginRateLimit: options.loginRateLimit ?? 20,
    ingestLimits: {
      ...DEFAULT_INGEST_LIMITS,
      perIpPerMinute: options.ingestRateLimitPerIp ?? DEFAULT_INGEST_LIMITS.perIpPerMinute,
      perUserPerMinute: options.ingestRateLimitPerUser ?? DEFAULT_INGEST_LIMITS.perUserPerMinute,
    },
    publicUrl: options.publicUrl ?? "http://127.0.0.1:3000",
  };
  app.decorate("usertrail", ctx);
  if (options.adminEmail && options.adminPassword) {
    await ensureAdmin(store, options.adminEmail, options.adminPassword);
  }
  installErrorHandler(app);
  refuseRepeatedQueryParameters(app);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false, hook: "preHandler" });
  app.get("/api/health", async () => {
    await store.db.query("SELECT 1");
    return { ok: true, database: store.db.kind };
  });
  const accessLog = installAccessLog(app, ctx);
  await app.register(async (scope) => authRoutes(scope, ctx));
  await app.register(async (scope) => ingestRoutes(scope, ctx));
  await app.register(async (scope) => debugRoutes(scope, ctx));
  await app.register(async (scope) => staffRoutes(scope, ctx));
  await app.register(async (scope) => sentryRoutes(scope, ctx, { rateLimit: options.sentryRateLimit }));
  await app.register(async (scope) => userCreateRoutes(scope, ctx));
  await app.register(async (scope) =>
    liveRoutes(scope, ctx, { databaseUrl: options.databaseUrl, accessLog }),
  );
  await app.register(async (scope) => exportRoutes(scope, ctx));
  await app.register(async (scope) => auditRoutes(scope, ctx, accessLog));
  await app.register(async (scope) => issueRoutes(scope, ctx));
  await app.register(async (scope) => analyticsRoutes(scope, ctx));
  await servePanel(app);
  await startBackground(app, store, ctx, options);
  const stopScan = startAnomalyScan(store, app.log, {
    everyMinutes: options.anomalyScanMinutes ?? 60,
    smtpUrl: options.workerConfig?.smtpUrl,
    alertEmails: options.workerConfig?.alertEmails,
    mailFrom: options.workerConfig?.mailFrom,
    publicUrl: ctx.publicUrl,
  });
  app.addHook("onClose", async () => stopScan());
  if (!options.store) app.addHook("onClose", async () => store.close());
  return app;
}

/**
 * `?q=a&q=b` arrives as an array where every route expects text (and crashed on .trim/.split with a
 * 500); no route takes a repeated parameter, so say so with a 400 before any route runs.
 */
function refuseRepeatedQueryParameters(app: FastifyInstance) {
  app.addHook("onRequest", async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(query ?? {})) {
      if (Array.isArray(value)) {
        throw new HttpError(
          400,
          `The query parameter '${name.slice(0, 40)}' is given more than once; give it once.`,
        );
      }
    }
  });
}

/** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD if that account does not exist yet. */
async function ensureAdmin(store: Store, email: string, password: string) {
  if (await findAccountForLogin(store.db, email)) return;
  await createAccount(store.db, {
    email,
    name: "Admin",
    role: "admin",
    passwordHash: await hashPassword(password),
  });
}

/**
 * Critical events are queued for alerting wherever ingest runs; the worker that mails them runs
 * here unless `worker: false` (WORKER=off), when `npm run worker` does it against the same PostgreSQL.
 */
async function startBackground(app: FastifyInstance, store: Store, ctx: AppContext, options: ServerOptions) {
  const config = { ...options.workerConfig, publicUrl: ctx.publicUrl };
  const alerts =
    config.smtpUrl && config.alertEmails?.length
      ? installAlertHook(store, app.log, () => ctx.worker?.wake())
      : null;
  if (options.worker !== false) {
    ctx.worker = new Worker(store, config, app.log);
    await ctx.worker.start();
  }
  // Before the store closes: queued alerts are written and running jobs finish or are left to a later run.
  app.addHook("preClose", async () => {
    await alerts?.drain();
    await ctx.worker?.stop();
  });
}
