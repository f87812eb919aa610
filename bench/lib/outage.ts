import { createClient } from "@usertrail/node";
import { openPostgres } from "@usertrail/store";
import { LoadGenerator, sleep } from "./load.ts";
import type { ThrowawayCluster } from "./pg-cluster.ts";
import { checkDatabase } from "./verify.ts";

export interface OutageResult {
  outageSeconds: number;
  sent: number;
  storedOnce: number;
  missing: number;
  duplicated: number;
  /** Answers during the outage, by status ("refused"/"timeout" when no HTTP answer came). */
  statuses: Record<string, number>;
  /** Whether every 503 carried Retry-After. */
  retryAfterOn503: boolean;
  /** The longest a single request waited for its answer. */
  maxWaitMs: number;
  /** Seconds from the database being back to the first acknowledged batch. */
  recoverySeconds: number;
  /** The Node SDK (@usertrail/node) logging beside the load: events logged, stored, and dropped. */
  sdk: { logged: number; stored: number; dropped: Record<string, number>; delivered: boolean };
  /** How long /api/health took to answer 503 while the database was down. */
  healthDuringOutage: { status: number; retryAfter: string | null; ms: number };
}

/**
 * Ingest load against a server whose PostgreSQL is stopped for `outageMs` and started again. The
 * load retries every batch not answered 2xx (like the SDKs); at the end, what was sent and what is
 * stored must match one to one.
 */
export async function runOutage(options: {
  serverUrl: string;
  cluster: ThrowawayCluster;
  ingestKey: string;
  outageMs: number;
  /** Load before and after the outage. */
  steadyMs: number;
  ratePerSec?: number;
  log?: (line: string) => void;
}): Promise<OutageResult> {
  const log = options.log ?? (() => {});
  const prefix = `outage${Date.now().toString(36)}`;
  const load = new LoadGenerator({
    url: () => options.serverUrl,
    headers: { authorization: `Bearer ${options.ingestKey}` },
    concurrency: 8,
    batchSize: 10,
    ratePerSec: options.ratePerSec ?? 40,
    // Far longer than any answer should take: a request that waits this long counts as hanging.
    requestTimeoutMs: 60_000,
    userPrefix: prefix,
  });
  const probe503 = async () => {
    const t0 = performance.now();
    const res = await fetch(`${options.serverUrl}/api/health`, { signal: AbortSignal.timeout(60_000) });
    return {
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      ms: Math.round(performance.now() - t0),
    };
  };
  // The real Node SDK beside the load generator: it queues while the database is away and its
  // retries must deliver everything once the server answers again.
  const sdk = createClient({ endpoint: options.serverUrl, ingestKey: options.ingestKey, flushInterval: 200 });
  let logged = 0;
  const sdkTimer = setInterval(() => {
    sdk.logUserActivity({
      userId: `${prefix}-sdk-${logged % 5}`,
      eventType: "SDK_EVENT",
      message: `sdk ${logged}`,
    });
    logged++;
  }, 25);
  load.start();
  await sleep(options.steadyMs);
  const before = new Map(load.statusCounts);
  log(`stopping the database (${load.acked.size} events acknowledged so far)`);
  options.cluster.stop();
  const down = performance.now();
  await sleep(Math.min(1000, options.outageMs / 4));
  const healthDuringOutage = await probe503();
  log(`during the outage /api/health answered ${JSON.stringify(healthDuringOutage)}`);
  await sleep(options.outageMs - (performance.now() - down));
  options.cluster.start();
  const up = performance.now();
  const downSeconds = (up - down) / 1000;
  log(`database back after ${downSeconds.toFixed(1)} s`);
  const ackedAtUp = load.acked.size;
  let recoverySeconds = -1;
  while (performance.now() - up < 120_000) {
    if (load.acked.size > ackedAtUp) {
      recoverySeconds = (performance.now() - up) / 1000;
      break;
    }
    await sleep(50);
  }
  await sleep(options.steadyMs);
  clearInterval(sdkTimer);
  await load.stop(true);
  const delivered = await sdk.shutdown(120_000);
  const statuses: Record<string, number> = {};
  for (const [status, n] of load.statusCounts) {
    const delta = n - (before.get(status) ?? 0);
    if (delta > 0) statuses[String(status)] = delta;
  }
  const check = await checkDatabase({ databaseUrl: options.cluster.url }, load.sent, prefix);
  const db = await openPostgres(options.cluster.url, { max: 1 });
  const [sdkRows] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM user_activity_logs WHERE user_id LIKE $1 AND event_type = 'SDK_EVENT'",
    [`${prefix}-sdk-%`],
  );
  await db.close();
  log(`SDK: logged ${logged}, stored ${sdkRows?.n}, dropped ${JSON.stringify(sdk.stats().dropped)}`);
  log(
    `sent ${load.sent.size}, stored once ${check.once}, missing ${check.missing.length}, max wait ${Math.round(load.maxWaitMs)} ms`,
  );
  return {
    outageSeconds: Math.round(downSeconds * 10) / 10,
    sent: load.sent.size,
    storedOnce: check.once,
    missing: check.missing.length,
    duplicated: check.duplicated,
    statuses,
    retryAfterOn503: load.retryAfterMissing === 0,
    maxWaitMs: Math.round(load.maxWaitMs),
    recoverySeconds: Math.round(recoverySeconds * 10) / 10,
    healthDuringOutage,
    sdk: { logged, stored: sdkRows?.n ?? 0, dropped: sdk.stats().dropped, delivered },
  };
}
