import { describe, expect, it } from "vitest";
import {
  DEFAULT_ANOMALY_OPTIONS,
  detectSpikes,
  median,
  scoreSeries,
  seasonalBaseline,
} from "../src/index.ts";
import { makeSeries, type SeriesSpec } from "./synthetic-series.ts";

const LAST_WEEK = 7 * 24;
const spec = (over: Partial<SeriesSpec>): SeriesSpec => ({
  days: 14,
  base: 8,
  peak: 0,
  peakHour: 20,
  peakWidth: 1.5,
  spikes: [],
  seed: 1,
  ...over,
});

describe("anomaly detection", () => {
  it("median and seasonal baseline use the same hour of past days only", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const values = Array.from({ length: 24 * 5 }, (_, h) => (h % 24 === 20 ? 100 : 1));
    expect(seasonalBaseline(values, 24 * 4 + 20)).toEqual({ median: 100, mad: 0, level: 100, samples: 4 });
    expect(seasonalBaseline(values, 24 * 2 + 20)).toBeNull();
  });

  it("flags a planted spike", () => {
    const at = 11 * 24 + 14;
    const values = makeSeries(spec({ spikes: [{ at, width: 2, factor: 4, add: 12 }], seed: 7 }));
    const flags = detectSpikes(values, DEFAULT_ANOMALY_OPTIONS, LAST_WEEK);
    expect(flags.map((f) => f.index)).toEqual([at, at + 1]);
    expect(flags[0]?.baseline).toBeGreaterThan(4);
    expect(flags[0]?.score).toBeGreaterThan(6);
  });

  it("leaves steady noisy series alone, over many seeds", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const values = makeSeries(spec({ base: 3 + (seed % 20), seed }));
      expect(detectSpikes(values, DEFAULT_ANOMALY_OPTIONS, LAST_WEEK), `seed ${seed}`).toEqual([]);
    }
  });

  it("does not flag an ordinary daily peak, which a flat threshold would", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const values = makeSeries(spec({ peak: 6, peakWidth: 1, seed }));
      expect(detectSpikes(values, DEFAULT_ANOMALY_OPTIONS, LAST_WEEK), `seed ${seed}`).toEqual([]);
      // The same evening peak is far above the day's overall median: a flat rule would cry wolf.
      expect(Math.max(...values.slice(LAST_WEEK))).toBeGreaterThan(3 * median(values));
    }
  });

  it("ignores a rise on a near-empty metric below the minimum count, and never flags a drop", () => {
    const quiet = Array.from({ length: 24 * 8 }, () => 0);
    quiet[24 * 7 + 3] = 4;
    expect(detectSpikes(quiet)).toEqual([]);
    quiet[24 * 7 + 3] = 9;
    expect(detectSpikes(quiet).map((f) => f.index)).toEqual([24 * 7 + 3]);
    const drop = Array.from({ length: 24 * 8 }, () => 50);
    drop[24 * 7 + 5] = 0;
    const scored = scoreSeries(drop).find((b) => b.index === 24 * 7 + 5);
    expect(scored).toMatchObject({ flagged: false });
    expect(scored?.score).toBeLessThan(0);
  });
});
