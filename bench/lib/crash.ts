import { LoadGenerator, sleep } from "./load.ts";
import { type ServerProcess, startServerProcess } from "./server-process.ts";
import { checkDatabase } from "./verify.ts";

export const CRASH_INGEST_KEY = "crash-ingest-key-0123456789";

export interface CrashRound {
  round: number;
  /** Ids acknowledged up to this kill, all of them checked. */
  acked: number;
  missing: number;
  duplicated: number;
  /** Milliseconds from spawning the server again to its first healthy answer. */
  restartMs: number;
}

export interface CrashResult {
  rounds: CrashRound[];
  sent: number;
  stored: number;
  missingAtEnd: number;
  duplicatedAtEnd: number;
}

/**
 * Runs steady ingest against a server process and kills it with SIGKILL `rounds` times. After each
 * kill the database is checked for every acknowledged id (exactly once), the server is started again
 * on the same data, and the load carries on. At the end the load's held batches are retried, the
 * server is stopped cleanly, and every id ever sent must be stored exactly once.
 */
export async function runCrashRounds(options: {
  target: { dataDir?: string; databaseUrl?: string };
  rounds: number;
  /** How long the load runs between kills (randomised ±50% so kills land at different moments). */
  loadMs: number;
  concurrency?: number;
  batchSize?: number;
  log?: (line: string) => void;
}): Promise<CrashResult> {
  const log = options.log ?? (() => {});
  const env: Record<string, string> = { INGEST_KEY: CRASH_INGEST_KEY };
  if (options.target.databaseUrl) env.DATABASE_URL = options.target.databaseUrl;
  else env.DATA_DIR = options.target.dataDir as string;
  const prefix = `crash${Date.now().toString(36)}`;
  let server: ServerProcess = await startServerProcess(env);
  const port = server.port;
  const load = new LoadGenerator({
    url: () => server.url,
    headers: { authorization: `Bearer ${CRASH_INGEST_KEY}` },
    concurrency: options.concurrency ?? 6,
    batchSize: options.batchSize ?? 20,
    requestTimeoutMs: 10_000,
    userPrefix: prefix,
  });
  load.start();
  const rounds: CrashRound[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      await sleep(options.loadMs * (0.5 + Math.random()));
      await server.stop("SIGKILL");
      // Copy the set at the moment of the kill: answers cannot arrive from a dead process.
      const acked = new Set(load.acked);
      const check = await checkDatabase(options.target, acked, prefix);
      const t0 = performance.now();
      server = await startServerProcess(env, { port });
      const restartMs = Math.round(performance.now() - t0);
      rounds.push({
        round,
        acked: acked.size,
        missing: check.missing.length,
        duplicated: check.duplicated,
        restartMs,
      });
      log(
        `kill ${round}: ${acked.size} acknowledged, ${check.missing.length} missing, ${check.duplicated} duplicated; restarted in ${restartMs} ms`,
      );
    }
    await sleep(1000);
    await load.stop(true);
  } finally {
    await server.stop("SIGTERM");
  }
  const final = await checkDatabase(options.target, load.sent, prefix);
  log(`end: ${load.sent.size} sent, ${final.once} stored once, ${final.missing.length} missing`);
  return {
    rounds,
    sent: load.sent.size,
    stored: final.once,
    missingAtEnd: final.missing.length,
    duplicatedAtEnd: final.duplicated,
  };
}
