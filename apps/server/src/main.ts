import { loadEnv } from "./config.ts";
import { buildServer } from "./server.ts";
import { workerConfigFromEnv } from "./worker/env.ts";

/** `npm start`: configuration from the environment, then serve until SIGTERM or SIGINT. */
const env = loadEnv();
const app = await buildServer({
  dataDir: env.DATA_DIR,
  databaseUrl: env.DATABASE_URL,
  ingestTransactions: env.INGEST_TRANSACTIONS,
  adminEmail: env.ADMIN_EMAIL,
  adminPassword: env.ADMIN_PASSWORD,
  ingestKey: env.INGEST_KEY,
  publicKey: env.PUBLIC_KEY,
  sessionTtlHours: env.SESSION_TTL_HOURS,
  loginRateLimit: env.LOGIN_RATE_LIMIT,
  ingestRateLimitPerIp: env.INGEST_RATE_LIMIT_IP,
  ingestRateLimitPerUser: env.INGEST_RATE_LIMIT_USER,
  publicUrl: env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`,
  logger: { level: env.LOG_LEVEL },
  worker: env.WORKER === "on",
  workerConfig: workerConfigFromEnv(env),
});

const { keys } = app.usertrail;
for (const name of keys.generated) {
  // Printed once, at the start that made the key; afterwards it is only in the database.
  const value = name === "INGEST_KEY" ? keys.ingestKey : keys.publicKey;
  process.stdout.write(`Generated ${name} (shown once, keep it): ${value}\n`);
}

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: finishing requests and closing the database`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

if (env.WORKER === "off" && !env.DATABASE_URL) {
  app.log.warn(
    "WORKER=off with the embedded database: no other process can open it, so queued jobs (user creation, alerts, retention) will not run. Unset WORKER, or use DATABASE_URL and `npm run worker`.",
  );
}

await app.listen({ host: env.HOST, port: env.PORT });
process.stdout.write(
  `usertrail is listening on http://${env.HOST}:${env.PORT} (${app.usertrail.store.db.kind})\n`,
);
