import { existsSync } from "node:fs";
import { z } from "zod";

const envSchema = z.object({
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z.string().url().optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8, "ADMIN_PASSWORD must be at least 8 characters").optional(),
  INGEST_KEY: z.string().min(16, "INGEST_KEY must be at least 16 characters").optional(),
  PUBLIC_KEY: z.string().min(8, "PUBLIC_KEY must be at least 8 characters").optional(),
  RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /**
   * Most rows per retention transaction. The sweep sizes its batches to a time budget (100 ms on
   * PGlite, 250 ms on PostgreSQL) and never past this; lower it to shorten waits further.
   */
  RETENTION_BATCH: z.coerce.number().int().min(100).max(100_000).default(50_000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465")
    .optional(),
  ALERT_EMAILS: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.email("ALERT_EMAILS must be email addresses separated by commas")))
    .optional(),
  /** Alerts: at most one mail per (user, message) per this many minutes; fractions are allowed. */
  ALERT_WINDOW_MINUTES: z.coerce.number().positive().max(10_080).default(60),
  MAIL_FROM: z.string().default("usertrail <usertrail@localhost>"),
  /** "off" when the worker runs as its own process (`npm run worker`, PostgreSQL only). */
  WORKER: z.enum(["on", "off"], "WORKER must be on or off").default("on"),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  /** Public-key ingest requests per minute from one IP address, and for one user id. */
  INGEST_RATE_LIMIT_IP: z.coerce.number().int().min(1).default(1200),
  INGEST_RATE_LIMIT_USER: z.coerce.number().int().min(1).default(120),
  /** Ingest group transactions in flight at once on PostgreSQL (see IngestWriterOptions.maxInFlight). */
  INGEST_TRANSACTIONS: z.coerce.number().int().min(1).max(8).default(1),
  PUBLIC_URL: z.string().optional(),
  LOG_LEVEL: z.string().default("info"),
});

export type Env = z.infer<typeof envSchema>;

/** Reads configuration from the environment (and `.env` if present), refusing bad values by name. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  if (source === process.env && existsSync(".env")) process.loadEnvFile(".env");
  const empty = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const parsed = envSchema.safeParse(empty);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Configuration is not valid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
