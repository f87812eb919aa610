import { type Database, enqueueJobs, type Job, pruneFinishedJobs, runRetention } from "@usertrail/store";
import type { JobHandler, JobRun } from "./worker.ts";

/** Finished jobs are kept this long, for anyone checking what the worker did. */
const KEEP_FINISHED_JOBS_DAYS = 7;
/** A sweep that failed (the database was away) runs again this soon. */
const RETRY_FAILED_SWEEP_MS = 3600_000;

/**
 * Schedules the retention sweep `delayMs` from now. Only one sweep is ever queued: a second call
 * moves the queued one earlier if it asks for earlier (a start runs it at once) and adds nothing.
 */
export async function scheduleRetention(db: Database, delayMs: number): Promise<void> {
  await enqueueJobs(db, [{ kind: "retention", dedupeKey: "daily", delayMs, maxAttempts: 5 }]);
}

/**
 * Deletes logs older than RETENTION_DAYS in small transactions (each batch with its counter
 * change), old health logs, expired sessions and old finished jobs; then schedules the next run.
 * A failed sweep is not retried as a job (that would queue a second sweep beside the scheduled
 * one): it schedules the next sweep sooner instead, and what it deleted so far stays deleted.
 */
async function sweep(job: Job, run: JobRun): Promise<void> {
  // Queued by a process with retention on, taken by one with it off: keep it alive for the others.
  if (run.config.retentionDays === null) return scheduleRetention(run.db, run.config.retentionEveryMs);
  const cutoff = new Date(Date.now() - run.config.retentionDays * 24 * 3600_000);
  const started = Date.now();
  const timer = setInterval(
    () => void run.keepAlive().catch(() => {}),
    Math.max(1000, run.config.leaseMs / 3),
  );
  let nextInMs = run.config.retentionEveryMs;
  try {
    const result = await runRetention(run.db, { cutoff, batchSize: run.config.retentionBatch });
    let jobs = 0;
    for (;;) {
      const n = await pruneFinishedJobs(run.db, KEEP_FINISHED_JOBS_DAYS);
      if (n === 0) break;
      jobs += n;
    }
    run.log.info({ job: job.id, cutoff, ...result, jobs, ms: Date.now() - started }, "retention sweep done");
  } catch (error) {
    nextInMs = Math.min(nextInMs, RETRY_FAILED_SWEEP_MS);
    run.log.error({ job: job.id, err: error }, "retention sweep failed; trying again later");
  } finally {
    clearInterval(timer);
  }
  await scheduleRetention(run.db, nextInMs);
}

export const retentionHandlers: Record<string, JobHandler> = { retention: sweep };
