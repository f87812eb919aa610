import { loadEnv } from "./config.ts";
import { buildServer } from "./server.ts";

/** `npm start`: configuration from the environment, then serve until SIGTERM or SIGINT. */
const env = loadEnv();
const app = await buildServer({
  dataDir: env.DATA_DIR,
  databaseUrl: env.DATABASE_URL,
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

await app.listen({ host: env.HOST, port: env.PORT });
process.stdout.write(
  `usertrail is listening on http://${env.HOST}:${env.PORT} (${app.usertrail.store.db.kind})\n`,
);
