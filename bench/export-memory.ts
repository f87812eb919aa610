/**
 * Exports one user's 1,000,000 log rows as CSV through a real server process and samples that
 * process's RSS while the download runs: the export streams in keyset pages, so RSS should stay
 * flat however many rows there are.
 *
 *   node --import tsx bench/export-memory.ts [rows=1000000] [postgres|pglite] [format=csv]
 *
 * PostgreSQL: a fresh database on TEST_DATABASE_URL's server (postgres://postgres@127.0.0.1:5432/test),
 * dropped afterwards. PGlite: a temp data dir.
 */
import { readFileSync } from "node:fs";
import { openStore } from "@usertrail/store";
import { spawnServer } from "../apps/server/test/spawn-server.ts";
import { freshDatabase } from "../packages/store/test/databases.ts";

const rows = Number(process.argv[2] ?? 1_000_000);
const kind = (process.argv[3] ?? "postgres") as "postgres" | "pglite";
const format = process.argv[4] ?? "csv";
const db = await freshDatabase(kind);

let t = Date.now();
const store = await openStore(db.options);
// Rows go in straight through SQL: the bench measures the export, not ingest.
for (let done = 0; done < rows; done += 100_000) {
  await store.db.query(
    `INSERT INTO user_activity_logs (event_id, user_id, event_type, event_category, message, metadata, severity, created_at)
     SELECT gen_random_uuid(), 'bench-user', 'LESSON_COMPLETE', 'content', 'Lesson ' || g || ' finished, score=' || (g % 100),
            jsonb_build_object('lesson', g, 'pad', repeat('x', 120)),
            CASE WHEN g % 20 = 0 THEN 'error' ELSE 'info' END, now() - g * interval '1 second'
       FROM generate_series($1::int + 1, $1::int + $2::int) AS g`,
    [done, Math.min(100_000, rows - done)],
  );
}
await store.close();
const loadMs = Date.now() - t;

const env: Record<string, string> = { ADMIN_EMAIL: "bench@example.com", ADMIN_PASSWORD: "bench-password-1" };
if (db.options.databaseUrl) env.DATABASE_URL = db.options.databaseUrl;
const server = await spawnServer(db.options.dataDir ? { ...env, DATA_DIR: db.options.dataDir } : env);
const pid = server.child.pid as number;
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;
try {
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }),
  });
  const { token } = await login.json();
  const before = rssMb();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 50);
  t = Date.now();
  const res = await fetch(`${server.url}/api/tripwire/debug/user-logs/bench-user/export?format=${format}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  let bytes = 0;
  let lines = 0;
  // RSS at each tenth of the rows: flat means constant memory, a ramp would mean buffering.
  const timeline: number[] = [];
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    if (lines >= ((timeline.length + 1) * rows) / 10) timeline.push(Math.round(rssMb()));
  }
  clearInterval(sampler);
  const seconds = (Date.now() - t) / 1000;
  const dataRows = format === "csv" ? lines - 1 : format === "json" ? lines - 2 : lines;
  console.log(
    JSON.stringify({
      kind,
      format,
      rows,
      exported_rows: dataRows,
      load_s: Math.round(loadMs / 1000),
      export_s: Math.round(seconds),
      rows_per_s: Math.round(dataRows / seconds),
      mb: Math.round(bytes / 2 ** 20),
      server_rss_before_mb: Math.round(before),
      server_rss_peak_mb: Math.round(peak),
      server_rss_after_mb: Math.round(rssMb()),
      server_rss_each_tenth_mb: timeline,
    }),
  );
  if (dataRows !== rows) process.exitCode = 1;
} finally {
  await server.stop();
  await db.drop();
}
