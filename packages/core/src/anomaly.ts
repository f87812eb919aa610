/**
 * Spike detection on hourly counts with a seasonal, robust baseline. For each hour, the normal
 * level is the median of the same hour of day over the previous days, and the spread is their
 * median absolute deviation (MAD). The robust z-score (value − median) / (1.4826·MAD) says how
 * far outside normal an hour is; a past spike cannot drag the baseline up the way it would a mean.
 * Pure functions: the store gathers the series, the server decides what to do with flags.
 */

export interface AnomalyOptions {
  /** Buckets per season: 24 hourly buckets for a daily rhythm. */
  period: number;
  /** How many past seasons (days) form the baseline. */
  seasons: number;
  /** A bucket is scored only when at least this many past seasons exist. */
  minSeasons: number;
  /** Robust z-score at or above which a bucket is flagged. */
  threshold: number;
  /** A bucket below this count is never flagged: three errors in an hour is not news. */
  minCount: number;
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = {
  period: 24,
  seasons: 7,
  minSeasons: 3,
  threshold: 6,
  minCount: 5,
};

/** One scored bucket. */
export interface BucketScore {
  index: number;
  value: number;
  /** The median of the same bucket in past seasons. */
  baseline: number;
  /** The spread the score divides by (never below the Poisson noise of the baseline). */
  scale: number;
  score: number;
  flagged: boolean;
}

/** The median of numbers (0 for none). */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median and MAD of the same bucket in the past seasons before `index`, or null if too few. */
export function seasonalBaseline(
  values: number[],
  index: number,
  options: AnomalyOptions = DEFAULT_ANOMALY_OPTIONS,
): { median: number; mad: number; level: number; samples: number } | null {
  const past: number[] = [];
  for (let k = 1; k <= options.seasons; k++) {
    const j = index - k * options.period;
    if (j < 0) break;
    past.push(values[j] as number);
  }
  if (past.length < options.minSeasons) return null;
  const m = median(past);
  // The mean without the highest and lowest sample: steadier than the median on 7 small counts,
  // and still untouched by one past spike. It sets the Poisson noise floor below.
  const sorted = [...past].sort((a, b) => a - b);
  const inner = sorted.length > 4 ? sorted.slice(1, -1) : sorted;
  const level = inner.reduce((a, b) => a + b, 0) / inner.length;
  return { median: m, mad: median(past.map((v) => Math.abs(v - m))), level, samples: past.length };
}

/**
 * Scores every bucket from `from` on (those with enough history). Only rises are flagged:
 * fewer errors than usual is good news, not an alert.
 */
export function scoreSeries(
  values: number[],
  options: AnomalyOptions = DEFAULT_ANOMALY_OPTIONS,
  from = 0,
): BucketScore[] {
  const out: BucketScore[] = [];
  for (let i = Math.max(from, 0); i < values.length; i++) {
    const base = seasonalBaseline(values, i, options);
    if (!base) continue;
    const value = values[i] as number;
    // Counts are Poisson-like: on a handful of small counts the MAD can come out 0 or far too
    // small, so the spread is never taken below the Poisson standard deviation of the level, nor 1.
    const scale = Math.max(1.4826 * base.mad, Math.sqrt(base.level), 1);
    const score = (value - base.median) / scale;
    out.push({
      index: i,
      value,
      baseline: base.median,
      scale,
      score: Math.round(score * 100) / 100,
      flagged: score >= options.threshold && value >= options.minCount,
    });
  }
  return out;
}

/** The flagged buckets of a series, from `from` on. */
export function detectSpikes(
  values: number[],
  options: AnomalyOptions = DEFAULT_ANOMALY_OPTIONS,
  from = 0,
): BucketScore[] {
  return scoreSeries(values, options, from).filter((b) => b.flagged);
}
