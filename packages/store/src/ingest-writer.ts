import type { AcceptedEvent } from "@usertrail/core";
import type { Database } from "./db.ts";
import { storeEventGroup } from "./events-write.ts";
import { isDatabaseUnavailable, WriterBusyError } from "./unavailable.ts";

export type StoreStatus = "stored" | "duplicate";

interface Pending {
  events: AcceptedEvent[];
  resolve: (statuses: StoreStatus[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Waits for the event loop's next turn, so requests whose bytes already arrived are read and join
 * the next group. Without it PGlite (which runs SQL synchronously on this thread, with only
 * microtask awaits between statements) starts one transaction per request under load: the first
 * request's transaction runs before the second request's socket is even read.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Called after a group commits, with the events that were new (the live tail listens here). */
export type CommitListener = (stored: AcceptedEvent[]) => void;

/**
 * Group commit: while one transaction is in flight, requests that arrive wait together and go
 * into the next one. Each caller is answered only after its events committed, so speed never
 * costs durability. If a group fails, its requests are retried one by one, so a request the
 * database refuses fails alone and does not take its neighbours down.
 */
export class IngestWriter {
  private queue: Pending[] = [];
  private running = false;
  private listeners: CommitListener[] = [];
  private queuedEvents = 0;

  /**
   * @param maxQueuedEvents events that may wait for the database at once; past that, write() fails
   *   at once with WriterBusyError (a 503) instead of holding more and more bodies in memory while
   *   the database is slow or away.
   */
  constructor(
    private readonly db: Database,
    private readonly maxGroupEvents = 5000,
    private readonly maxQueuedEvents = 100_000,
  ) {}

  /** Stores events; answers per event whether it was new or a duplicate of a stored one. */
  write(events: AcceptedEvent[]): Promise<StoreStatus[]> {
    if (events.length === 0) return Promise.resolve([]);
    if (this.queuedEvents + events.length > this.maxQueuedEvents) {
      return Promise.reject(new WriterBusyError(this.queuedEvents));
    }
    this.queuedEvents += events.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** Resolves when everything queued so far has been written (used on shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        try {
          await this.commit(group);
        } catch (error) {
          // An unreachable database fails the whole group at once: retrying its requests one by one
          // would make each wait for the connection timeout again, holding callers for minutes.
          if (group.length === 1 || isDatabaseUnavailable(error)) for (const one of group) one.reject(error);
          else for (const one of group) await this.commit([one]).catch((e) => one.reject(e));
        } finally {
          for (const one of group) this.queuedEvents -= one.events.length;
        }
        await nextTurn();
      }
    } finally {
      this.running = false;
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
    const all = group.flatMap((p) => p.events);
    const fresh = await this.db.transaction((tx) => storeEventGroup(tx, all));
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
