/**
 * Server memory under sustained load: RSS of the server process sampled every 30 s while browsers
 * send single events, a backend sends batches of 100 and staff search and read logs:
 *   node --import tsx bench/memory.ts --db=postgres|pglite [--minutes=5] [--singles=800] [--batches=10]
 * Rates are requests per second; the verdict is "flat or falling" when the last sample is at most
 * 15% above the sample at one minute (after warm-up; a leak only grows), and the peak must stay
 * under 300 MB.
 */
import { Pool } from "undici";
import { bodies } from "./events.ts";
import {
  ADMIN,
  benchDatabase,
  flags,
  fmt,
  type Kind,
  machine,
  percentile,
  sleep,
  startServer,
} from "./lib.ts";
import { openLoop, pool } from "./load.ts";

const f = flags();
const kind = (f.db ?? "postgres") as Kind;
const MINUTES = Number(f.minutes ?? 5);
const SINGLES = Number(f.singles ?? 800);
const BATCHES = Number(f.batches ?? 10);

async function staffReads(url: string, until: number) {
  const http = new Pool(url, { connections: 1 });
  const login = await http.request({
    method: "POST",
    path: "/api/auth/login",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  const { token } = (await login.body.json()) as { token: string };
  let n = 0;
  while (Date.now() < until) {
    const path =
      n++ % 2 === 0
        ? `/api/tripwire/debug/search-users?q=student${n % 1000}`
        : `/api/tripwire/debug/user-logs/user-${n % 10_000}?limit=100`;
    const res = await http.request({ method: "GET", path, headers: { authorization: `Bearer ${token}` } });
    await res.body.dump();
    await sleep(100);
  }
  await http.close();
}

async function main() {
  const db = await benchDatabase(kind);
  const server = await startServer(db);
  console.log(
    `memory benchmark on ${kind}, ${MINUTES} min: ${SINGLES} single-event req/s + ${BATCHES} x 100-event req/s + staff reads; ${machine()}`,
  );
  const seconds = MINUTES * 60;
  const until = Date.now() + seconds * 1000;
  const http = await pool(server.url, 32);
  const samples: number[] = [server.rssMb()];
  console.log(`t=0s RSS ${fmt(samples[0] ?? 0)} MB (idle, after start)`);
  const sampler = (async () => {
    for (let t = 30; t <= seconds; t += 30) {
      await sleep(Math.max(0, until - (seconds - t) * 1000 - Date.now()));
      samples.push(server.rssMb());
      console.log(`t=${t}s RSS ${fmt(samples[samples.length - 1] ?? 0)} MB`);
    }
  })();
  const [singles, batches] = await Promise.all([
    openLoop(http, SINGLES, seconds, bodies("mem-single", 1)),
    openLoop(http, BATCHES, seconds, bodies("mem-batch", 100)),
    staffReads(server.url, until),
    sampler,
  ]);
  await http.close();
  await server.stop();
  await db.drop();
  const afterWarmup = samples[2] ?? Number.NaN;
  const last = samples[samples.length - 1] ?? Number.NaN;
  const peak = Math.max(...samples);
  console.log(
    `singles: ${fmt(singles.requests / singles.seconds)} req/s, p99 ${fmt(percentile(singles.latenciesMs, 99), 1)} ms, failures ${singles.failures}; ` +
      `batches: ${fmt(batches.requests / batches.seconds, 1)} req/s, p99 ${fmt(percentile(batches.latenciesMs, 99), 1)} ms, failures ${batches.failures}`,
  );
  console.log(
    `peak RSS ${fmt(peak)} MB (target < 300: ${peak < 300 ? "met" : "MISSED"}); 1 min ${fmt(afterWarmup)} MB -> end ${fmt(last)} MB ` +
      `(${fmt(((last - afterWarmup) / afterWarmup) * 100, 1)}%, ${(last - afterWarmup) / afterWarmup < 0.15 ? "flat or falling" : "GROWING"})`,
  );
}

await main();
