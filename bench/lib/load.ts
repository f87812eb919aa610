import { randomUUID } from "node:crypto";

export interface LoadOptions {
  /** Base URL of the server (read on every request, so a restarted server may move). */
  url: () => string;
  /** Headers carrying the key, e.g. `{ authorization: "Bearer <INGEST_KEY>" }`. */
  headers: Record<string, string>;
  concurrency: number;
  batchSize: number;
  /** Distinct user ids the events are spread over. */
  users?: number;
  /** Requests per second over all workers; unlimited when absent. */
  ratePerSec?: number;
  /** A request that takes longer than this counts as failed and its batch is retried. */
  requestTimeoutMs?: number;
  /** Prefix of user ids, so runs can be told apart in one database. */
  userPrefix?: string;
}

export interface Sample {
  /** Milliseconds since the load started. */
  at: number;
  latencyMs: number;
  status: number;
}

type Event = { event_id: string; user_id: string; event_type: string; message: string; metadata: object };

/**
 * A load generator that behaves like a careful SDK: every event has its own id, a batch that is not
 * answered 2xx (refused connection, timeout, 429, 503) is kept and sent again with the same ids, and
 * the ids the server acknowledged are remembered, so a test can check each is stored exactly once.
 */
export class LoadGenerator {
  /** Ids the server answered 2xx for ("stored" or "duplicate": both mean it is in the database). */
  readonly acked = new Set<string>();
  /** Ids ever sent at least once. */
  readonly sent = new Set<string>();
  readonly samples: Sample[] = [];
  readonly statusCounts = new Map<number | string, number>();
  /** The longest any single request waited for an answer, refused connections included. */
  maxWaitMs = 0;
  /** 429 and 503 answers that did not say when to come back. */
  retryAfterMissing = 0;
  private retry: Event[][] = [];
  private running = false;
  private workers: Promise<void>[] = [];
  private started = 0;
  private nextSlot = 0;
  private counter = 0;

  constructor(private readonly options: LoadOptions) {}

  /** Starts the workers; they run until stop(). */
  start(): void {
    this.running = true;
    this.started = performance.now();
    this.nextSlot = this.started;
    for (let i = 0; i < this.options.concurrency; i++) this.workers.push(this.work());
  }

  /** Stops creating new events; with `flush`, keeps retrying held batches until all are acknowledged. */
  async stop(flush = false, flushTimeoutMs = 120_000): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
    const deadline = performance.now() + flushTimeoutMs;
    while (flush && this.retry.length > 0) {
      if (performance.now() > deadline) throw new Error(`${this.retry.length} batches never acknowledged`);
      const batch = this.retry.shift() as Event[];
      const wait = await this.send(batch);
      if (wait > 0) await sleep(wait);
    }
  }

  /** How many events are held for another try. */
  get held(): number {
    return this.retry.reduce((n, b) => n + b.length, 0);
  }

  private newBatch(): Event[] {
    const users = this.options.users ?? 20;
    const prefix = this.options.userPrefix ?? "load";
    return Array.from({ length: this.options.batchSize }, () => {
      const n = this.counter++;
      return {
        event_id: randomUUID(),
        user_id: `${prefix}-${n % users}`,
        event_type: n % 10 === 0 ? "API_ERROR" : "PAGE_VIEW",
        message: `load event ${n}`,
        metadata: { n, path: `/page/${n % 50}` },
      };
    });
  }

  private async work(): Promise<void> {
    while (this.running) {
      if (this.options.ratePerSec) {
        const slot = this.nextSlot;
        this.nextSlot = Math.max(this.nextSlot, performance.now() - 1000) + 1000 / this.options.ratePerSec;
        const wait = slot - performance.now();
        if (wait > 0) await sleep(wait);
        if (!this.running) return;
      }
      const batch = this.retry.shift() ?? this.newBatch();
      const wait = await this.send(batch);
      if (wait > 0) await sleep(wait);
    }
  }

  /** Sends one batch; returns how long to wait before the next try (0 when it was acknowledged). */
  private async send(batch: Event[]): Promise<number> {
    for (const e of batch) this.sent.add(e.event_id);
    const t0 = performance.now();
    let status: number | string;
    let retryAfter = 0;
    try {
      const res = await fetch(`${this.options.url()}/api/events`, {
        method: "POST",
        headers: { "content-type": "application/json", ...this.options.headers },
        body: JSON.stringify({ events: batch }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
      });
      status = res.status;
      retryAfter = Number(res.headers.get("retry-after") ?? 0);
      if ((status === 429 || status === 503) && !res.headers.get("retry-after")) this.retryAfterMissing++;
      const body = (await res.json()) as { results?: { status: string }[] };
      if (res.ok) {
        body.results?.forEach((r, i) => {
          const id = batch[i]?.event_id;
          if (id && (r.status === "stored" || r.status === "duplicate")) this.acked.add(id);
        });
      }
    } catch (error) {
      status = (error as Error).name === "TimeoutError" ? "timeout" : "refused";
    }
    const latencyMs = performance.now() - t0;
    this.maxWaitMs = Math.max(this.maxWaitMs, latencyMs);
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
    this.samples.push({ at: t0 - this.started, latencyMs, status: typeof status === "number" ? status : 0 });
    if (typeof status === "number" && status >= 200 && status < 300) return 0;
    this.retry.push(batch);
    return retryAfter > 0 ? Math.min(retryAfter * 1000, 2000) : 200;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The p-th percentile (0..100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
