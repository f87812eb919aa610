import pg from "pg";

export interface ListenOptions {
  /** Called with each notification's payload. */
  onPayload: (payload: string) => void;
  /** Called after the connection came back from a loss: notifications in between were missed. */
  onReconnect?: () => void;
  /** Called when the connection is lost or cannot be made (for the log). */
  onError?: (error: unknown) => void;
  /** How often the idle connection is checked, so a silently dead one is noticed. */
  checkEveryMs?: number;
}

export interface Listener {
  /** Whether LISTEN is in force right now. */
  readonly connected: boolean;
  stop(): Promise<void>;
}

/**
 * LISTENs on `channel` on a dedicated connection (a pooled one would drop it on release) and
 * reconnects with backoff when the connection is lost. Resolves once the first LISTEN is in force,
 * or after the first failed attempt, retrying in the background.
 */
export async function listenPostgres(
  url: string,
  channel: string,
  options: ListenOptions,
): Promise<Listener> {
  let client: pg.Client | null = null;
  let connected = false;
  let stopped = false;
  let attempts = 0;
  let backoffMs = 100;
  let retryTimer: NodeJS.Timeout | undefined;
  const quoted = `"${channel.replaceAll('"', '""')}"`;

  const lost = (c: pg.Client, error: unknown) => {
    if (client !== c) return;
    client = null;
    connected = false;
    c.removeAllListeners();
    c.on("error", () => {});
    void c.end().catch(() => {});
    if (stopped) return;
    options.onError?.(error);
    retryTimer = setTimeout(() => void connect(), backoffMs);
    backoffMs = Math.min(backoffMs * 2, 5000);
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    attempts++;
    const c = new pg.Client({
      connectionString: url,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
      // Named, so an operator (or a test) can tell this connection apart in pg_stat_activity.
      application_name: "usertrail-live-listen",
    });
    client = c;
    c.on("error", (e) => lost(c, e));
    c.on("end", () => lost(c, new Error("listen connection ended")));
    c.on("notification", (n) => {
      if (n.channel === channel && n.payload) options.onPayload(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${quoted}`);
    } catch (error) {
      lost(c, error);
      return;
    }
    if (stopped || client !== c) return;
    connected = true;
    backoffMs = 100;
    // Any connect after the first attempt follows a gap in which notifications were missed.
    if (attempts > 1) options.onReconnect?.();
  };

  const check = setInterval(() => {
    const c = client;
    if (c && connected) c.query("SELECT 1").catch((e) => lost(c, e));
  }, options.checkEveryMs ?? 15_000);
  check.unref();

  await connect();
  return {
    get connected() {
      return connected;
    },
    async stop() {
      stopped = true;
      clearInterval(check);
      clearTimeout(retryTimer);
      const c = client;
      client = null;
      connected = false;
      if (c) {
        c.removeAllListeners();
        c.on("error", () => {});
        await c.end().catch(() => {});
      }
    },
  };
}
