// A usertrail server for SDK tests. STAND-IN until @usertrail/server lands on main: a loopback
// receiver that judges events with @usertrail/core's real rules, deduplicates by event_id and keeps
// them in a file in dataDir (so a restart on the same dataDir keeps them).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { judgeEvent } from "@usertrail/core";

export interface LogEntry {
  id: string;
  user_id: string;
  event_id: string;
  event_type: string;
  event_category: string;
  message: string;
  metadata: Record<string, unknown>;
  severity: string;
  created_at: string;
}

export interface Usertrail {
  endpoint: string;
  port: number;
  dataDir: string;
  publicKey: string;
  ingestKey: string;
  /** Every log entry of one user, newest first, read through the staff API. */
  logs(userId: string): Promise<LogEntry[]>;
  stop(): Promise<void>;
}

export const KEYS = { publicKey: "pk_test_public", ingestKey: "ik_test_secret" };

/** Starts a server on loopback (port 0 unless given) with its data in dataDir (a new temp dir unless given). */
export async function startUsertrail(opts: { dataDir?: string; port?: number } = {}): Promise<Usertrail> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "usertrail-sdk-"));
  const file = join(dataDir, "events.json");
  let events: LogEntry[] = [];
  try {
    events = JSON.parse(readFileSync(file, "utf8"));
  } catch {}
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {
        "content-type": "application/json",
        "access-control-allow-origin": "*",
        "access-control-allow-headers": "content-type, x-usertrail-key, authorization",
      });
      res.end(JSON.stringify(body));
    };
    if (req.method === "OPTIONS") return send(204, {});
    const url = new URL(req.url ?? "/", "http://x");
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      if (req.method === "POST" && url.pathname === "/api/events") {
        const ok =
          req.headers.authorization === `Bearer ${KEYS.ingestKey}` ||
          req.headers["x-usertrail-key"] === KEYS.publicKey ||
          url.searchParams.get("key") === KEYS.publicKey;
        if (!ok) return send(401, { error: "missing or wrong key" });
        let body: { events?: unknown[] };
        try {
          body = JSON.parse(raw);
        } catch {
          return send(400, { error: "body is not JSON" });
        }
        const results = (body.events ?? []).map((e) => {
          const j = judgeEvent(e);
          if (!j.ok) return { status: "rejected", error: j.error };
          if (events.some((x) => x.event_id === j.event.event_id)) return { status: "duplicate" };
          events.push({
            ...j.event,
            id: String(events.length + 1),
            created_at: j.event.created_at.toISOString(),
          } as unknown as LogEntry);
          return { status: "stored" };
        });
        writeFileSync(file, JSON.stringify(events));
        const rejected = results.filter((r) => r.status === "rejected").length;
        return send(rejected ? 207 : 200, { results, stored: results.length - rejected, rejected });
      }
      const m = /^\/api\/tripwire\/debug\/user-logs\/([^/]+)$/.exec(url.pathname);
      if (req.method === "GET" && m) {
        const id = decodeURIComponent(m[1] as string);
        return send(200, { logs: events.filter((e) => e.user_id === id).reverse(), next_cursor: null });
      }
      send(404, { error: "not found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    dataDir,
    ...KEYS,
    async logs(userId) {
      const r = await fetch(
        `${endpoint}/api/tripwire/debug/user-logs/${encodeURIComponent(userId)}?limit=1000`,
      );
      return ((await r.json()) as { logs: LogEntry[] }).logs;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
