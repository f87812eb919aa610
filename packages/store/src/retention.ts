import type { Database, Queryable } from "./db.ts";

export interface RetentionOptions {
  /** Logs (and health logs) created before this are removed. */
  cutoff: Date;
  /** Most rows per transaction (RETENTION_BATCH); batches start smaller and grow to fit `batchMs`. */
  batchSize?: number;
  /**
   * How long one batch may hold the database, in ms. Ingest that needs what a batch holds (PGlite:
   * the one connection; PostgreSQL: the counter rows of the batch's users) waits at most about this
   * long, whatever the machine's speed or load; the batch size follows from the last batch's rate.
   */
  batchMs?: number;
  /**
   * Pause between batches. Default: on PGlite as long as the last batch took, so the sweep has at
   * most half of the one connection and the server's one thread; on PostgreSQL 10 ms.
   */
  pauseMs?: number;
}

export interface RetentionResult {
  logs: number;
  healthLogs: number;
  sessions: number;
  alertWindows: number;
  batches: number;
  /** The longest time one log batch held its transaction, in ms. */
  longestBatchMs: number;
  /** PGlite only: how long the VACUUM after the sweep held the connection, in ms (0 if none ran). */
  vacuumMs: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Deletes one batch of logs older than `cutoff` and takes them off the user_stats counters in
 * the same transaction, so a reader sees either the rows and their counts or neither.
 * Returns how many rows went.
 */
export async function deleteOldLogsBatch(db: Database, cutoff: Date, batchSize: number): Promise<number> {
  return db.transaction((tx) => deleteOldLogsIn(tx, cutoff, batchSize));
}

/** One batch of deleteOldLogsBatch, in the caller's transaction. */
async function deleteOldLogsIn(tx: Queryable, cutoff: Date, batchSize: number): Promise<number> {
  // Oldest first by the created_at index; SKIP LOCKED lets a second worker share the sweep.
  const gone = await tx.query<{ user_id: string; n: number; errors: number; critical: number }>(
    // ANY(ARRAY(…)) makes the delete look rows up by primary key; a join here lets the planner
    // choose a scan of the whole table per batch, which at millions of rows is the stall.
    `WITH del AS (
         DELETE FROM user_activity_logs WHERE id = ANY(ARRAY(
           SELECT id FROM user_activity_logs WHERE created_at < $1
            ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED))
         RETURNING user_id, severity
       )
       SELECT user_id, count(*)::int AS n,
              count(*) FILTER (WHERE severity IN ('error', 'critical'))::int AS errors,
              count(*) FILTER (WHERE severity = 'critical')::int AS critical
         FROM del GROUP BY user_id ORDER BY user_id`,
    [cutoff.toISOString(), batchSize],
  );
  if (gone.length === 0) return 0;
  // Counter rows are locked in byte order of user_id (COLLATE "C"), the order ingest uses, so the two
  // never deadlock whatever the database's collation.
  await tx.query(
    'SELECT 1 FROM user_stats WHERE user_id = ANY($1::text[]) ORDER BY user_id COLLATE "C" FOR UPDATE',
    [gone.map((g) => g.user_id)],
  );
  await tx.query(
    `UPDATE user_stats s SET total_events = s.total_events - x.n, errors = s.errors - x.errors,
              critical = s.critical - x.critical
         FROM jsonb_to_recordset($1::jsonb) AS x(user_id text, n bigint, errors bigint, critical bigint)
        WHERE s.user_id = x.user_id AND s.user_id = ANY($2::text[])`,
    // The ANY lets the planner find the rows by key instead of scanning every user's counters.
    [JSON.stringify(gone), gone.map((g) => g.user_id)],
  );
  return gone.reduce((sum, g) => sum + g.n, 0);
}

/** Deletes one batch of system health logs older than `cutoff`. */
export async function deleteOldHealthLogsBatch(
  db: Database,
  cutoff: Date,
  batchSize: number,
): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM system_health_logs WHERE id = ANY(ARRAY(
         SELECT id FROM system_health_logs WHERE created_at < $1 ORDER BY created_at LIMIT $2))
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [cutoff.toISOString(), batchSize],
  );
  return rows[0]?.n ?? 0;
}

/** Rows of the first batch, before the sweep has measured how fast this database deletes. */
const FIRST_BATCH = 500;
/** The smallest batch: below this, each transaction's fixed cost would dominate. */
const MIN_BATCH = 100;

/**
 * The next batch size: as many rows as the last batch's rate fits into `batchMs`, at most twice
 * the last size (one fast batch on a noisy machine must not make the next one huge).
 */
export function nextBatchSize(last: number, rows: number, ms: number, batchMs: number, max: number): number {
  const fit = ms > 0 ? Math.floor((rows / ms) * batchMs) : 2 * last;
  return Math.max(Math.min(MIN_BATCH, max), Math.min(max, 2 * last, fit));
}

/**
 * Runs `batch` (which deletes up to `size` rows and says how many went and how long it held the
 * database) until one finds nothing, adapting the size to `batchMs` and pausing between batches.
 * A short batch does not end the sweep: rows another transaction had locked were skipped, not gone.
 */
async function sweepInBatches(
  batch: (size: number) => Promise<{ rows: number; ms: number }>,
  options: { max: number; batchMs: number; pauseMs: (lastMs: number) => number },
  result: { batches: number; longestBatchMs: number },
): Promise<number> {
  let size = Math.min(FIRST_BATCH, options.max);
  let total = 0;
  for (;;) {
    const { rows, ms } = await batch(size);
    if (rows === 0) break;
    total += rows;
    result.batches++;
    result.longestBatchMs = Math.max(result.longestBatchMs, ms);
    size = nextBatchSize(size, rows, ms, options.batchMs, options.max);
    await pause(options.pauseMs(ms));
  }
  return total;
}

/**
 * The daily sweep: old logs (with their counters), old health logs, expired sessions and
 * alert windows long closed. Each batch is its own short transaction, sized to `batchMs`.
 */
export async function runRetention(db: Database, options: RetentionOptions): Promise<RetentionResult> {
  const max = options.batchSize ?? 50_000;
  // PGlite: a batch holds the one connection, so everything waits for it. PostgreSQL: only ingest
  // for the batch's users waits, for its last two statements; bigger batches touch each user's
  // counter row once for more rows: measured 1.6-2.6x faster than 5,000-row batches (bench/README.md).
  const batchMs = options.batchMs ?? (db.kind === "pglite" ? 100 : 250);
  const pauseMs = (lastMs: number) =>
    options.pauseMs ?? (db.kind === "pglite" ? Math.max(10, Math.round(lastMs)) : 10);
  const result: RetentionResult = {
    logs: 0,
    healthLogs: 0,
    sessions: 0,
    alertWindows: 0,
    batches: 0,
    longestBatchMs: 0,
    vacuumMs: 0,
  };
  const timed = async (work: () => Promise<number>) => {
    const started = performance.now();
    const rows = await work();
    return { rows, ms: performance.now() - started };
  };
  result.logs = await sweepInBatches(
    // Timed inside the transaction: the time spent waiting for PGlite's connection is not the batch's.
    (size) => db.transaction((tx) => timed(() => deleteOldLogsIn(tx, options.cutoff, size))),
    { max, batchMs, pauseMs },
    result,
  );
  const health = { batches: 0, longestBatchMs: 0 };
  result.healthLogs = await sweepInBatches(
    (size) => timed(() => deleteOldHealthLogsBatch(db, options.cutoff, size)),
    { max, batchMs, pauseMs },
    health,
  );
  result.batches += health.batches;
  const sessions = await db.query<{ n: number }>(
    "WITH gone AS (DELETE FROM sessions WHERE expires_at < now() RETURNING 1) SELECT count(*)::int AS n FROM gone",
  );
  result.sessions = sessions[0]?.n ?? 0;
  // A window closed a week ago has had its digest sent (or given up); nothing reads it any more.
  const windows = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM alert_windows WHERE closes_at < now() - interval '7 days' RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
  );
  result.alertWindows = windows[0]?.n ?? 0;
  if (db.kind === "pglite" && result.logs > 0) {
    // PGlite has no autovacuum: without this, deleted rows' space is never reused and the logs
    // table and its indexes grow forever under daily retention.
    const started = performance.now();
    await db.exec("VACUUM user_activity_logs");
    result.vacuumMs = performance.now() - started;
  }
  return result;
}
