import {
  claimJobs,
  type Database,
  extendJobLease,
  failJob,
  finishJob,
  type Job,
  type Queryable,
  type Store,
} from "@usertrail/store";
import { alertHandlers } from "./alert-jobs.ts";
import { createMailer, type Mailer } from "./mailer.ts";
import { retentionHandlers, scheduleRetention } from "./retention-job.ts";
import { userHandlers } from "./user-jobs.ts";

/** What the worker needs to know; everything has a default except where mail goes. */
export interface WorkerConfig {
  /** SMTP server for welcome and alert mail; without it no mail is sent. */
  smtpUrl?: string;
  mailFrom: string;
  /** Who receives critical alerts. */
  alertEmails: string[];
  /** At most one alert mail per (user, message) in this window; the rest go into one digest. */
  alertWindowMs: number;
  /** Logs older than this many days are deleted daily; null turns retention off (the library default). */
  retentionDays: number | null;
  /** Base URL of the panel, for links in mail. */
  publicUrl: string;
  /** How often to look for due jobs when idle. */
  pollMs: number;
  /** Jobs run at once. */
  concurrency: number;
  /** First retry after this long, doubling each attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Each SMTP stage (connect, greeting, each command) gives up after this long. */
  mailTimeoutMs: number;
  /** A job not finished within this lease is taken again (its worker is presumed dead). */
  leaseMs: number;
  /** Time between retention sweeps. */
  retentionEveryMs: number;
  /** Most rows per retention transaction (batches are sized to a time budget below this). */
  retentionBatch: number;
}

export const DEFAULT_WORKER_CONFIG: WorkerConfig = {
  mailFrom: "usertrail <usertrail@localhost>",
  alertEmails: [],
  alertWindowMs: 60 * 60_000,
  retentionDays: null,
  publicUrl: "http://127.0.0.1:3000",
  pollMs: 1000,
  concurrency: 4,
  retryBaseMs: 30_000,
  retryMaxMs: 60 * 60_000,
  mailTimeoutMs: 20_000,
  leaseMs: 5 * 60_000,
  retentionEveryMs: 24 * 3600_000,
  retentionBatch: 50_000,
};

/** The logger the worker writes to; Fastify's (pino) fits, and so does console. */
export interface WorkerLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silentLog: WorkerLog = { info() {}, warn() {}, error() {} };

/** What a job handler gets besides its job. */
export interface JobRun {
  db: Database;
  config: WorkerConfig;
  /** Null when SMTP_URL is not set. */
  mailer: Mailer | null;
  log: WorkerLog;
  /** When to try again after this attempt fails. */
  retryInMs: number;
  /**
   * Marks the job done inside the handler's own transaction, so its effect and its completion
   * commit together and a retry never repeats it. False if the job was taken over meanwhile.
   */
  finishIn(tx: Queryable): Promise<boolean>;
  /** Renews the lease of a job that works for long (retention). */
  keepAlive(): Promise<void>;
}

export type JobHandler = (job: Job, run: JobRun) => Promise<void>;

/** A failure no retry can fix: the job is marked failed at once. */
export class PermanentJobError extends Error {}

/**
 * The background worker: polls the jobs table, runs each job's handler, and retries failures
 * with exponential backoff. Runs inside the server by default, or alone (`npm run worker`).
 */
export class Worker {
  readonly config: WorkerConfig;
  readonly mailer: Mailer | null;
  private readonly handlers: Record<string, JobHandler>;
  private readonly inflight = new Set<Promise<void>>();
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly store: Store,
    config: Partial<WorkerConfig> = {},
    private readonly log: WorkerLog = silentLog,
  ) {
    this.config = { ...DEFAULT_WORKER_CONFIG, ...config };
    this.mailer = this.config.smtpUrl
      ? createMailer(this.config.smtpUrl, this.config.mailFrom, this.config.mailTimeoutMs)
      : null;
    this.handlers = { ...userHandlers, ...alertHandlers, ...retentionHandlers };
  }

  /** Starts polling and, when retention is on, schedules its sweep to run now (and then daily). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.config.retentionDays !== null) await scheduleRetention(this.store.db, 0);
    this.wake();
  }

  /** Looks for due jobs now instead of at the next poll (called after queueing a job in-process). */
  wake(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ticking = this.tick().finally(() => {
      this.ticking = null;
      if (!this.running) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else {
        this.timer = setTimeout(() => this.wake(), this.config.pollMs);
      }
    });
  }

  /** Stops taking jobs and waits (up to `graceMs`) for the running ones; unfinished ones run again later. */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, graceMs))]);
    this.mailer?.close();
  }

  private async tick(): Promise<void> {
    const free = this.config.concurrency - this.inflight.size;
    if (free <= 0) return;
    let jobs: Job[];
    try {
      jobs = await claimJobs(this.store.db, free, this.config.leaseMs);
    } catch (error) {
      // The database being away is not the worker's end: it polls again later.
      this.log.warn({ err: error }, "worker: could not claim jobs");
      return;
    }
    for (const job of jobs) {
      const done = this.runJob(job).finally(() => {
        this.inflight.delete(done);
        this.wake();
      });
      this.inflight.add(done);
    }
    // A full claim means more may be waiting.
    if (jobs.length === free) this.again = true;
  }

  /** Backoff for the attempt that just ran: base, 2×base, 4×base… capped, with a little jitter. */
  backoffMs(attempt: number): number {
    const plain = Math.min(this.config.retryMaxMs, this.config.retryBaseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(plain * (0.9 + Math.random() * 0.2));
  }

  private async runJob(job: Job): Promise<void> {
    const db = this.store.db;
    const handler = this.handlers[job.kind];
    const run: JobRun = {
      db,
      config: this.config,
      mailer: this.mailer,
      log: this.log,
      retryInMs: this.backoffMs(job.attempts),
      finishIn: (tx) => finishJob(tx, job.id, job.attempts),
      keepAlive: () => extendJobLease(db, job.id, job.attempts, this.config.leaseMs),
    };
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      await handler(job, run);
      await finishJob(db, job.id, job.attempts);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PermanentJobError;
      try {
        const state = await failJob(db, job.id, job.attempts, message, run.retryInMs, permanent);
        const log = state === "failed" ? this.log.error : this.log.warn;
        log.call(
          this.log,
          { job: job.id, kind: job.kind, attempt: job.attempts, state, err: message },
          "job failed",
        );
      } catch (recordError) {
        // Its lease runs out and it is taken again; nothing is lost.
        this.log.error({ job: job.id, err: recordError }, "worker: could not record a failed job");
      }
    }
  }
}
