/**
 * Outage proof: a server process on a throwaway PostgreSQL cluster of its own; the cluster is stopped
 * for 30 s (default) under ingest load and started again. The server must answer 503 with Retry-After,
 * never hang a request, never exit, recover by itself, and the retrying client's events must all be
 * stored exactly once.
 *
 *   node --import tsx bench/outage.ts [outage-seconds=30]
 */
import { runOutage } from "./lib/outage.ts";
import { createCluster } from "./lib/pg-cluster.ts";
import { startServerProcess } from "./lib/server-process.ts";

const seconds = Number(process.argv[2] ?? 30);
const INGEST_KEY = "outage-ingest-key-0123456789";
const cluster = await createCluster();
let ok = false;
try {
  const server = await startServerProcess({ DATABASE_URL: cluster.url, INGEST_KEY });
  try {
    const result = await runOutage({
      serverUrl: server.url,
      cluster,
      ingestKey: INGEST_KEY,
      outageMs: seconds * 1000,
      steadyMs: 10_000,
      log: (line) => console.log(line),
    });
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    console.log(JSON.stringify({ ...result, serverStillRunning: alive }, null, 2));
    ok =
      alive &&
      result.missing === 0 &&
      result.duplicated === 0 &&
      result.sent === result.storedOnce &&
      result.retryAfterOn503 &&
      result.healthDuringOutage.status === 503 &&
      result.recoverySeconds >= 0 &&
      result.sdk.delivered &&
      result.sdk.logged === result.sdk.stored;
    if (!ok) console.log(server.output().slice(-4000));
  } finally {
    await server.stop();
  }
} finally {
  cluster.destroy();
}
console.log(ok ? "PASS" : "FAIL");
process.exit(ok ? 0 : 1);
