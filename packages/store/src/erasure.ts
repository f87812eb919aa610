import type { Queryable } from "./db.ts";

/** How many rows an erasure removed, per table; no erased values are kept. */
export interface ErasureCounts {
  users: number;
  events: number;
  counters: number;
  health: number;
  /** Rows elsewhere that named the user: issue links, the worker's jobs and alert windows. */
  other: number;
}

/**
 * Erases one user, their events, their counters and the health rows that name them, then records
 * the erasure (who, when, which id) in the audit. Run it in one transaction as an admin
 * (asStaff), so either everything is gone or nothing is. Returns null when nothing named the user.
 * Tables other features add that hold a user's data must be cleared here too.
 */
export async function eraseUser(
  tx: Queryable,
  userId: string,
  actorId: string,
): Promise<ErasureCounts | null> {
  // Deleting the user row first locks it, so an upsert of the same user waits for this erasure.
  const users = await tx.query<{ email: string | null }>("DELETE FROM users WHERE id = $1 RETURNING email", [
    userId,
  ]);
  const email = users[0]?.email ?? null;
  const events = await tx.query<{ n: number }>(
    "WITH d AS (DELETE FROM user_activity_logs WHERE user_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d",
    [userId],
  );
  const counters = await tx.query<{ n: number }>(
    "WITH d AS (DELETE FROM user_stats WHERE user_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d",
    [userId],
  );
  // Browser errors without a user id name the user by email only (metadata.userEmail).
  const health = await tx.query<{ n: number }>(
    `WITH d AS (DELETE FROM system_health_logs
                 WHERE user_id = $1
                    OR ($2::text IS NOT NULL AND lower(metadata->>'userEmail') = lower($2))
                RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
    [userId, email],
  );
  // The worker's rows are deleted by a function, so staff sessions never read the job queue.
  const other = await tx.query<{ n: number }>(
    `WITH links AS (DELETE FROM issue_users WHERE user_id = $1 RETURNING 1)
     SELECT (SELECT count(*) FROM links) + usertrail_erase_worker_rows($1, $2) AS n`,
    [userId, email],
  );
  const counts: ErasureCounts = {
    users: users.length,
    events: events[0]?.n ?? 0,
    counters: counters[0]?.n ?? 0,
    health: health[0]?.n ?? 0,
    other: Number(other[0]?.n ?? 0),
  };
  if (counts.users + counts.events + counts.counters + counts.health + counts.other === 0) return null;
  await tx.query("INSERT INTO audit_log (action, detail, actor_id, user_id) VALUES ('erase', $1, $2, $3)", [
    `users=${counts.users} events=${counts.events} counters=${counts.counters} health=${counts.health} other=${counts.other}`,
    actorId,
    userId,
  ]);
  return counts;
}
