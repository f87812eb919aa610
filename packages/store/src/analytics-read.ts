import type { Queryable } from "./db.ts";

/** The learning funnel's steps when the caller names none. */
export const DEFAULT_FUNNEL_STEPS = [
  "USER_CREATED",
  "LOGIN",
  "VIDEO_VIEW",
  "HOMEWORK_SUBMIT",
  "LESSON_COMPLETE",
];

/** What counts as an error for analytics: the same rule as user stats, plus *_ERROR types. */
const IS_ERROR = "(severity IN ('error', 'critical') OR event_type IN ('CLIENT_ERROR', 'API_ERROR'))";

const DAYS = `generate_series(date_bin('1 day', $2::timestamptz, 'epoch'), $3::timestamptz, interval '1 day')`;

/** One user's behaviour: totals, per-day activity in the period, last seen. */
export async function getUserAnalytics(tx: Queryable, userId: string, from: Date, to: Date) {
  const [totals] = await tx.query<{
    events: number;
    errors: number;
    lessons_completed: number;
    videos_viewed: number;
    homework_submitted: number;
    logins: number;
  }>(
    `SELECT count(*) AS events,
            count(*) FILTER (WHERE ${IS_ERROR}) AS errors,
            count(*) FILTER (WHERE event_type = 'LESSON_COMPLETE') AS lessons_completed,
            count(*) FILTER (WHERE event_type = 'VIDEO_VIEW') AS videos_viewed,
            count(*) FILTER (WHERE event_type = 'HOMEWORK_SUBMIT') AS homework_submitted,
            count(*) FILTER (WHERE event_type = 'LOGIN') AS logins
       FROM user_activity_logs WHERE user_id = $1`,
    [userId],
  );
  const [seen] = await tx.query<{ last_seen: Date | null }>(
    "SELECT last_seen FROM user_stats WHERE user_id = $1",
    [userId],
  );
  const activity = await tx.query<{ day: Date; events: number; errors: number }>(
    `WITH days AS (SELECT ${DAYS} AS day),
     counts AS (
       SELECT date_bin('1 day', created_at, 'epoch') AS day, count(*) AS events,
              count(*) FILTER (WHERE ${IS_ERROR}) AS errors
         FROM user_activity_logs WHERE user_id = $1 AND created_at >= $2 AND created_at <= $3 GROUP BY 1
     )
     SELECT days.day, coalesce(counts.events, 0) AS events, coalesce(counts.errors, 0) AS errors
       FROM days LEFT JOIN counts USING (day) ORDER BY days.day`,
    [userId, from, to],
  );
  return { user_id: userId, last_seen: seen?.last_seen ?? null, totals, activity };
}

/** Distinct active users per UTC day (USER_CREATED alone is not activity). */
export async function getDailyActive(tx: Queryable, from: Date, to: Date) {
  return tx.query<{ day: Date; users: number }>(
    `WITH days AS (SELECT ${DAYS} AS day),
     counts AS (
       SELECT date_bin('1 day', created_at, 'epoch') AS day, count(DISTINCT user_id) AS users
         FROM user_activity_logs
        WHERE created_at >= $2 AND created_at <= $3 AND event_type <> $1 GROUP BY 1
     )
     SELECT days.day, coalesce(counts.users, 0) AS users FROM days LEFT JOIN counts USING (day) ORDER BY days.day`,
    ["USER_CREATED", from, to],
  );
}

/**
 * The funnel for a period: a user counts at a step if, within the period, they did that step and
 * every step before it. Conversion is a percentage of the previous step (two decimals).
 */
export async function getFunnel(tx: Queryable, steps: string[], from: Date, to: Date) {
  const flags = steps.map((_, i) => `bool_or(event_type = $${i + 3}) AS s${i}`).join(", ");
  const counts = steps.map((_, i) => {
    const all = steps.slice(0, i + 1).map((__, j) => `s${j}`);
    return `count(*) FILTER (WHERE ${all.join(" AND ")}) AS c${i}`;
  });
  const [row] = await tx.query<Record<string, number>>(
    `WITH per_user AS (
       SELECT user_id, ${flags} FROM user_activity_logs
        WHERE created_at >= $1 AND created_at <= $2 AND event_type = ANY($${steps.length + 3}::text[])
        GROUP BY user_id
     )
     SELECT ${counts.join(", ")} FROM per_user`,
    [from, to, ...steps, steps],
  );
  const pct = (a: number, b: number) => (b > 0 ? Math.round((a * 10000) / b) / 100 : 0);
  const first = row?.c0 ?? 0;
  return steps.map((event_type, i) => {
    const users = row?.[`c${i}`] ?? 0;
    const previous = i === 0 ? users : (row?.[`c${i - 1}`] ?? 0);
    return {
      event_type,
      users,
      conversion: i === 0 ? (users > 0 ? 100 : 0) : pct(users, previous),
      conversion_from_start: pct(users, first),
    };
  });
}

/**
 * Students who stopped after an error: no event for `days` days, and an error among their last
 * five events. Newest stop first; these are the people support should call.
 */
export async function getStalledStudents(tx: Queryable, days: number, limit = 200) {
  return tx.query<{
    id: string;
    full_name: string | null;
    email: string | null;
    phone: string | null;
    last_seen: Date;
    days_inactive: number;
    last_error: { event_type: string; message: string; created_at: string; issue_id: string | null };
  }>(
    `WITH idle AS (
       SELECT user_id, last_seen FROM user_stats
        WHERE last_seen < now() - make_interval(days => $1) ORDER BY last_seen DESC LIMIT 5000
     )
     SELECT idle.user_id AS id, u.full_name, u.email, u.phone, idle.last_seen,
            floor(extract(epoch FROM now() - idle.last_seen) / 86400)::int AS days_inactive,
            jsonb_build_object('event_type', err.event_type, 'message', left(err.message, 500),
                               'created_at', err.created_at, 'issue_id', err.issue_id) AS last_error
       FROM idle
       JOIN LATERAL (
         SELECT * FROM (
           SELECT event_type, message, created_at, issue_id, severity FROM user_activity_logs l
            WHERE l.user_id = idle.user_id ORDER BY created_at DESC, id DESC LIMIT 5
         ) recent
         WHERE ${IS_ERROR} ORDER BY created_at DESC LIMIT 1
       ) err ON true
       LEFT JOIN users u ON u.id = idle.user_id
      ORDER BY idle.last_seen DESC LIMIT $2`,
    [days, limit],
  );
}
