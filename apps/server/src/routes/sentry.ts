import { cleanJson, cleanText, judgeEvent, LIMITS } from "@usertrail/core";
import { insertHealthLog } from "@usertrail/store";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { requireRole } from "../auth/guard.ts";
import type { AppContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import {
  extractPublicKey,
  keyMatches,
  RateLimiter,
  type RateLimitOptions,
  rateLimitHeaders,
  readEnvelopeRequest,
  readStoreRequest,
  SENTRY_LIMITS,
  type SentryBatch,
  SentryRequestError,
} from "../sentry/index.ts";

export interface SentryRouteOptions {
  /** Per client IP; the default lets a busy page through and stops a loop that floods us. */
  rateLimit?: RateLimitOptions;
}

const DEFAULT_RATE: RateLimitOptions = { burst: 200, perSecond: 50 };
const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** What the Sentry browser SDK may send on a cross-origin request (it adds tracing headers). */
const ALLOW_HEADERS = "content-type, content-encoding, x-sentry-auth, sentry-trace, baggage, authorization";

type SentryRequest = FastifyRequest<{ Params: { projectId: string }; Querystring: { sentry_key?: unknown } }>;

/** The DSN to paste into Sentry.init: the public key as the user part, then project 1. */
export function dsnFor(publicKey: string, publicUrl: string, hostHeader?: string): string {
  const url = new URL(publicUrl);
  // A server listening on every interface has no useful name of its own; the panel's Host does.
  if ((url.hostname === "0.0.0.0" || url.hostname === "[::]") && hostHeader) url.host = hostHeader;
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${encodeURIComponent(publicKey)}@${url.host}${path}/1`;
}

function cors(request: FastifyRequest, reply: FastifyReply) {
  // The SDK sends no cookies, so echoing the origin grants nothing beyond what '*' would.
  const origin = request.headers.origin;
  reply.header(
    "access-control-allow-origin",
    typeof origin === "string" && origin.length < 500 ? origin : "*",
  );
  reply.header("vary", "origin");
  reply.header("access-control-expose-headers", "x-sentry-error, x-sentry-rate-limits, retry-after");
}

/**
 * Stores what a Sentry request carried: events naming a user go through judgeEvent into that
 * user's log (creating the user when new); events without one, and events core refuses, go to
 * system_health_logs, so nothing a 200 answered for is lost. Returns the ids stored.
 */
async function storeBatch(ctx: AppContext, batch: SentryBatch): Promise<string[]> {
  const accepted = [];
  const ids: string[] = [];
  for (const event of batch.events) {
    const verdict = event.user_id === null ? null : judgeEvent(event);
    if (verdict?.ok) {
      accepted.push(verdict.event);
      continue;
    }
    const metadata = {
      ...(event.metadata ?? {}),
      event_type: event.event_type,
      event_id: event.event_id,
      user_id: event.user_id,
      ...(verdict ? { rejected: verdict.error } : {}),
    };
    // Health logs have no judge of their own; text is made storable by the same rules.
    const clean = cleanJson(metadata, LIMITS.metadataDepth);
    await insertHealthLog(ctx.store.db, {
      source: "sentry",
      message: cleanText(event.message),
      severity: event.severity ?? "error",
      metadata: (clean.ok ? clean.value : { truncated: true }) as Record<string, unknown>,
      user_id: null,
    });
    if (event.event_id) ids.push(event.event_id);
  }
  if (accepted.length > 0) await ctx.store.ingest(accepted);
  return [...accepted.map((e) => e.event_id), ...ids];
}

/**
 * The endpoints the official Sentry SDKs post to, so an app switches by changing its DSN:
 * POST /api/:projectId/envelope/ and the older /api/:projectId/store/. Registered in a scope of
 * their own because they read every body as raw bytes (envelopes are not JSON, may be gzip).
 */
export async function sentryRoutes(app: FastifyInstance, ctx: AppContext, options: SentryRouteOptions = {}) {
  app.get("/api/settings/dsn", { preHandler: requireRole(ctx, "admin", "sales") }, async (request) => ({
    dsn: dsnFor(ctx.keys.publicKey, ctx.publicUrl, request.headers.host),
  }));
  // The ingest endpoints get a scope of their own: raw bodies, open CORS and the rate limit apply
  // to them, not to the staff route above.
  await app.register(async (scope) => sentryIngest(scope, ctx, options));
}

async function sentryIngest(app: FastifyInstance, ctx: AppContext, options: SentryRouteOptions) {
  const limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "*",
    { parseAs: "buffer", bodyLimit: SENTRY_LIMITS.bodyBytes },
    (_req, body, done) => done(null, body),
  );

  app.addHook("onRequest", async (request, reply) => {
    cors(request, reply);
    if (request.method === "OPTIONS") return;
    // Before the body is read, so a flood costs us as little as possible.
    const decision = limiter.take(request.ip);
    if (!decision.ok) {
      throw new HttpError(
        429,
        `Too many events from this address; retry in ${decision.retryAfterSeconds} seconds.`,
        rateLimitHeaders(decision.retryAfterSeconds),
      );
    }
  });

  const handle =
    (read: typeof readEnvelopeRequest) => async (request: SentryRequest, reply: FastifyReply) => {
      if (!PROJECT_ID.test(request.params.projectId)) {
        throw new HttpError(400, "The project id in the DSN path is not valid; use the DSN usertrail shows.");
      }
      const fromRequest = extractPublicKey({
        query: request.query.sentry_key,
        sentryAuth: request.headers["x-sentry-auth"],
        authorization: request.headers.authorization,
      });
      if (fromRequest !== undefined && !keyMatches(fromRequest, ctx.keys.publicKey)) throw wrongKey();
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      let batch: SentryBatch;
      try {
        batch = await read(body, request.headers["content-encoding"]);
      } catch (error) {
        if (error instanceof SentryRequestError) throw new HttpError(error.status, error.message);
        throw error;
      }
      if (
        fromRequest === undefined &&
        !keyMatches(extractPublicKey({ dsn: batch.dsn }), ctx.keys.publicKey)
      ) {
        throw wrongKey();
      }
      const ids = await storeBatch(ctx, batch);
      const id = batch.eventId ?? ids[0]?.replaceAll("-", "");
      return reply.code(200).send(id ? { id } : {});
    };

  for (const [name, read] of [
    ["envelope", readEnvelopeRequest],
    ["store", readStoreRequest],
  ] as const) {
    for (const path of [`/api/:projectId/${name}/`, `/api/:projectId/${name}`]) {
      app.post(path, handle(read));
      app.options(path, async (_request, reply) =>
        reply
          .header("access-control-allow-methods", "POST, OPTIONS")
          .header("access-control-allow-headers", ALLOW_HEADERS)
          .header("access-control-max-age", "86400")
          .code(204)
          .send(),
      );
    }
  }
}

function wrongKey() {
  return new HttpError(
    401,
    "Missing or wrong public key: set the DSN usertrail shows in Settings (http://<PUBLIC_KEY>@host:port/1).",
  );
}
