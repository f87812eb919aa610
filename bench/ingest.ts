/**
 * Ingest throughput over HTTP on loopback against the real server (a child process), with the
 * limit (COPY) and the naive way (one awaited INSERT per event) measured in the same run:
 *   node --expose-gc --import tsx bench/ingest.ts --db=postgres|pglite [--seconds=15]
 * Stored events are counted in the database afterwards, per phase (metadata.phase).
 */
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { openStore } from "@usertrail/store";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { bodies, COPY_COLUMNS, copyLine, makeEvent } from "./events.ts";
import {
  type BenchDatabase,
  benchDatabase,
  flags,
  fmt,
  type Kind,
  machine,
  percentile,
  sleep,
  startServer,
} from "./lib.ts";
import { closedLoop, type LoadResult, openLoop, pool } from "./load.ts";

const f = flags();
const kind = (f.db ?? "postgres") as Kind;
const SECONDS = Number(f.seconds ?? 15);
/** Seconds to wait before the half-load phase, so the disk has written back the phases before it. */
const SETTLE = Number(f.settle ?? 0);
const COPY_ROWS = Number(f["copy-rows"] ?? (kind === "postgres" ? 200_000 : 100_000));
const INSERT = `INSERT INTO user_activity_logs (${COPY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
const RESET = "TRUNCATE user_activity_logs, users, user_stats";

/** A raw connection to the same database the server uses: pg for PostgreSQL, PGlite in-process. */
interface Raw {
  copy(text: string): Promise<void>;
  insert(params: unknown[]): Promise<void>;
  query<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

async function raw(db: BenchDatabase): Promise<Raw> {
  if (db.url) {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    return {
      copy: (text) =>
        new Promise((resolve, reject) => {
          const stream = c.query(copyFrom(`COPY user_activity_logs (${COPY_COLUMNS}) FROM STDIN`));
          stream.on("finish", resolve).on("error", reject);
          stream.end(text);
        }),
      insert: async (params) => void (await c.query(INSERT, params)),
      query: async (sql) => (await c.query(sql)).rows,
      close: () => c.end(),
    };
  }
  const p = await PGlite.create({ dataDir: db.dataDir, extensions: { pg_trgm } });
  return {
    copy: async (text) =>
      void (await p.query(`COPY user_activity_logs (${COPY_COLUMNS}) FROM '/dev/blob'`, [], {
        blob: new Blob([text]),
      })),
    insert: async (params) => void (await p.query(INSERT, params)),
    query: async (sql) => (await p.query(sql)).rows as never,
    close: () => p.close(),
  };
}

/**
 * Checkpoints the PostgreSQL server has made so far (any database's: the server is shared). A
 * checkpoint flushes every dirty page and can hold commits for 100 ms and more, so the open-loop
 * phase reports how many fell inside it beside its p99.
 */
async function checkpoints(db: BenchDatabase): Promise<number> {
  if (!db.url) return 0;
  const conn = await raw(db);
  const [row] = await conn.query<{ n: number }>(
    "SELECT (checkpoints_timed + checkpoints_req)::int AS n FROM pg_stat_bgwriter",
  );
  await conn.close();
  return Number(row?.n ?? 0);
}

async function baselines(db: BenchDatabase) {
  await (await openStore({ databaseUrl: db.url, dataDir: db.dataDir })).close(); // migrations
  const conn = await raw(db);
  const rows = Array.from({ length: COPY_ROWS }, () => makeEvent("copy"));
  const text = rows.map(copyLine).join("");
  let t = performance.now();
  await conn.copy(text);
  const copyRate = COPY_ROWS / ((performance.now() - t) / 1000);
  await conn.query(RESET);
  let naive = 0;
  t = performance.now();
  while (performance.now() - t < 10_000) {
    const e = makeEvent("naive");
    const category = e.event_type.endsWith("_ERROR") ? "error" : "content";
    await conn.insert([
      e.event_id,
      e.user_id,
      e.event_type,
      category,
      e.message,
      e.metadata,
      e.severity,
      e.created_at,
    ]);
    naive++;
  }
  const naiveRate = naive / ((performance.now() - t) / 1000);
  await conn.query(RESET);
  await conn.close();
  return { copyRate, naiveRate };
}

function line(name: string, r: LoadResult, stored: number, perRequest: number) {
  const rate = stored / r.seconds;
  const p50 = percentile(r.latenciesMs, 50);
  const p99 = percentile(r.latenciesMs, 99);
  console.log(
    `${name.padEnd(34)} ${fmt(rate).padStart(8)} events/s stored (${fmt(r.requests / r.seconds)} req/s x ${perRequest}), ` +
      `p50 ${fmt(p50, 1)} ms, p99 ${fmt(p99, 1)} ms, failures ${r.failures}`,
  );
  if (r.sendLateMs) {
    // Latency counts from when each request was due; this part of it is the generator's own delay.
    console.log(`${"".padEnd(34)} (generator sent late by p99 ${fmt(percentile(r.sendLateMs, 99), 1)} ms)`);
  }
  return rate;
}

async function main() {
  const db = await benchDatabase(kind);
  console.log(`ingest benchmark on ${kind}; ${machine()}`);
  const { copyRate, naiveRate } = await baselines(db);
  const server = await startServer(db);
  const http = await pool(server.url, 64);
  const results: Record<string, LoadResult> = {};
  // The generator's own garbage (the COPY baseline's 200,000 rows, earlier phases) is collected
  // between phases (`--expose-gc`), so a long pause of the generator does not land in a measurement.
  const collect = () => (globalThis as { gc?: () => void }).gc?.();
  collect();
  results.b100 = await closedLoop(http, 8, SECONDS, bodies("b100", 100));
  collect();
  results.b1000 = await closedLoop(http, 4, SECONDS, bodies("b1000", 1000));
  collect();
  results.single = await closedLoop(http, 64, SECONDS, bodies("single", 1));
  const halfRate = Math.max(1, Math.round(results.single.requests / results.single.seconds / 2));
  collect();
  await sleep(SETTLE * 1000);
  const checkpointsBefore = await checkpoints(db);
  results.half = await openLoop(http, halfRate, SECONDS, bodies("half", 1));
  const halfCheckpoints = (await checkpoints(db)) - checkpointsBefore;
  await http.close();
  await server.stop();
  const conn = await raw(db);
  const counts = new Map(
    (
      await conn.query<{ phase: string; n: number }>(
        "SELECT metadata->>'phase' AS phase, count(*)::int AS n FROM user_activity_logs GROUP BY 1",
      )
    ).map((r) => [r.phase, Number(r.n)]),
  );
  await conn.close();
  await db.drop();

  console.log(
    `limit:  COPY of ${fmt(COPY_ROWS)} rows into the same table  ${fmt(copyRate).padStart(8)} rows/s`,
  );
  console.log(`naive:  one awaited INSERT per event, 10 s          ${fmt(naiveRate).padStart(8)} rows/s`);
  const sizes: Record<string, number> = { b100: 100, b1000: 1000, single: 1, half: 1 };
  const names: Record<string, string> = {
    b100: "batches of 100, 8 senders",
    b1000: "batches of 1000, 4 senders",
    single: "one event per request, 64 senders",
    half: `half load, open loop ${halfRate} req/s`,
  };
  for (const [key, r] of Object.entries(results)) {
    const rate = line(names[key] as string, r, counts.get(key) ?? 0, sizes[key] as number);
    if (key === "half" && db.url) {
      console.log(`${"".padEnd(34)} (PostgreSQL checkpoints during this phase: ${halfCheckpoints})`);
    }
    if (key !== "half") {
      console.log(
        `${"".padEnd(34)} = ${fmt((rate / copyRate) * 100)}% of COPY, ${fmt(rate / naiveRate, 1)}x naive`,
      );
    }
  }
}

await main();
