import type { Database } from "./db.ts";
import type { IngestWriter } from "./ingest-writer.ts";

/**
 * What is analyzed, one statement each: PGlite runs SQL on the server's only thread, so one
 * statement per table lets ingest groups and page reads run between them instead of waiting for all
 * three. The logs are analyzed on the columns plans filter and sort by; the metadata and message
 * columns (large values: at 100,000 bench events, 145 ms without them against 300-360 ms for the
 * whole table) are never filtered by an index, so their statistics change no plan.
 */
const STATEMENTS = [
  "ANALYZE user_activity_logs (user_id, created_at, event_type, event_category, severity, issue_id)",
  "ANALYZE users",
  "ANALYZE user_stats",
];

/**
 * PGlite has no autovacuum, so without help its planner keeps the statistics of the day the tables
 * were empty: the trigram index goes unused and searches sort every match. This re-analyzes once
 * the stored events have doubled (at least `minimum` new ones) since the last time. Doubling, not
 * autovacuum's 10-20%: the planner scales row counts by the table's current size on its own, so
 * only the shape of the data goes stale, and that changes slowly; each ANALYZE holds the one
 * connection for about a second, which at 20% steps was a stall every few seconds of bulk ingest.
 * Answers a function that waits for a running ANALYZE (for close).
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
  let threshold = Math.max(minimum, await rows());
  let since = 0;
  let running: Promise<void> | null = null;
  const analyze = async () => {
    for (const sql of STATEMENTS) await db.exec(sql);
    threshold = Math.max(minimum, await rows());
  };
  writer.onCommit((stored) => {
    since += stored.length;
    if (running || since < threshold) return;
    since = 0;
    running = analyze()
      .catch(() => {}) // statistics are an optimisation; a failed ANALYZE must not hurt ingest
      .finally(() => {
        running = null;
      });
  });
  return async () => {
    await running;
  };
}
