/**
 * Precision and recall of the anomaly detector on generated hourly error series.
 * Run: npx tsx bench/anomaly-eval.ts [seriesCount]
 *
 * 14 days per series; the last 7 days are scored. A third are steady noise, a third have a
 * strong daily peak, a third carry 1-2 planted spikes (1-3 hours, 2-6x the normal level plus
 * 0-7 extra). Half the peak series carry spikes too. Precision is per flagged hour (a flag inside
 * a planted spike is a true positive); recall is per planted spike (found if any of its hours is
 * flagged). A flat rule (median + k·MAD over the whole past week, no daily rhythm) is scored too.
 */
import { DEFAULT_ANOMALY_OPTIONS, detectSpikes, median } from "../packages/core/src/index.ts";
import { makeSeries, rng, type SeriesSpec, type Spike } from "../packages/core/test/synthetic-series.ts";

const COUNT = Number(process.argv[2] ?? 600);
const WEEK = 7 * 24;

function generate(count: number): SeriesSpec[] {
  const random = rng(20251221);
  const specs: SeriesSpec[] = [];
  for (let n = 0; n < count; n++) {
    const kind = n % 3; // 0 steady, 1 daily peak, 2 spikes on a mild rhythm
    const spikes: Spike[] = [];
    if (kind === 2 || n % 6 === 1) {
      const k = 1 + Math.floor(random() * 2);
      for (let i = 0; i < k; i++) {
        spikes.push({
          at: WEEK + Math.floor(random() * (WEEK - 3)),
          width: 1 + Math.floor(random() * 3),
          factor: 2 + random() * 4,
          add: Math.floor(random() * 8),
        });
      }
    }
    specs.push({
      days: 14,
      base: 1 + random() * 30,
      peak: kind === 0 ? 0 : kind === 1 ? 1 + random() * 5 : random() * 2,
      peakHour: Math.floor(random() * 24),
      peakWidth: 0.7 + random() * 2,
      spikes,
      seed: n + 1,
    });
  }
  return specs;
}

/** The same week-long window, no daily rhythm: what a "more than usual" rule without seasons does. */
function flatRule(values: number[], k: number): number[] {
  const out: number[] = [];
  for (let i = WEEK; i < values.length; i++) {
    const past = values.slice(i - WEEK, i);
    const m = median(past);
    const scale = Math.max(1.4826 * median(past.map((v) => Math.abs(v - m))), Math.sqrt(m), 1);
    if ((values[i] as number) >= 5 && ((values[i] as number) - m) / scale >= k) out.push(i);
  }
  return out;
}

function evaluate(name: string, specs: SeriesSpec[], detect: (v: number[]) => number[]) {
  let tp = 0;
  let fp = 0;
  let found = 0;
  let planted = 0;
  let quietWithFlag = 0;
  let quiet = 0;
  let peakWithFlag = 0;
  let peak = 0;
  for (const spec of specs) {
    const flags = detect(makeSeries(spec));
    const inSpike = (i: number) => spec.spikes.some((s) => i >= s.at && i < s.at + s.width);
    for (const i of flags) {
      if (inSpike(i)) tp++;
      else fp++;
    }
    for (const s of spec.spikes) {
      planted++;
      if (flags.some((i) => i >= s.at && i < s.at + s.width)) found++;
    }
    if (spec.spikes.length === 0) {
      quiet++;
      if (flags.length > 0) quietWithFlag++;
      if (spec.peak >= 1) {
        peak++;
        if (flags.length > 0) peakWithFlag++;
      }
    }
  }
  const precision = tp / Math.max(tp + fp, 1);
  const recall = found / Math.max(planted, 1);
  console.log(
    `| ${name} | ${precision.toFixed(3)} | ${recall.toFixed(3)} | ${fp} | ${quietWithFlag}/${quiet} | ${peakWithFlag}/${peak} |`,
  );
}

const specs = generate(COUNT);
const spikes = specs.reduce((n, s) => n + s.spikes.length, 0);
console.log(`${COUNT} series × 168 scored hours, ${spikes} planted spikes\n`);
console.log(
  "| method | precision | recall | false flags (hours) | spike-free series with a flag | of them daily-peak series with a flag |",
);
console.log("|---|---|---|---|---|---|");
for (const threshold of [4, 5, 6, 7]) {
  const options = { ...DEFAULT_ANOMALY_OPTIONS, threshold };
  const label = `seasonal median/MAD, z ≥ ${threshold}${threshold === DEFAULT_ANOMALY_OPTIONS.threshold ? " (default)" : ""}`;
  evaluate(label, specs, (v) => detectSpikes(v, options, WEEK).map((f) => f.index));
}
for (const k of [6, 10])
  evaluate(`flat median/MAD over the past week, z ≥ ${k}`, specs, (v) => flatRule(v, k));
