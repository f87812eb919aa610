import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getUserActivityLogs, nextBatchSize, openStore, runRetention, type Store } from "../src/index.ts";
import { testEvent as event, freshDatabase, type TestDatabase } from "./databases.ts";

const OLD_ROWS = 30_000;
const USERS = 1_000;

/**
 * PGlite has one connection and runs SQL on the server's one thread, so the retention sweep,
 * ingest and page reads take turns on it. Neither may starve the other: the sweep must finish
 * while ingest and reads run back to back beside it, and ingest must keep getting through.
 */
describe("retention sweep on PGlite beside ingest and reads", () => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await freshDatabase("pglite");
    store = await openStore(database.options);
    await store.db.exec(
      `INSERT INTO users (id, created_at)
         SELECT 'sweep-' || u, now() - interval '200 days' FROM generate_series(1, ${USERS}) u;
       INSERT INTO user_activity_logs (event_id, user_id, event_type, event_category, message, severity, created_at)
         SELECT gen_random_uuid(), 'sweep-' || (i % ${USERS} + 1), 'LESSON_COMPLETE', 'content', 'old',
                (ARRAY['info','info','error','critical'])[i % 4 + 1],
                now() - interval '31 days' - i * interval '1 second'
           FROM generate_series(1, ${OLD_ROWS}) i;
       INSERT INTO user_stats (user_id, total_events, errors, critical, last_seen)
         SELECT user_id, count(*), count(*) FILTER (WHERE severity IN ('error', 'critical')),
                count(*) FILTER (WHERE severity = 'critical'), max(created_at)
           FROM user_activity_logs GROUP BY user_id;
       ANALYZE`,
    );
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("finishes within a bound while ingest and reads keep flowing, and the counters stay right", async () => {
    let sweeping = true;
    const started = performance.now();
    const sweep = runRetention(store.db, {
      cutoff: new Date(Date.now() - 30 * 86_400_000),
      batchSize: 5000,
    }).finally(() => {
      sweeping = false;
    });
    const ingestMs: number[] = [];
    let n = 0;
    // Back to back, as the bench does: each call waits for the one before, so a sweep that held the
    // connection for long would show as few calls and long waits here.
    while (sweeping) {
      const user = `sweep-${(n++ % USERS) + 1}`;
      const t = performance.now();
      await store.ingest(Array.from({ length: 10 }, () => event({ user_id: user, severity: "error" })));
      ingestMs.push(performance.now() - t);
      await getUserActivityLogs(store.db, user, { limit: 100 });
    }
    const result = await sweep;
    const seconds = (performance.now() - started) / 1000;

    expect(result.logs).toBe(OLD_ROWS);
    // About 2 s on an idle 2-core machine; a sweep starved by ingest (or a plan gone bad) takes minutes.
    expect(seconds).toBeLessThan(25);
    // Ingest got through all along: several calls per second of sweep, none waiting seconds.
    expect(ingestMs.length).toBeGreaterThan(5 * seconds);
    expect(Math.max(...ingestMs)).toBeLessThan(3000);
    // Batches grew from 500 but stayed short: the whole sweep did not go in 6 long transactions.
    expect(result.batches).toBeGreaterThan(OLD_ROWS / 5000);

    const old = await store.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM user_activity_logs WHERE created_at < now() - interval '30 days'",
    );
    expect(old[0]?.n).toBe(0);
    const wrong = await store.db.query(
      `SELECT s.user_id FROM user_stats s
         LEFT JOIN (SELECT user_id, count(*) AS total,
                           count(*) FILTER (WHERE severity IN ('error', 'critical')) AS errors,
                           count(*) FILTER (WHERE severity = 'critical') AS critical
                      FROM user_activity_logs GROUP BY user_id) c USING (user_id)
        WHERE s.total_events <> coalesce(c.total, 0) OR s.errors <> coalesce(c.errors, 0)
           OR s.critical <> coalesce(c.critical, 0)`,
    );
    expect(wrong).toEqual([]);
  }, 30_000);
});

describe("nextBatchSize", () => {
  it("fits the last batch's rate into the time budget, grows at most twofold, stays within bounds", () => {
    expect(nextBatchSize(500, 500, 10, 100, 5000)).toBe(1000); // 50 rows/ms would fit 5,000: doubled only
    expect(nextBatchSize(2000, 2000, 400, 100, 5000)).toBe(500); // too slow: shrinks to fit 100 ms
    expect(nextBatchSize(4000, 4000, 10, 100, 5000)).toBe(5000); // never past RETENTION_BATCH
    expect(nextBatchSize(500, 500, 60_000, 100, 5000)).toBe(100); // never below 100 rows
    expect(nextBatchSize(50, 50, 1, 100, 50)).toBe(50); // a maximum under 100 is kept
  });
});
