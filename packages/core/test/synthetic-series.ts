/** Seeded synthetic hourly error counts for the anomaly tests and bench/anomaly-eval.ts. */

/** A small seeded PRNG (mulberry32), so every run sees the same series. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson draw: Knuth's method for small means, a rounded normal for large ones. */
export function poisson(random: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) {
    const u = Math.max(random(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

export interface Spike {
  /** First hour of the spike. */
  at: number;
  /** How many hours it lasts. */
  width: number;
  /** Expected count during the spike, as a multiple of the normal level at that hour. */
  factor: number;
  /** Extra expected count added on top (so a spike on a quiet hour is still a spike). */
  add: number;
}

export interface SeriesSpec {
  days: number;
  /** Expected count per hour at the daily low. */
  base: number;
  /** Height of the daily peak as a multiple of base (0 = flat). */
  peak: number;
  peakHour: number;
  /** Width of the daily peak in hours (standard deviation). */
  peakWidth: number;
  spikes: Spike[];
  seed: number;
}

/** The expected count at hour `h` of a series without spikes. */
export function expectedAt(spec: SeriesSpec, h: number): number {
  const hour = h % 24;
  const d = Math.min(Math.abs(hour - spec.peakHour), 24 - Math.abs(hour - spec.peakHour));
  return spec.base * (1 + spec.peak * Math.exp(-(d * d) / (2 * spec.peakWidth * spec.peakWidth)));
}

/** Draws the hourly counts of a series. */
export function makeSeries(spec: SeriesSpec): number[] {
  const random = rng(spec.seed);
  const out: number[] = [];
  for (let h = 0; h < spec.days * 24; h++) {
    let lambda = expectedAt(spec, h);
    for (const s of spec.spikes) if (h >= s.at && h < s.at + s.width) lambda = lambda * s.factor + s.add;
    out.push(poisson(random, lambda));
  }
  return out;
}
