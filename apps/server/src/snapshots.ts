/**
 * Snapshots of expensive reads. The Overview counts every event in a window, analytics every event
 * of a month; at 10M events that takes seconds of database time, however it is indexed. When it
 * is that expensive, a staff member gets the last snapshot at once and one background query
 * refreshes it, however many panels are open (the live feed ticks the overview's counters between
 * snapshots). When it is cheap (a small install, the tests) every request is fresh.
 */
export interface SnapshotOptions {
  /**
   * Whether a result is worth keeping; if not, every request computes afresh. Wall time alone is a
   * poor judge on a busy machine (a tiny install can take 50 ms under load and then serve a stale
   * answer), so the caller can also look at how much the result counted.
   */
  worthKeeping: (value: unknown, durationMs: number) => boolean;
  /** An expensive snapshot is refreshed at most once per this many times its own duration… */
  costFactor: number;
  /** …and at least this long apart. */
  minAgeMs: number;
  /** A snapshot older than this is never served (after a quiet night); the caller waits instead. */
  maxStaleMs: number;
  /** Most keys kept; the oldest goes first (keys come from query strings, so they are bounded). */
  maxKeys: number;
}

export const DEFAULT_SNAPSHOT_OPTIONS: SnapshotOptions = {
  worthKeeping: (_value, durationMs) => durationMs >= 50,
  costFactor: 10,
  minAgeMs: 5_000,
  maxStaleMs: 5 * 60_000,
  maxKeys: 200,
};

interface Snapshot<T> {
  value: T;
  computedAt: number;
  durationMs: number;
  keep: boolean;
}

export class Snapshots<T> {
  private readonly snapshots = new Map<string, Snapshot<T>>();
  private readonly inFlight = new Map<string, Promise<Snapshot<T>>>();

  constructor(
    private readonly options: SnapshotOptions = DEFAULT_SNAPSHOT_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value for `key` (computed by `compute` when needed) and when it was computed. */
  async get(key: string, compute: () => Promise<T>): Promise<{ value: T; computedAt: Date }> {
    const { costFactor, minAgeMs, maxStaleMs } = this.options;
    const last = this.snapshots.get(key);
    const age = last ? this.now() - last.computedAt : Number.POSITIVE_INFINITY;
    let snapshot: Snapshot<T>;
    if (!last?.keep || age > maxStaleMs) {
      snapshot = await this.refresh(key, compute);
    } else {
      if (age > Math.max(minAgeMs, costFactor * last.durationMs)) {
        // Served stale while one refresh runs; its failure keeps the old snapshot (next call retries).
        this.refresh(key, compute).catch(() => {});
      }
      snapshot = last;
    }
    return { value: snapshot.value, computedAt: new Date(snapshot.computedAt) };
  }

  /** One computation per key at a time: callers arriving meanwhile share it. */
  private refresh(key: string, compute: () => Promise<T>): Promise<Snapshot<T>> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = this.now();
    const run = compute()
      .then((value) => {
        const durationMs = this.now() - started;
        const keep = this.options.worthKeeping(value, durationMs);
        const snapshot = { value, computedAt: started, durationMs, keep };
        this.snapshots.delete(key); // re-inserted last, so the map's order is oldest first
        this.snapshots.set(key, snapshot);
        if (this.snapshots.size > this.options.maxKeys) {
          const oldest = this.snapshots.keys().next().value as string;
          this.snapshots.delete(oldest);
        }
        return snapshot;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, run);
    return run;
  }
}
