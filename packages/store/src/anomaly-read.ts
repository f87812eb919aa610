import type { Queryable } from "./db.ts";

/** One metric's hourly counts, oldest first, for the anomaly detector. */
export interface MetricSeries {
  /** `errors`, `errors:<EVENT_TYPE>` or `issue:<id>`. */
  metric: string;
  label: string;
  values: number[];
}

const HOUR = 3_600_000;

/**
 * Hourly error counts from `start` (an hour boundary) through the hour holding `end`: overall,
 * per event type and per issue. Only the `maxPerKind` busiest types and issues are kept, so one
 * noisy deployment cannot make the scan scan thousands of series.
 */
export async function hourlyErrorSeries(
  tx: Queryable,
  start: Date,
  end: Date,
  maxPerKind = 50,
): Promise<{ start: Date; hours: number; metrics: MetricSeries[]; dataStart: Date | null }> {
  const hours = Math.floor((end.getTime() - start.getTime()) / HOUR) + 1;
  const rows = await tx.query<{ t: Date; event_type: string; issue_id: string | null; n: number }>(
    `SELECT date_bin('1 hour', created_at, 'epoch') AS t, event_type, issue_id, count(*) AS n
       FROM user_activity_logs
      WHERE created_at >= $1 AND created_at <= $2
        AND (severity IN ('error', 'critical') OR issue_id IS NOT NULL)
      GROUP BY 1, 2, 3`,
    [start, end],
  );
  const series = new Map<string, { label: string; values: number[]; total: number }>();
  const add = (metric: string, label: string, index: number, n: number) => {
    let s = series.get(metric);
    if (!s) {
      s = { label, values: new Array<number>(hours).fill(0), total: 0 };
      series.set(metric, s);
    }
    s.values[index] = (s.values[index] ?? 0) + n;
    s.total += n;
  };
  for (const r of rows) {
    const index = Math.floor((new Date(r.t).getTime() - start.getTime()) / HOUR);
    if (index < 0 || index >= hours) continue;
    add("errors", "All errors", index, r.n);
    add(`errors:${r.event_type}`, `Errors in ${r.event_type}`, index, r.n);
    if (r.issue_id) add(`issue:${r.issue_id}`, "", index, r.n);
  }
  const pick = (prefix: string) =>
    [...series.entries()]
      .filter(([m]) => m.startsWith(prefix))
      .sort((a, b) => b[1].total - a[1].total)
      .slice(0, maxPerKind);
  const chosen = [...pick("errors"), ...pick("issue:")];
  const issueIds = chosen.filter(([m]) => m.startsWith("issue:")).map(([m]) => m.slice(6));
  const titles = new Map<string, string>();
  if (issueIds.length > 0) {
    const found = await tx.query<{ id: string; title: string }>(
      "SELECT id, title FROM issues WHERE id = ANY($1::text[])",
      [issueIds],
    );
    for (const f of found) titles.set(f.id, f.title);
  }
  const metrics = chosen
    .filter(([m]) => m === "errors" || m.startsWith("errors:") || m.startsWith("issue:"))
    .map(([metric, s]) => ({
      metric,
      label: metric.startsWith("issue:")
        ? `Issue: ${titles.get(metric.slice(6)) ?? metric.slice(6)}`
        : s.label,
      values: s.values,
    }));
  return { start, hours, metrics, dataStart: await firstEventTime(tx) };
}

/** When the first event was stored: hours before it are "no data yet", not "zero errors". */
async function firstEventTime(tx: Queryable): Promise<Date | null> {
  const [row] = await tx.query<{ t: Date | null }>("SELECT min(created_at) AS t FROM user_activity_logs");
  return row?.t ? new Date(row.t) : null;
}

/** Records that an alert for (metric, bucket) went out; false if one already had. */
export async function claimAnomalyAlert(tx: Queryable, metric: string, bucket: Date): Promise<boolean> {
  const rows = await tx.query(
    "INSERT INTO anomaly_alerts (metric, bucket) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING metric",
    [metric, bucket],
  );
  return rows.length > 0;
}
