import { createSession, listJobs } from "@usertrail/store";
import { expect, it } from "vitest";
import { scheduleRetention } from "../../src/worker/retention-job.ts";
import type { WorkerTestContext } from "./context.ts";
import { eventually } from "./smtp.ts";

const DAY = 24 * 3600_000;
const SEVERITIES = ["info", "error", "critical", "warning", "debug"] as const;

const events = (userId: string, n: number, daysAgo: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({
    user_id: userId,
    event_type: "LESSON_COMPLETE",
    message: tag,
    severity: SEVERITIES[i % SEVERITIES.length],
    created_at: new Date(Date.now() - daysAgo * DAY - i * 1000).toISOString(),
  }));

/** Retention: events dated in the past go, recent ones stay, and the counters match what stays. */
export function retentionCases(w: WorkerTestContext) {
  it("ran at start and is scheduled daily", async () => {
    const jobs = await listJobs(w.s.app.usertrail.store.db, "retention");
    expect(jobs.some((j) => j.state === "done")).toBe(true);
    const next = jobs.find((j) => j.state === "queued");
    expect(new Date(next?.run_after ?? 0).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it("deletes logs older than RETENTION_DAYS in batches while ingest goes on; stats equal COUNT(*)", async () => {
    const db = w.s.app.usertrail.store.db;
    // Old and new logs: ret-old has only old ones, ret-mixed both, ret-bulk enough for many batches.
    for (const batch of [
      events("ret-old", 25, 40, "old"),
      [...events("ret-mixed", 30, 45, "old"), ...events("ret-mixed", 10, 1, "new")],
      events("ret-new", 10, 2, "new"),
      events("ret-bulk", 1000, 31, "old"),
      events("ret-bulk", 800, 90, "old"),
    ]) {
      expect((await w.s.ingest(batch)).body).toMatchObject({ rejected: 0 });
    }
    await db.query(
      `INSERT INTO system_health_logs (source, message, severity, created_at)
       VALUES ('client', 'old', 'error', now() - interval '40 days'), ('client', 'new', 'error', now())`,
    );
    const account = await db.query<{ id: string }>("SELECT id::text AS id FROM accounts LIMIT 1");
    const expired = await createSession(db, account[0]?.id ?? "", -60_000);

    // Sweep now, and keep ingesting new events for the same users while it runs.
    await scheduleRetention(db, 0);
    w.s.app.usertrail.worker?.wake();
    const during = await Promise.all(
      Array.from({ length: 8 }, (_, k) =>
        w.s.ingest([...events("ret-bulk", 20, 0, `live ${k}`), ...events("ret-mixed", 5, 0, `live ${k}`)]),
      ),
    );
    for (const r of during) expect(r.body).toMatchObject({ stored: 25 });
    await eventually(
      async () => {
        const [job] = await listJobs(db, "retention");
        return job?.state === "queued" && new Date(job.run_after).getTime() > Date.now() + DAY / 2;
      },
      "the sweep to finish and schedule the next",
      60_000,
    );

    const left = await db.query<{ user_id: string; n: number }>(
      `SELECT user_id, count(*)::int AS n FROM user_activity_logs
        WHERE user_id LIKE 'ret-%' GROUP BY user_id ORDER BY user_id`,
    );
    // USER_CREATED of ret-new (dated just before its first event) stays; the others were old too.
    expect(left).toEqual([
      { user_id: "ret-bulk", n: 160 },
      { user_id: "ret-mixed", n: 10 + 40 },
      { user_id: "ret-new", n: 11 },
    ]);
    const old = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM user_activity_logs WHERE created_at < now() - interval '30 days'",
    );
    expect(old[0]?.n).toBe(0);

    // Every counter equals a COUNT(*) of the rows that remain, for every user.
    const mismatched = await db.query(
      `SELECT s.user_id, s.total_events, s.errors, s.critical, c.total, c.errors AS c_errors, c.critical AS c_critical
         FROM user_stats s
         LEFT JOIN (SELECT user_id, count(*) AS total,
                           count(*) FILTER (WHERE severity IN ('error', 'critical')) AS errors,
                           count(*) FILTER (WHERE severity = 'critical') AS critical
                      FROM user_activity_logs GROUP BY user_id) c ON c.user_id = s.user_id
        WHERE s.total_events <> coalesce(c.total, 0) OR s.errors <> coalesce(c.errors, 0)
           OR s.critical <> coalesce(c.critical, 0)`,
    );
    expect(mismatched).toEqual([]);
    const stats = await w.s.as(w.admin, { url: "/api/tripwire/debug/user-stats/ret-old" });
    expect(stats.json()).toMatchObject({ total_events: 0, errors: 0, critical: 0 });
    const mixed = await w.s.as(w.admin, { url: "/api/tripwire/debug/user-stats/ret-mixed" });
    expect(mixed.json().total_events).toBe(50);

    const health = await db.query<{ message: string }>(
      "SELECT message FROM system_health_logs WHERE message IN ('old', 'new')",
    );
    expect(health.map((h) => h.message)).toEqual(["new"]);
    const sessions = await w.s.as(expired, { url: "/api/auth/me" });
    expect(sessions.statusCode).toBe(401);
    const expiredLeft = await db.query("SELECT 1 FROM sessions WHERE expires_at < now()");
    expect(expiredLeft).toEqual([]);
  });
}
