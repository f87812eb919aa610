import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Database } from "./db.ts";

const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations/", import.meta.url));
/** Any fixed number: two servers starting at once take turns instead of racing. */
const MIGRATION_LOCK = 74_110_237;

/**
 * Applies each migration file not yet recorded, in name order, each in its own transaction.
 * Running it twice is safe: applied versions are skipped, and the SQL itself is idempotent.
 */
export async function migrate(db: Database): Promise<string[]> {
  // Under the lock too: two servers starting on an empty database would otherwise both create
  // the table, and CREATE TABLE IF NOT EXISTS is not safe against a concurrent create.
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    const version = file.replace(/\.sql$/, "");
    const ran = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      const done = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [version]);
      if (done.length > 0) return false;
      await tx.exec(readFileSync(MIGRATIONS_DIR + file, "utf8"));
      await tx.query("INSERT INTO schema_migrations (version) VALUES ($1)", [version]);
      return true;
    });
    if (ran) applied.push(version);
  }
  return applied;
}
