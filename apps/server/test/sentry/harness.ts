import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer, type ServerOptions } from "../../src/server.ts";

/** API answers as tests read them: deep paths that the assertions themselves pin down. */
// biome-ignore lint/suspicious/noExplicitAny: see above; one alias instead of casts at every read
export type Json = any;

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../../..");
/** An embedded database opens in seconds, but can take minutes on a machine running many suites. */
export const STARTUP_MS = 300_000;
export const PUBLIC_KEY = "ut_pub_sentry_test_key";
const ADMIN = { email: "admin@example.com", password: "correct horse battery" };

export interface LogEntry {
  event_id: string;
  event_type: string;
  event_category: string;
  message: string;
  severity: string;
  metadata: Record<string, Json>;
}

/** What reached a Sentry endpoint, to check how the real SDKs sent it. */
export interface SeenRequest {
  method: string;
  url: string;
  status: number;
  contentType?: string;
  contentEncoding?: string;
  origin?: string;
}

export interface RunningServer {
  url: string;
  /** The DSN exactly as GET /api/settings/dsn shows it to staff. */
  requests: SeenRequest[];
  dsn: string;
  /** The staff API, as an admin would call it. */
  staff(path: string): Promise<Json>;
  logs(userId: string): Promise<LogEntry[]>;
  /** Waits until the user's log holds at least `count` entries matching `where`. */
  waitForLogs(userId: string, count: number, where?: (e: LogEntry) => boolean): Promise<LogEntry[]>;
  health(): Promise<Array<{ source: string; message: string; metadata: Record<string, Json> }>>;
  close(): Promise<void>;
}

/** A real usertrail on a random loopback port, on a fresh embedded database (or the one given). */
export async function startServer(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const dataDir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), "usertrail-sentry-"));
  const app = await buildServer({
    dataDir,
    publicKey: PUBLIC_KEY,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    ...options,
  });
  const requests: SeenRequest[] = [];
  app.addHook("onResponse", async (request, reply) => {
    if (!/^\/api\/[^/]+\/(envelope|store)\/?/.test(request.url)) return;
    requests.push({
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      contentType: request.headers["content-type"],
      contentEncoding: request.headers["content-encoding"],
      origin: request.headers.origin,
    });
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  const url = `http://127.0.0.1:${address.port}`;
  const login = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  const { token } = (await login.json()) as { token: string };
  // The server only now knows its port; the DSN the panel shows is built from this at request time.
  app.usertrail.publicUrl = url;
  const staff = async (path: string) => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const logs = async (userId: string) =>
    (
      (await staff(`/api/tripwire/debug/user-logs/${encodeURIComponent(userId)}?limit=1000`)) as {
        logs: LogEntry[];
      }
    ).logs;
  const { dsn } = (await staff("/api/settings/dsn")) as { dsn: string };
  return {
    url,
    dsn,
    requests,
    staff,
    logs,
    async waitForLogs(userId, count, where = () => true) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const found = (await logs(userId)).filter(where);
        if (found.length >= count || Date.now() > deadline) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async health() {
      const overview = (await staff("/api/overview?range=24h")) as { health: Json[] };
      return overview.health;
    },
    async close() {
      await app.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The code block after `<!-- snippet:NAME -->` in the README, with its DSN replaced by `dsn`. */
export function readmeSnippet(name: "node" | "browser", dsn: string): string {
  // The section lives in apps/server/src/sentry/README.md until it is moved into the root README;
  // whichever holds the marker is the one users read, so that is the one tested.
  const root = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const readme = root.includes(`<!-- snippet:${name} -->`)
    ? root
    : readFileSync(join(REPO_ROOT, "apps/server/src/sentry/README.md"), "utf8");
  const match = new RegExp(`<!-- snippet:${name} -->\\s*\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match?.[1]) throw new Error(`README has no ${name} snippet`);
  const placeholder = "http://<PUBLIC_KEY>@localhost:3000/1";
  if (!match[1].includes(placeholder)) throw new Error(`the ${name} snippet lost its DSN placeholder`);
  return match[1].replace(placeholder, dsn);
}
