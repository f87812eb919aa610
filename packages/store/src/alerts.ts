import type { Queryable } from "./db.ts";

/** Critical events of one user with one message, as the ingest hook hands them to the worker. */
export interface CriticalGroup {
  user_id: string;
  message: string;
  events: { event_id: string; created_at: string }[];
}

export interface AlertWindow {
  id: number;
  user_id: string;
  message: string;
  opened_at: Date;
  closes_at: Date;
  suppressed: number;
  samples: { event_id: string; created_at: string }[];
  digest_sent_at: Date | null;
}

/** How many suppressed events a window remembers by id for its digest (the count has them all). */
const MAX_SAMPLES = 20;

/**
 * Counts a group of critical events into the throttle window of their (user, message). If no
 * window is open, one opens now: its first event is to be mailed at once (`opened` is true) and
 * the rest of the group is suppressed; otherwise the whole group is suppressed, for the digest.
 * Runs in the caller's transaction; an advisory lock per (user, message) keeps two workers from
 * opening two windows for the same pair.
 */
export async function countIntoAlertWindow(
  tx: Queryable,
  group: CriticalGroup,
  windowMs: number,
): Promise<{ window: AlertWindow; opened: boolean }> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('alert:' || $1 || ':' || md5($2)))", [
    group.user_id,
    group.message,
  ]);
  const open = await tx.query<{ id: number }>(
    `SELECT id FROM alert_windows WHERE user_id = $1 AND message_key = md5($2) AND closes_at > now()
      ORDER BY closes_at DESC LIMIT 1`,
    [group.user_id, group.message],
  );
  const openId = open[0]?.id;
  const opened = openId === undefined;
  const suppressed = opened ? group.events.slice(1) : group.events;
  const rows = opened
    ? await tx.query<AlertWindow>(
        `INSERT INTO alert_windows (user_id, message_key, message, closes_at, suppressed, samples)
         VALUES ($1, md5($2), $2, now() + make_interval(secs => $3 / 1000.0), $4, $5::jsonb)
         RETURNING *`,
        [
          group.user_id,
          group.message,
          windowMs,
          suppressed.length,
          JSON.stringify(suppressed.slice(0, MAX_SAMPLES)),
        ],
      )
    : await tx.query<AlertWindow>(
        `UPDATE alert_windows SET suppressed = suppressed + $2,
                samples = (SELECT coalesce(jsonb_agg(e ORDER BY i), '[]'::jsonb)
                             FROM jsonb_array_elements(samples || $3::jsonb) WITH ORDINALITY AS t(e, i)
                            WHERE i <= $4)
          WHERE id = $1 RETURNING *`,
        [openId, suppressed.length, JSON.stringify(suppressed.slice(0, MAX_SAMPLES)), MAX_SAMPLES],
      );
  return { window: rows[0] as AlertWindow, opened };
}

export async function getAlertWindow(tx: Queryable, id: number): Promise<AlertWindow | null> {
  const rows = await tx.query<AlertWindow>("SELECT * FROM alert_windows WHERE id = $1", [id]);
  return rows[0] ?? null;
}

/** Records that a window's digest went out (or was not needed). */
export async function markDigestSent(tx: Queryable, id: number): Promise<void> {
  await tx.query("UPDATE alert_windows SET digest_sent_at = now() WHERE id = $1", [id]);
}
