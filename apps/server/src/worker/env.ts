import type { Env } from "../config.ts";
import type { WorkerConfig } from "./worker.ts";

/** The worker's settings from the environment (shared by `npm start` and `npm run worker`). */
export function workerConfigFromEnv(env: Env): Partial<WorkerConfig> {
  return {
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    alertEmails: env.ALERT_EMAILS ?? [],
    alertWindowMs: Math.round(env.ALERT_WINDOW_MINUTES * 60_000),
    retentionDays: env.RETENTION_DAYS,
    retentionBatch: env.RETENTION_BATCH,
    publicUrl: env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`,
  };
}
