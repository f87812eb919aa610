import type { Queryable } from "./db.ts";
import { LOG_COLUMNS } from "./logs-read.ts";

export type OverviewRange = "24h" | "7d";

const RANGES: Record<OverviewRange, { span: string; step: string }> = {
  "24h": { span: "24 hours", step: "1 hour" },
  "7d": { span: "7 days", step: "6 hours" },
};

/** The whole system at a glance for the Overview tab: a time series and the worst offenders. */
export async function getOverview(tx: Queryable, range: OverviewRange) {
  const { span, step } = RANGES[range];
  const window = `created_at >= now() - interval '${span}'`;
  const buckets = await tx.query<{ t: Date; events: number; errors: number }>(
    `WITH series AS (
       SELECT generate_series(date_bin('${step}', now() - interval '${span}', 'epoch'),
                              now(), interval '${step}') AS t
     ), counts AS (
       SELECT date_bin('${step}', created_at, 'epoch') AS t, count(*) AS events,
              count(*) FILTER (WHERE severity IN ('error', 'critical')) AS errors
         FROM user_activity_logs WHERE ${window} GROUP BY 1
     )
     SELECT series.t, coalesce(counts.events, 0) AS events, coalesce(counts.errors, 0) AS errors
       FROM series LEFT JOIN counts USING (t) ORDER BY series.t`,
  );
  const [totals] = await tx.query<{ events: number; errors: number; users: number }>(
    `SELECT count(*) AS events, count(*) FILTER (WHERE severity IN ('error', 'critical')) AS errors,
            count(DISTINCT user_id) AS users FROM user_activity_logs WHERE ${window}`,
  );
  const topErrors = await tx.query(
    `SELECT message, event_type, count(*) AS count, count(DISTINCT user_id) AS users
       FROM user_activity_logs WHERE ${window} AND severity IN ('error', 'critical')
      GROUP BY message, event_type ORDER BY count(*) DESC LIMIT 10`,
  );
  const topUsers = await tx.query(
    `SELECT l.user_id AS id, u.full_name, u.email, count(*) AS errors
       FROM user_activity_logs l LEFT JOIN users u ON u.id = l.user_id
      WHERE l.${window} AND l.severity IN ('error', 'critical')
      GROUP BY l.user_id, u.full_name, u.email ORDER BY count(*) DESC LIMIT 10`,
  );
  const latestCritical = await tx.query(
    `SELECT ${LOG_COLUMNS.split(", ")
      .map((c) => `l.${c}`)
      .join(", ")}, u.full_name, u.email
       FROM user_activity_logs l LEFT JOIN users u ON u.id = l.user_id
      WHERE l.severity = 'critical' ORDER BY l.created_at DESC LIMIT 10`,
  );
  const health = await tx.query(
    `SELECT id, source, message, severity, metadata, user_id, created_at
       FROM system_health_logs ORDER BY created_at DESC LIMIT 20`,
  );
  return {
    range,
    buckets,
    totals: totals ?? { events: 0, errors: 0, users: 0 },
    top_errors: topErrors,
    top_users: topUsers,
    latest_critical: latestCritical,
    health,
  };
}
