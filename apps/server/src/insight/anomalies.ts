import { type AnomalyOptions, DEFAULT_ANOMALY_OPTIONS, scoreSeries } from "@usertrail/core";
import { claimAnomalyAlert, hourlyErrorSeries, type Queryable, type Store } from "@usertrail/store";

const HOUR = 3_600_000;

/** A flagged metric: its worst flagged hour, every flagged hour, and its series for a chart. */
export interface Anomaly {
  metric: string;
  label: string;
  bucket: string;
  value: number;
  baseline: number;
  score: number;
  flags: { bucket: string; value: number; baseline: number; score: number }[];
  series: { t: string; value: number; baseline: number | null }[];
}

export interface AnomalyReport {
  anomalies: Anomaly[];
  metrics_scanned: number;
  from: string;
  to: string;
}

/**
 * Scores the last `hours` hourly buckets of every error metric against the same hour of the
 * previous `options.seasons` days, and returns the metrics with flagged hours, worst first.
 */
export async function findAnomalies(
  tx: Queryable,
  {
    now = new Date(),
    hours = 24,
    options = DEFAULT_ANOMALY_OPTIONS,
  }: { now?: Date; hours?: number; options?: AnomalyOptions } = {},
): Promise<AnomalyReport> {
  const currentHour = Math.floor(now.getTime() / HOUR) * HOUR;
  const start = new Date(currentHour - (options.seasons * 24 + hours - 1) * HOUR);
  const data = await hourlyErrorSeries(tx, start, now);
  const firstScored = data.hours - hours;
  const at = (i: number) => new Date(start.getTime() + i * HOUR).toISOString();
  // A fresh install has no past, not a quiet past: hours before the first stored event are left
  // out of the baselines, so nothing is scored until `minSeasons` days of real history exist.
  const firstData = data.dataStart
    ? Math.max(0, Math.floor((data.dataStart.getTime() - start.getTime()) / HOUR))
    : data.hours;
  const anomalies: Anomaly[] = [];
  for (const m of data.metrics) {
    // The chart shows two days before the scored window, so the spike stands against normal days.
    const chartFrom = Math.max(0, firstScored - 48);
    const known = m.values.slice(firstData);
    const scored = scoreSeries(known, options, Math.max(0, chartFrom - firstData)).map((b) => ({
      ...b,
      index: b.index + firstData,
    }));
    const flags = scored.filter((b) => b.flagged && b.index >= firstScored);
    if (flags.length === 0) continue;
    const worst = flags.reduce((a, b) => (b.score > a.score ? b : a));
    const baselineAt = new Map(scored.map((b) => [b.index, b.baseline]));
    anomalies.push({
      metric: m.metric,
      label: m.label,
      bucket: at(worst.index),
      value: worst.value,
      baseline: worst.baseline,
      score: worst.score,
      flags: flags.map((f) => ({
        bucket: at(f.index),
        value: f.value,
        baseline: f.baseline,
        score: f.score,
      })),
      series: m.values.slice(chartFrom).map((value, k) => ({
        t: at(chartFrom + k),
        value,
        baseline: baselineAt.get(chartFrom + k) ?? null,
      })),
    });
  }
  anomalies.sort((a, b) => b.score - a.score);
  return { anomalies, metrics_scanned: data.metrics.length, from: at(firstScored), to: now.toISOString() };
}

/** Sends one alert text; the server wires it to SMTP when SMTP_URL and ALERT_EMAILS are set. */
export type AnomalyNotify = (subject: string, text: string) => Promise<void>;

/**
 * The periodic scan: finds anomalies of the last few hours and notifies once per (metric, hour).
 * Runs as the database owner (no staff session). Returns what it found and what it newly alerted.
 */
export async function scanAnomalies(
  store: Store,
  {
    now = new Date(),
    notify,
    publicUrl = "",
  }: { now?: Date; notify?: AnomalyNotify; publicUrl?: string } = {},
): Promise<{ report: AnomalyReport; alerted: Anomaly[] }> {
  const report = await findAnomalies(store.db, { now, hours: 3 });
  const alerted: Anomaly[] = [];
  for (const a of report.anomalies) {
    if (await claimAnomalyAlert(store.db, a.metric, new Date(a.bucket))) alerted.push(a);
  }
  if (notify && alerted.length > 0) {
    const lines = alerted.map(
      (a) =>
        `- ${a.label}: ${a.value} in the hour from ${a.bucket} (usually ${a.baseline}; robust z ${a.score})`,
    );
    await notify(
      `usertrail: ${alerted.length} unusual error spike${alerted.length === 1 ? "" : "s"}`,
      `Error counts far above their usual level for this hour of day:\n\n${lines.join("\n")}\n\n${publicUrl.replace(/\/+$/, "")}/\n`,
    );
  }
  return { report, alerted };
}
