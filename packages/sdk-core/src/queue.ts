/** One event as `POST /api/events` takes it. */
export interface WireEvent {
  event_id: string;
  user_id: string;
  user?: { email?: string; phone?: string; full_name?: string };
  event_type: string;
  event_category?: string;
  message: string;
  metadata?: Record<string, unknown>;
  severity?: string;
  created_at?: string;
}

/** What a platform's transport saw: HTTP status (0 for a network failure) and the server's answer. */
export interface SendResult {
  status: number;
  retryAfter?: string | null;
  results?: Array<{ status?: string }>;
}

/** How a platform makes one request; the only part that differs between browser and Node. */
export type Send = (events: WireEvent[]) => Promise<SendResult>;

export interface QueueOptions {
  send: Send;
  /** Most events held; the oldest is dropped (reason `queue_full`) to make room. */
  maxQueue: number;
  /** Most events per request. */
  batchSize: number;
  /** How long the first queued event waits for company before a batch goes out, in ms. */
  flushDelay: number;
  /** Longest wait between retries, in ms. */
  maxBackoff?: number;
  /** Events left from before (the browser's offline store). */
  initial?: WireEvent[];
  /** Called after every change, so a platform can persist the queue. */
  onChange?: (events: WireEvent[]) => void;
}

/** Counters a host app can read to see what its SDK did. */
export interface Stats {
  queued: number;
  sent: number;
  dropped: Record<string, number>;
}

/** Wait before retry number `attempt`: the server's Retry-After when it gives one, else exponential backoff with jitter. */
export function retryDelay(retryAfter: string | null | undefined, attempt: number, max = 30_000): number {
  if (retryAfter) {
    const secs = Number(retryAfter);
    const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(retryAfter) - Date.now();
    if (ms >= 0) return Math.min(ms, 60_000);
  }
  return Math.min(max, 1000 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
}

/** A timer that, in Node, does not keep the process alive on its own. */
function later(fn: () => void, ms: number, keepAlive = false): void {
  const t = setTimeout(fn, ms) as unknown as { unref?: () => void };
  if (!keepAlive) t.unref?.();
}

/**
 * The transport core both SDKs share: a bounded queue sent in batches, retried with backoff on
 * network errors, 408, 429 and 5xx, dropped (and counted) on any other refusal. Retried events keep
 * their event_id, so the server stores each once however often it arrives.
 */
export function createQueue(o: QueueOptions) {
  let items = (o.initial ?? []).slice(-o.maxQueue);
  const dropped: Record<string, number> = {};
  let sent = 0;
  let attempt = 0;
  let retryAt = 0;
  let giveUpAt = Number.POSITIVE_INFINITY;
  let running: Promise<boolean> | null = null;
  let scheduled = false;
  let wake: (() => void) | null = null;

  const drop = (reason: string, n = 1) => {
    dropped[reason] = (dropped[reason] ?? 0) + n;
  };
  const changed = () => {
    try {
      o.onChange?.(items);
    } catch {
      drop("store_failed");
    }
  };
  const schedule = (ms: number) => {
    if (scheduled) return;
    scheduled = true;
    later(() => {
      scheduled = false;
      void flush();
    }, ms);
  };

  async function drain(): Promise<boolean> {
    while (items.length) {
      while (Date.now() < retryAt) {
        if (retryAt > giveUpAt) return false;
        // Sleep until the retry time, but wake early if a flush brings the deadline closer.
        await new Promise<void>((resolve) => {
          wake = resolve;
          later(resolve, retryAt - Date.now(), giveUpAt < Number.POSITIVE_INFINITY);
        });
        wake = null;
      }
      const batch = items.slice(0, o.batchSize);
      let r: SendResult;
      try {
        r = await o.send(batch);
      } catch {
        r = { status: 0 };
      }
      const s = r.status;
      if (s === 0 || s === 408 || s === 429 || s >= 500) {
        retryAt = Date.now() + retryDelay(r.retryAfter, attempt++, o.maxBackoff);
        continue;
      }
      attempt = 0;
      if (s < 300) {
        const refused = r.results?.filter((x) => x.status === "rejected").length ?? 0;
        sent += batch.length - refused;
        if (refused) drop("rejected", refused);
      } else drop("rejected", batch.length);
      const done = new Set(batch);
      items = items.filter((e) => !done.has(e));
      changed();
    }
    return true;
  }

  /**
   * Sends everything queued. Resolves true once the queue is empty, false if `timeout` ms pass
   * first (what is left stays queued and is retried later). Never rejects.
   */
  async function flush(timeout = Number.POSITIVE_INFINITY): Promise<boolean> {
    const until = Date.now() + timeout;
    while (items.length) {
      giveUpAt = Math.min(giveUpAt, until);
      wake?.();
      running ??= drain()
        .catch(() => false)
        .finally(() => {
          running = null;
          giveUpAt = Number.POSITIVE_INFINITY;
          if (items.length) schedule(Math.max(0, retryAt - Date.now()));
        });
      if (!(await running) && Date.now() + Math.max(0, retryAt - Date.now()) > until) return false;
    }
    return true;
  }

  return {
    /** Queues one event; costs a push, never waits for the network. */
    add(event: WireEvent) {
      if (items.length >= o.maxQueue) {
        items.shift();
        drop("queue_full");
      }
      items.push(event);
      changed();
      schedule(items.length >= o.batchSize ? 0 : o.flushDelay);
    },
    flush,
    drop,
    /** Retry now instead of waiting out the backoff (the browser calls it when it comes back online). */
    retryNow() {
      retryAt = 0;
      attempt = 0;
      wake?.();
    },
    /** The queued events, oldest first (the browser beacons them on page hide). */
    items: () => items,
    stats: (): Stats => ({ queued: items.length, sent, dropped: { ...dropped } }),
  };
}

export type Queue = ReturnType<typeof createQueue>;
