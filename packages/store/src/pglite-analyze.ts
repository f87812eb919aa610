import type { Database } from "./db.ts";
import type { IngestWriter } from "./ingest-writer.ts";

/**
 * PGlite has no autovacuum, so without help its planner keeps the statistics of the day the tables
 * were empty: the trigram index goes unused and searches sort every match. Like autovacuum's
 * analyze threshold, this re-analyzes once the stored events have grown by a fifth (at least
 * 10,000) since the last time. Answers a function that waits for a running ANALYZE (for close).
 */
export async function keepStatisticsFresh(
  db: Database,
  writer: IngestWriter,
  minimum = 10_000,
): Promise<() => Promise<void>> {
  const rows = async () => {
    const [r] = await db.query<{ n: number }>(
      "SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE relname = 'user_activity_logs'",
    );
    return Number(r?.n ?? 0);
  };
  let threshold = Math.max(minimum, (await rows()) * 0.2);
  let since = 0;
  let running: Promise<void> | null = null;
  writer.onCommit((stored) => {
    since += stored.length;
    if (running || since < threshold) return;
    since = 0;
    running = db
      .exec("ANALYZE users; ANALYZE user_activity_logs; ANALYZE user_stats")
      .then(async () => {
        threshold = Math.max(minimum, (await rows()) * 0.2);
      })
      .catch(() => {}) // statistics are an optimisation; a failed ANALYZE must not hurt ingest
      .finally(() => {
        running = null;
      });
  });
  return async () => {
    await running;
  };
}
