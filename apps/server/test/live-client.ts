import WebSocket from "ws";

/** A live connection that keeps every message, for tests. */
export interface LiveClient {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  /** Resolves with the first message (from the start) that matches, or rejects after timeoutMs. */
  waitFor(
    match: (m: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Opens a WebSocket and waits for the server's "ready"; rejects with the HTTP status if refused. */
export function openLive(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
) {
  return new Promise<LiveClient>((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    const messages: Record<string, unknown>[] = [];
    const waiters: (() => void)[] = [];
    ws.on("message", (data) => {
      messages.push(JSON.parse(String(data)));
      for (const w of waiters.splice(0)) w();
    });
    const client: LiveClient = {
      ws,
      messages,
      waitFor(match, timeoutMs = 5000) {
        return new Promise((res, rej) => {
          const timer = setTimeout(() => rej(new Error(`no matching message in ${timeoutMs} ms`)), timeoutMs);
          const check = () => {
            const found = messages.find(match);
            if (found) {
              clearTimeout(timer);
              res(found);
            } else waiters.push(check);
          };
          check();
        });
      },
      close: () =>
        new Promise<void>((res) => {
          if (ws.readyState === WebSocket.CLOSED) return res();
          ws.once("close", () => res());
          ws.close();
        }),
    };
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () =>
        reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode, body })),
      );
    });
    ws.on("open", () => {
      client
        .waitFor((m) => m.type === "ready", 10_000)
        .then(() => resolve(client))
        .catch(reject);
    });
    ws.on("error", (e) => reject(e));
  });
}

/** Whether a connection attempt was refused before it opened, and with which status. */
export async function refusedStatus(
  url: string,
  options: Parameters<typeof openLive>[1] = {},
): Promise<number> {
  try {
    const c = await openLive(url, options);
    await c.close();
    return 101;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === undefined) throw error;
    return status;
  }
}
