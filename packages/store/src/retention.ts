import type { Database } from "./db.ts";

export interface RetentionOptions {
  /** Logs (and health logs) created before this are removed. */
  cutoff: Date;
  /** Rows per transaction: small enough that ingest and queries never wait long on one. */
  batchSize?: number;
  /** Pause between batches, so other work (PGlite has one connection) gets its turn. */
  pauseMs?: number;
}

export interface RetentionResult {
  logs: number;
  healthLogs: number;
  sessions: number;
  alertWindows: number;
  batches: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Deletes one batch of logs older than `cutoff` and takes them off the user_stats counters in
 * the same transaction, so a reader sees either the rows and their counts or neither.
 * Returns how many rows went.
 */
export async function deleteOldLogsBatch(db: Database, cutoff: Date, batchSize: number): Promise<number> {
  return db.transaction(async (tx) => {
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
    // Counter rows are locked in user_id order, the order ingest uses, so the two never deadlock.
    await tx.query("SELECT 1 FROM user_stats WHERE user_id = ANY($1::text[]) ORDER BY user_id FOR UPDATE", [
      gone.map((g) => g.user_id),
    ]);
    await tx.query(
      `UPDATE user_stats s SET total_events = s.total_events - x.n, errors = s.errors - x.errors,
              critical = s.critical - x.critical
         FROM jsonb_to_recordset($1::jsonb) AS x(user_id text, n bigint, errors bigint, critical bigint)
        WHERE s.user_id = x.user_id AND s.user_id = ANY($2::text[])`,
      // The ANY lets the planner find the rows by key instead of scanning every user's counters.
      [JSON.stringify(gone), gone.map((g) => g.user_id)],
    );
    return gone.reduce((sum, g) => sum + g.n, 0);
  });
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

/**
 * The daily sweep: old logs (with their counters), old health logs, expired sessions and
 * alert windows long closed. Each batch is its own short transaction.
 */
export async function runRetention(db: Database, options: RetentionOptions): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? 5000;
  const pauseMs = options.pauseMs ?? 10;
  const result: RetentionResult = { logs: 0, healthLogs: 0, sessions: 0, alertWindows: 0, batches: 0 };
  for (;;) {
    const n = await deleteOldLogsBatch(db, options.cutoff, batchSize);
    if (n === 0) break;
    result.logs += n;
    result.batches++;
    await pause(pauseMs);
  }
  for (;;) {
    const n = await deleteOldHealthLogsBatch(db, options.cutoff, batchSize);
    if (n === 0) break;
    result.healthLogs += n;
    result.batches++;
    await pause(pauseMs);
  }
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
  return result;
}
