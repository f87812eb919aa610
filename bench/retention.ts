/**
 * Retention at scale: loads N old log rows (default 1,000,000) into a fresh PostgreSQL database
 * (or, with `pglite`, a fresh embedded one),
 * then measures ingest and panel-query latency while idle and while the retention sweep deletes
 * them in 5,000-row batches, and checks the counters against COUNT(*) afterwards.
 *
 *   node --import tsx bench/retention.ts [rows=1000000] [batch=5000] [postgres|pglite] [batchMs]
 *   (batch is the most rows per transaction, RETENTION_BATCH; batchMs the time budget of one batch)
 *   (TEST_DATABASE_URL picks the server; default postgres://postgres@127.0.0.1:5432/test)
 *
 * On a data set loaded by bench/load-data.ts (10M events over 30 days) instead of fresh old rows:
 *   EXISTING=usertrail_bench_10m DAYS=15 node --import tsx bench/retention.ts 0 50000 postgres
 * sweeps everything older than DAYS days from it (about half) and keeps the database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { judgeEvent } from "@usertrail/core";
import { getUserActivityLogs, openStore, runRetention } from "@usertrail/store";
import pg from "pg";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const BATCH = Number(process.argv[3] ?? 5000);
const USERS = 10_000;
const BASE = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const KIND = process.argv[4] === "pglite" ? "pglite" : "postgres";
const BATCH_MS = process.argv[5] ? Number(process.argv[5]) : undefined; // default: the store's

const EXISTING = process.env.EXISTING;
const DAYS = Number(process.env.DAYS ?? 30);
const name = EXISTING ?? `usertrail_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: BASE });
const url = new URL(BASE);
url.pathname = `/${name}`;
const dataDir = mkdtempSync(join(tmpdir(), "usertrail-bench-"));
if (KIND === "postgres") {
  await admin.connect();
  if (!EXISTING) await admin.query(`CREATE DATABASE ${name}`);
}
const store = await openStore(KIND === "postgres" ? { databaseUrl: url.toString() } : { dataDir });

try {
  let t = Date.now();
  if (!EXISTING) await loadOldRows();
  const [{ rows, old } = { rows: 0, old: 0 }] = await store.db.query<{ rows: number; old: number }>(
    `SELECT count(*)::float8 AS rows, count(*) FILTER (WHERE created_at < now() - $1 * interval '1 day')::float8 AS old
       FROM user_activity_logs`,
    [DAYS],
  );
  console.log(
    `${KIND}: ${rows.toLocaleString("en")} log rows, ${old.toLocaleString("en")} older than ${DAYS} days`,
  );

  const percentile = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
  };
  /** Ingest (10 events a call) and a panel page read, back to back, until `done()` says stop. */
  async function measure(done: () => boolean) {
    const ingest: number[] = [];
    const reads: number[] = [];
    let n = 0;
    while (!done()) {
      const user = `bench-${(n++ % USERS) + 1}`;
      const events = Array.from({ length: 10 }, (_, i) => {
        const j = judgeEvent({ user_id: user, event_type: "VIDEO_VIEW", message: `live ${i}` });
        if (!j.ok) throw new Error(j.error);
        return j.event;
      });
      let s = performance.now();
      await store.ingest(events);
      ingest.push(performance.now() - s);
      s = performance.now();
      await getUserActivityLogs(store.db, user, { limit: 100 });
      reads.push(performance.now() - s);
    }
    const f = (xs: number[]) =>
      `p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} calls)`;
    return { ingest: f(ingest), read: f(reads) };
  }

  const idleUntil = Date.now() + 10_000;
  const idle = await measure(() => Date.now() > idleUntil);
  console.log(`idle:   ingest ${idle.ingest}\n        read   ${idle.read}`);

  t = Date.now();
  let sweeping = true;
  const sweep = runRetention(store.db, {
    cutoff: new Date(Date.now() - DAYS * 86_400_000),
    batchSize: BATCH,
    batchMs: BATCH_MS,
  }).finally(() => {
    sweeping = false;
  });
  const during = await measure(() => !sweeping);
  const result = await sweep;
  const secs = (Date.now() - t) / 1000;
  console.log(`during: ingest ${during.ingest}\n        read   ${during.read}`);
  console.log(
    `sweep: ${result.logs.toLocaleString("en")} rows in ${result.batches} batches of at most ${BATCH} rows / ${BATCH_MS ?? "default"} ms ` +
      `(longest ${result.longestBatchMs.toFixed(0)} ms; VACUUM ${result.vacuumMs.toFixed(0)} ms), ${secs.toFixed(1)} s, ` +
      `${Math.round(result.logs / secs).toLocaleString("en")} rows/s`,
  );

  const wrong = await store.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM user_stats s
       LEFT JOIN (SELECT user_id, count(*) AS c FROM user_activity_logs GROUP BY user_id) c USING (user_id)
      WHERE s.total_events <> coalesce(c.c, 0)`,
  );
  console.log(`counters that differ from COUNT(*): ${wrong[0]?.n}`);
} finally {
  await store.close();
  if (KIND === "postgres") {
    if (!EXISTING) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
}

/** Old rows straight in SQL (the ingest path is not what is measured here), with their counters. */
async function loadOldRows() {
  const t = Date.now();
  // On a connection of its own, without the store's statement timeout.
  const client = KIND === "postgres" ? new pg.Client({ connectionString: url.toString() }) : null;
  await client?.connect();
  const loader = { query: (sql: string) => (client ? client.query(sql) : store.db.query(sql)) };
  await loader.query(
    `INSERT INTO users (id, email, created_at)
         SELECT 'bench-' || u, 'bench' || u || '@example.com', now() - interval '200 days'
           FROM generate_series(1, ${USERS}) u`,
  );
  for (let from = 1; from <= ROWS; from += 250_000) {
    const to = Math.min(ROWS, from + 249_999);
    await loader.query(
      `INSERT INTO user_activity_logs (event_id, user_id, event_type, event_category, message, severity, created_at)
           SELECT gen_random_uuid(), 'bench-' || (i % ${USERS} + 1), 'LESSON_COMPLETE', 'content', 'lesson ' || (i % 50),
                  (ARRAY['info','info','info','error','critical'])[i % 5 + 1],
                  now() - interval '31 days' - (i * interval '1 second')
             FROM generate_series(${from}, ${to}) i`,
    );
  }
  await loader.query(
    `INSERT INTO user_stats (user_id, total_events, errors, critical, last_seen)
         SELECT user_id, count(*), count(*) FILTER (WHERE severity IN ('error','critical')),
                count(*) FILTER (WHERE severity = 'critical'), max(created_at)
           FROM user_activity_logs GROUP BY user_id`,
  );
  await loader.query("ANALYZE");
  await client?.end();
  console.log(
    `${KIND}: loaded ${ROWS.toLocaleString("en")} old rows in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
}
