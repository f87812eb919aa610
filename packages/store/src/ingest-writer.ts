import type { AcceptedEvent } from "@usertrail/core";
import type { Database } from "./db.ts";
import { storeGroup } from "./events-write.ts";
import { isDatabaseUnavailable, WriterBusyError } from "./unavailable.ts";

export type StoreStatus = "stored" | "duplicate";

interface Pending {
  events: AcceptedEvent[];
  resolve: (statuses: StoreStatus[]) => void;
  reject: (error: unknown) => void;
}

/** Called after a group commits, with the events that were new (the live tail listens here). */
export type CommitListener = (stored: AcceptedEvent[]) => void;

export interface IngestWriterOptions {
  /** Events in one group transaction at most (a single request bigger than this goes alone). */
  maxGroupEvents?: number;
  /**
   * Events that may wait for the database at once; past that, write() fails at once with
   * WriterBusyError (a 503) instead of holding more and more bodies in memory while the database
   * is slow or away.
   */
  maxQueuedEvents?: number;
  /**
   * Group transactions in flight at once (default 1). With more, the next group is built while the
   * last one waits for its WAL flush, which can pay where fsync, not CPU, is the limit; where CPU is
   * (the 2-core bench machine) it only splits groups and costs more per event (bench/README.md).
   * An embedded database runs one transaction at a time, so there more would only queue.
   */
  maxInFlight?: number;
}

/**
 * Group commit: requests that arrive while the database is busy wait together and go into the
 * next transaction. Each caller is answered only after its events committed, so speed never
 * costs durability. If a group fails, its requests are retried one by one, so a request the
 * database refuses fails alone and does not take its neighbours down.
 */
export class IngestWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private listeners: CommitListener[] = [];
  private queuedEvents = 0;
  private readonly maxGroupEvents: number;
  private readonly maxQueuedEvents: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly db: Database,
    options: IngestWriterOptions = {},
  ) {
    this.maxGroupEvents = options.maxGroupEvents ?? 5000;
    this.maxQueuedEvents = options.maxQueuedEvents ?? 100_000;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  }

  /** Stores events; answers per event whether it was new or a duplicate of a stored one. */
  write(events: AcceptedEvent[]): Promise<StoreStatus[]> {
    if (events.length === 0) return Promise.resolve([]);
    if (this.queuedEvents + events.length > this.maxQueuedEvents) {
      return Promise.reject(new WriterBusyError(this.queuedEvents));
    }
    this.queuedEvents += events.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.schedule();
    });
  }

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** Resolves when everything queued so far has been written (used on shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight > 0 || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * Starts groups on the next turn of the event loop rather than inside write() or right after the
   * last commit: requests whose bytes already arrived are read first and share the group instead of
   * the first going alone. PGlite needs it most: it runs SQL synchronously on this thread with only
   * microtask awaits between statements, so without the turn each request got its own transaction
   * before the next request's socket was even read.
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.queue.length > 0) void this.run(this.takeGroup());
    });
  }

  private async run(group: Pending[]): Promise<void> {
    this.inFlight++;
    try {
      await this.commit(group);
    } catch (error) {
      // An unreachable database fails the whole group at once: retrying its requests one by one
      // would make each wait for the connection timeout again, holding callers for minutes.
      if (group.length === 1 || isDatabaseUnavailable(error)) for (const one of group) one.reject(error);
      else for (const one of group) await this.commit([one]).catch((e) => one.reject(e));
    } finally {
      for (const one of group) this.queuedEvents -= one.events.length;
      this.inFlight--;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private takeGroup(): Pending[] {
    const group: Pending[] = [];
    let size = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Pending;
      if (group.length > 0 && size + next.events.length > this.maxGroupEvents) break;
      group.push(next);
      size += next.events.length;
      this.queue.shift();
    }
    return group;
  }

  private async commit(group: Pending[]): Promise<void> {
    const all = group.length === 1 ? (group[0] as Pending).events : group.flatMap((p) => p.events);
    const fresh = await storeGroup(this.db, all);
    const storedEvents: AcceptedEvent[] = [];
    for (const pending of group) {
      pending.resolve(
        pending.events.map((e) => {
          // The first event to claim an id stored it; any later one with the same id is a duplicate.
          if (!fresh.delete(e.event_id)) return "duplicate";
          storedEvents.push(e);
          return "stored";
        }),
      );
    }
    for (const listener of this.listeners) {
      try {
        listener(storedEvents);
      } catch {
        // A listener's failure must never turn a committed write into an error.
      }
    }
  }
}
