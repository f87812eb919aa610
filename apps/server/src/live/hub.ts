import {
  asStaff,
  getLogsAfter,
  getLogsByIds,
  type Listener,
  type LogEntry,
  latestLogId,
  listenPostgres,
  type Store,
} from "@usertrail/store";

/** The channel the 004 migration's trigger announces new log ids on. */
export const LIVE_CHANNEL = "usertrail_logs";
/** How often embedded mode looks for rows written outside the ingest writer (user upserts, jobs). */
const TAIL_POLL_MS = 1000;
/** The most rows fetched at once; also the most a lost LISTEN connection's catch-up delivers. */
const FETCH_CHUNK = 1000;

/** One open live connection, as the hub sees it. */
export interface LiveSubscriber {
  /** The staff role its reads run under (row-level security). */
  role: string;
  /** Only this user's entries; undefined means all. */
  userId?: string;
  /** Receives new entries, oldest first. Must not throw. */
  deliver(entries: LogEntry[]): void;
}

interface Logger {
  warn(obj: unknown, msg?: string): void;
}

/**
 * Fans new log entries out to live subscribers. With PostgreSQL it LISTENs for the ids the
 * insert trigger announces, so an event stored by any server process reaches subscribers of every
 * process; in embedded mode (one process, one connection, commits in id order) it reads rows
 * after the last one seen whenever the ingest writer commits, and once a second for other writers.
 * Entries are read under each subscriber's role, so row-level security applies.
 */
export class LiveHub {
  private readonly subscribers = new Set<LiveSubscriber>();
  private readonly pendingIds = new Set<number>();
  /** Ids delivered lately, so a catch-up that overlaps notifications sends nothing twice. */
  private readonly recent = new Set<number>();
  private highest = 0;
  private started: Promise<void> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private listener: Listener | null = null;
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly databaseUrl: string | undefined,
    private readonly log: Logger,
  ) {}

  /** Whether an event stored by another process reaches this one (PostgreSQL with LISTEN). */
  get crossProcess(): boolean {
    return this.listener !== null;
  }

  /** Adds a subscriber once the hub is listening, so nothing committed after this resolves is missed. */
  async subscribe(subscriber: LiveSubscriber): Promise<() => void> {
    this.started ??= this.start();
    await this.started;
    await this.serial(async () => {
      // In embedded mode an idle hub stops reading; start again from what exists now.
      if (!this.listener && this.subscribers.size === 0) this.highest = await this.latest();
      this.subscribers.add(subscriber);
    });
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  /** Stops listening and polling (server shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pollTimer);
    this.subscribers.clear();
    await this.listener?.stop();
    await this.chain.catch(() => {});
  }

  private async start(): Promise<void> {
    this.highest = await this.latest();
    if (this.store.db.kind === "postgres" && this.databaseUrl) {
      this.listener = await listenPostgres(this.databaseUrl, LIVE_CHANNEL, {
        onPayload: (payload) => this.announce(payload),
        onReconnect: () => void this.serial(() => this.catchUp()),
        onError: (error) => this.log.warn({ err: error }, "live: LISTEN connection lost; reconnecting"),
      });
      return;
    }
    // Embedded PGlite (or a PostgreSQL store handed in without its URL): this process only.
    this.store.writer.onCommit(() => {
      if (this.subscribers.size > 0) void this.serial(() => this.catchUp());
    });
    this.pollTimer = setInterval(() => {
      if (this.subscribers.size > 0) void this.serial(() => this.catchUp());
    }, TAIL_POLL_MS);
    this.pollTimer.unref();
  }

  /** A notification: ids, comma-separated. Fetching waits a tick so a burst becomes one query. */
  private announce(payload: string): void {
    for (const part of payload.split(",")) {
      const id = Number(part);
      if (Number.isSafeInteger(id) && id > 0) this.pendingIds.add(id);
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.serial(() => this.fetchPending());
    });
  }

  private async fetchPending(): Promise<void> {
    const ids = [...this.pendingIds].filter((id) => !this.recent.has(id));
    this.pendingIds.clear();
    for (const id of ids) if (id > this.highest) this.highest = id;
    if (this.subscribers.size === 0) return;
    for (let i = 0; i < ids.length; i += FETCH_CHUNK) {
      const chunk = ids.slice(i, i + FETCH_CHUNK);
      await this.fetchAndDeliver((tx) => getLogsByIds(tx, chunk));
    }
  }

  /** Reads rows after the newest one seen: embedded mode's tail, and the fill after a lost LISTEN. */
  private async catchUp(): Promise<void> {
    if (this.subscribers.size === 0) return;
    const from = this.highest;
    let newest = from;
    await this.fetchAndDeliver(async (tx) => {
      const rows = await getLogsAfter(tx, from, { limit: FETCH_CHUNK });
      for (const row of rows) if (row.id > newest) newest = row.id;
      return rows;
    });
    this.highest = Math.max(this.highest, newest);
    // A long gap is read a chunk at a time; the next commit, poll or notification continues it.
  }

  /** Reads once per staff role among the subscribers (admin and sales), then hands entries out. */
  private async fetchAndDeliver(read: Parameters<typeof asStaff<LogEntry[]>>[2]): Promise<void> {
    const roles = new Set([...this.subscribers].map((s) => s.role));
    const delivered: number[] = [];
    for (const role of roles) {
      const entries = (await asStaff(this.store.db, role, read)).filter((e) => !this.recent.has(e.id));
      if (entries.length === 0) continue;
      for (const e of entries) delivered.push(e.id);
      for (const subscriber of this.subscribers) {
        if (subscriber.role !== role) continue;
        const mine =
          subscriber.userId === undefined ? entries : entries.filter((e) => e.user_id === subscriber.userId);
        if (mine.length > 0) subscriber.deliver(mine);
      }
    }
    this.remember(delivered);
  }

  private remember(ids: number[]): void {
    for (const id of ids) {
      this.recent.add(id);
      if (id > this.highest) this.highest = id;
    }
    // A Set iterates in insertion order, so the oldest ids are dropped first.
    for (const id of this.recent) {
      if (this.recent.size <= 20_000) break;
      this.recent.delete(id);
    }
  }

  /** The newest id: bookkeeping, not user data, so it is read outside the staff scope. */
  private async latest(): Promise<number> {
    return latestLogId(this.store.db);
  }

  /** Runs reads one at a time, so entries go out in the order they were announced. */
  private serial(op: () => Promise<void>): Promise<void> {
    const next = this.chain.then(async () => {
      if (this.closed) return;
      try {
        await op();
      } catch (error) {
        this.log.warn({ err: error }, "live: reading new entries failed");
      }
    });
    this.chain = next;
    return next;
  }
}
