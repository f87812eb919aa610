import type { Queryable } from "./db.ts";

/** One row of the job queue, as a worker sees it after claiming it. */
export interface Job<P = Record<string, unknown>> {
  id: number;
  kind: string;
  payload: P;
  state: "queued" | "running" | "done" | "failed";
  dedupe_key: string | null;
  attempts: number;
  max_attempts: number;
  run_after: Date;
  last_error: string | null;
  created_at: Date;
}

export interface NewJob {
  kind: string;
  payload?: unknown;
  /** Run no earlier than this many milliseconds from now (database clock). */
  delayMs?: number;
  maxAttempts?: number;
  /**
   * At most one queued job per (kind, dedupe_key). A second enqueue with the same key moves the
   * queued one earlier if it asks for an earlier time, and adds nothing.
   */
  dedupeKey?: string;
}

const JOB_COLUMNS = `id, kind, payload, state, dedupe_key, attempts, max_attempts, run_after, last_error, created_at`;

/** Adds jobs in one statement (inside the caller's transaction, if it gives one). Returns their ids. */
export async function enqueueJobs(tx: Queryable, jobs: NewJob[]): Promise<number[]> {
  if (jobs.length === 0) return [];
  const rows = jobs.map((j) => ({
    kind: j.kind,
    payload: j.payload ?? {},
    delay_ms: Math.max(0, Math.round(j.delayMs ?? 0)),
    max_attempts: j.maxAttempts ?? 10,
    dedupe_key: j.dedupeKey ?? null,
  }));
  const inserted = await tx.query<{ id: number }>(
    `INSERT INTO jobs (kind, payload, run_after, max_attempts, dedupe_key)
     SELECT kind, payload, now() + make_interval(secs => delay_ms / 1000.0), max_attempts, dedupe_key
       FROM jsonb_to_recordset($1::jsonb) AS x(kind text, payload jsonb, delay_ms bigint, max_attempts int, dedupe_key text)
     ON CONFLICT (kind, dedupe_key) WHERE state = 'queued' AND dedupe_key IS NOT NULL
     DO UPDATE SET run_after = least(jobs.run_after, excluded.run_after), updated_at = now()
     RETURNING id`,
    [JSON.stringify(rows)],
  );
  return inserted.map((r) => r.id);
}

/**
 * Takes up to `limit` due jobs for this worker. SKIP LOCKED lets several workers poll at once
 * without waiting on each other or taking the same job. A running job whose lease ran out (its
 * worker died) is due again, so nothing is lost to a crash.
 */
export async function claimJobs(tx: Queryable, limit: number, leaseMs: number): Promise<Job[]> {
  return tx.query<Job>(
    `UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = now(),
            locked_until = now() + make_interval(secs => $2 / 1000.0)
      WHERE id IN (
        SELECT id FROM jobs
         WHERE (state = 'queued' AND run_after <= now()) OR (state = 'running' AND locked_until < now())
         ORDER BY run_after, id
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
      RETURNING ${JOB_COLUMNS}`,
    [limit, leaseMs],
  );
}

/**
 * Marks a claimed job done. `attempt` guards against finishing a job that another worker took
 * over after this one's lease ran out. Returns whether this call finished it.
 */
export async function finishJob(tx: Queryable, id: number, attempt: number): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE jobs SET state = 'done', finished_at = now(), updated_at = now(), locked_until = NULL
      WHERE id = $1 AND attempts = $2 AND state = 'running' RETURNING id`,
    [id, attempt],
  );
  return rows.length > 0;
}

/**
 * Records a failed attempt: the job is queued again after `retryInMs`, or marked failed for good
 * when it used its last attempt or `permanent` is set. Returns the state it is left in.
 */
export async function failJob(
  tx: Queryable,
  id: number,
  attempt: number,
  error: string,
  retryInMs: number,
  permanent = false,
): Promise<"queued" | "failed" | null> {
  const rows = await tx.query<{ state: "queued" | "failed" }>(
    `UPDATE jobs SET
        state = CASE WHEN $5 OR attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
        finished_at = CASE WHEN $5 OR attempts >= max_attempts THEN now() END,
        run_after = now() + make_interval(secs => $4 / 1000.0),
        last_error = left($3, 2000), updated_at = now(), locked_until = NULL
      WHERE id = $1 AND attempts = $2 AND state = 'running' RETURNING state`,
    [id, attempt, error, retryInMs, permanent],
  );
  return rows[0]?.state ?? null;
}

/** Jobs of one kind, newest first (tests and operators look at retries here). */
export function listJobs(tx: Queryable, kind?: string, limit = 100): Promise<Job[]> {
  return tx.query<Job>(
    `SELECT ${JOB_COLUMNS} FROM jobs WHERE $1::text IS NULL OR kind = $1 ORDER BY id DESC LIMIT $2`,
    [kind ?? null, limit],
  );
}

/** Deletes one batch (up to 5,000) of finished jobs older than the cutoff. Returns how many went. */
export async function pruneFinishedJobs(tx: Queryable, olderThanDays: number): Promise<number> {
  const rows = await tx.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM jobs WHERE id = ANY(ARRAY(
         SELECT id FROM jobs WHERE finished_at < now() - make_interval(days => $1) LIMIT 5000))
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [olderThanDays],
  );
  return rows[0]?.n ?? 0;
}

/** Keeps a long job (a big retention sweep) from being taken over while it is still working. */
export async function extendJobLease(
  tx: Queryable,
  id: number,
  attempt: number,
  leaseMs: number,
): Promise<void> {
  await tx.query(
    `UPDATE jobs SET locked_until = now() + make_interval(secs => $3 / 1000.0)
      WHERE id = $1 AND attempts = $2 AND state = 'running'`,
    [id, attempt, leaseMs],
  );
}

/** Merges fields into a job's payload: progress a retry must not repeat (a mail already sent). */
export async function patchJobPayload(
  tx: Queryable,
  id: number,
  patch: Record<string, unknown>,
): Promise<void> {
  await tx.query("UPDATE jobs SET payload = payload || $2::jsonb, updated_at = now() WHERE id = $1", [
    id,
    JSON.stringify(patch),
  ]);
}
