// A real usertrail server (@usertrail/server on PGlite in a temp dir) listening on loopback, for
// the SDK tests. Logs are read back the way staff read them: login, then the user-logs route.
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer } from "@usertrail/server";

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

export interface HealthEntry {
  source: string;
  message: string;
  metadata: Record<string, unknown>;
}

export interface Usertrail {
  endpoint: string;
  port: number;
  dataDir: string;
  publicKey: string;
  ingestKey: string;
  /** Every log entry of one user, newest first, read through the staff API. */
  logs(userId: string): Promise<LogEntry[]>;
  /** The same without the USER_CREATED entry the server adds for each new user. */
  events(userId: string): Promise<LogEntry[]>;
  /** Recent system-health entries (browser errors that had no user), from the overview. */
  health(): Promise<HealthEntry[]>;
  /** Stops the server; the data stays in dataDir for a restart. */
  stop(): Promise<void>;
  /** Stops the server and removes its data. */
  destroy(): Promise<void>;
}

export const KEYS = { publicKey: "pk_test_public", ingestKey: "ik_test_secret_0123456789" };
const ADMIN = { email: "admin@example.com", password: "sdk tests only, not a secret" };

/** Starts a server on loopback (port 0 unless given) with its data in dataDir (a new temp dir unless given). */
export async function startUsertrail(opts: { dataDir?: string; port?: number } = {}): Promise<Usertrail> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "usertrail-sdk-"));
  const app = await buildServer({
    dataDir,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    ...KEYS,
  });
  await app.listen({ port: opts.port ?? 0, host: "127.0.0.1" });
  const port = (app.server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  let token: string | undefined;
  const login = async () => {
    const r = await fetch(`${endpoint}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { token: string }).token;
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
  };
  const ut: Usertrail = {
    endpoint,
    port,
    dataDir,
    ...KEYS,
    async logs(userId) {
      token ??= await login();
      const all: LogEntry[] = [];
      let cursor: string | null = null;
      do {
        const q = new URLSearchParams({ limit: "1000", ...(cursor ? { cursor } : {}) });
        const r = await fetch(`${endpoint}/api/tripwire/debug/user-logs/${encodeURIComponent(userId)}?${q}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (r.status !== 200) throw new Error(`user-logs: ${r.status} ${await r.text()}`);
        const page = (await r.json()) as { logs: LogEntry[]; next_cursor: string | null };
        all.push(...page.logs);
        cursor = page.next_cursor;
      } while (cursor);
      return all;
    },
    async events(userId) {
      return (await ut.logs(userId)).filter((l) => l.event_type !== "USER_CREATED");
    },
    stop,
    async destroy() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async health() {
      token ??= await login();
      const r = await fetch(`${endpoint}/api/overview?range=24h`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await r.json()) as { health: HealthEntry[] }).health;
    },
  };
  return ut;
}
