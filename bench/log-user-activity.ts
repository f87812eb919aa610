// What one logUserActivity() call costs the host app, against what the seed did: an awaited
// single-row INSERT into PostgreSQL per event.
//   node --import tsx bench/log-user-activity.ts [calls=100000]
// The SDK sends to a real usertrail server (a child process on PGlite, loopback, random port);
// the INSERTs go to postgres://postgres@127.0.0.1:5432/test (DATABASE_URL overrides) in a temp table.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import pg from "pg";
import { createClient } from "../packages/sdk-node/src/index.ts";

const CALLS = Number(process.argv[2] ?? 100_000);
const INSERTS = Math.min(CALLS, 10_000);
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const INGEST_KEY = "bench-ingest-key-0123456789";

/** Median and 99th percentile of per-call times, in microseconds. */
function summary(ns: bigint[]) {
  const us = ns.map((n) => Number(n) / 1000).sort((a, b) => a - b);
  const at = (q: number) => us[Math.min(us.length - 1, Math.floor(us.length * q))] ?? 0;
  return { median: at(0.5), p99: at(0.99) };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** Starts the real server as its own process and waits for /api/health. */
async function startServer() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "usertrail-bench-"));
  const proc = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      INGEST_KEY,
      PUBLIC_KEY: "bench-public",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(`${endpoint}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    stop: async () => {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.on("exit", r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function benchSdk(endpoint: string) {
  const client = createClient({ endpoint, ingestKey: INGEST_KEY, maxQueue: CALLS, shutdownTimeout: 120_000 });
  const times: bigint[] = new Array(CALLS);
  // Warm-up so the JIT has compiled the call path (not counted, not sent to the measured user).
  for (let i = 0; i < 2000; i++)
    client.logUserActivity({ userId: "warmup", eventType: "VIDEO_VIEW", metadata: { i } });
  for (let i = 0; i < CALLS; i++) {
    const t0 = process.hrtime.bigint();
    client.logUserActivity({
      userId: `student-${i % 500}`,
      eventType: "VIDEO_VIEW",
      message: "Watched lesson video",
      metadata: { videoId: i % 40, lessonId: i % 12, watchedSeconds: i % 600 },
    });
    times[i] = process.hrtime.bigint() - t0;
    // A host app handles requests between calls; let the SDK's sends run as they would.
    if (i % 1000 === 999) await yieldToLoop();
  }
  const t0 = Date.now();
  const delivered = await client.shutdown();
  return { ...summary(times), delivered, drainMs: Date.now() - t0, stats: client.stats() };
}

async function benchInsert() {
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  await db.query(`CREATE TEMP TABLE bench_activity_logs (
    id bigserial PRIMARY KEY, user_id text NOT NULL, event_type text NOT NULL, event_category text NOT NULL,
    message text NOT NULL, metadata jsonb NOT NULL, severity text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  const sql = `INSERT INTO bench_activity_logs (user_id, event_type, event_category, message, metadata, severity)
               VALUES ($1, $2, $3, $4, $5, $6)`;
  const row = (i: number) => [
    `student-${i % 500}`,
    "VIDEO_VIEW",
    "content",
    "Watched lesson video",
    JSON.stringify({ videoId: i % 40, lessonId: i % 12, watchedSeconds: i % 600 }),
    "info",
  ];
  for (let i = 0; i < 500; i++) await db.query(sql, row(i));
  const times: bigint[] = new Array(INSERTS);
  for (let i = 0; i < INSERTS; i++) {
    const t0 = process.hrtime.bigint();
    await db.query(sql, row(i));
    times[i] = process.hrtime.bigint() - t0;
  }
  await db.end();
  return summary(times);
}

const server = await startServer();
try {
  const sdk = await benchSdk(server.endpoint);
  const insert = await benchInsert();
  const f = (n: number) => n.toFixed(2).padStart(9);
  console.log(`logUserActivity() x ${CALLS}: median ${f(sdk.median)} µs   p99 ${f(sdk.p99)} µs`);
  console.log(`awaited INSERT   x ${INSERTS}: median ${f(insert.median)} µs   p99 ${f(insert.p99)} µs`);
  console.log(
    `ratio (INSERT / logUserActivity): median ${(insert.median / sdk.median).toFixed(0)}x   p99 ${(insert.p99 / sdk.p99).toFixed(0)}x`,
  );
  console.log(
    `delivered all ${CALLS}: ${sdk.delivered} (shutdown drained in ${sdk.drainMs} ms; stats ${JSON.stringify(sdk.stats)})`,
  );
} finally {
  await server.stop();
}
