import { describe, expect, it } from "vitest";
import { Snapshots } from "../src/snapshots.ts";

const OPTIONS = {
  worthKeeping: (_value: unknown, ms: number) => ms >= 50,
  costFactor: 10,
  minAgeMs: 1_000,
  maxStaleMs: 60_000,
  maxKeys: 3,
};

/** A computation that takes `costMs` on a clock the test moves, counting its runs. */
function setup(costMs: number, fail = () => false, options = OPTIONS) {
  let clock = 0;
  let runs = 0;
  let release: (() => void) | null = null;
  const compute = async (key: string) => {
    runs += 1;
    const run = runs;
    if (fail()) throw new Error("database gone");
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    clock += costMs;
    return `${key}#${run}`;
  };
  const cache = new Snapshots<string>(options, () => clock);
  // Every caller of a key computes it the same way, as the routes do.
  const snapshots = {
    get: (key: string, own?: () => Promise<string>) => cache.get(key, own ?? (() => compute(key))),
  };
  return {
    snapshots,
    runs: () => runs,
    tick: (ms: number) => {
      clock += ms;
    },
    /** Lets the computation in flight finish. */
    finish: async () => {
      await new Promise((r) => setTimeout(r, 0));
      release?.();
      release = null;
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

async function get(s: ReturnType<typeof setup>, key = "admin 24h") {
  const pending = s.snapshots.get(key);
  await s.finish();
  return (await pending).value;
}

describe("overview snapshots", () => {
  it("computes afresh on every call while the computation is cheap", async () => {
    const s = setup(5);
    expect(await get(s)).toBe("admin 24h#1");
    expect(await get(s)).toBe("admin 24h#2");
    expect(s.runs()).toBe(2);
  });

  it("an expensive one is served from its snapshot, refreshed in the background after 10x its cost", async () => {
    const s = setup(400); // refresh interval: max(1 s, 10 x 400 ms) = 4 s
    expect(await get(s)).toBe("admin 24h#1");
    s.tick(3_000);
    expect((await s.snapshots.get("admin 24h")).value).toBe("admin 24h#1");
    expect(s.runs()).toBe(1);
    s.tick(2_000);
    // Stale now: the caller still gets the snapshot at once, and exactly one refresh starts.
    expect((await s.snapshots.get("admin 24h")).value).toBe("admin 24h#1");
    expect((await s.snapshots.get("admin 24h")).value).toBe("admin 24h#1");
    expect(s.runs()).toBe(2);
    await s.finish();
    expect((await s.snapshots.get("admin 24h")).value).toBe("admin 24h#2");
  });

  it("callers arriving during the first computation share it; keys are separate", async () => {
    const s = setup(400);
    const together = [s.snapshots.get("admin 7d"), s.snapshots.get("admin 7d"), s.snapshots.get("admin 7d")];
    await s.finish();
    const values = (await Promise.all(together)).map((r) => r.value);
    expect(values).toEqual(["admin 7d#1", "admin 7d#1", "admin 7d#1"]);
    expect(await get(s, "sales 7d")).toBe("sales 7d#2");
  });

  it("never serves a snapshot older than maxStale: the caller waits for a fresh one", async () => {
    const s = setup(400);
    await get(s);
    s.tick(61_000);
    expect(await get(s)).toBe("admin 24h#2");
  });

  it("a failed background refresh keeps the old snapshot; a failed first computation is the caller's error", async () => {
    let failing = false;
    const s = setup(400, () => failing);
    await get(s);
    failing = true;
    s.tick(5_000);
    expect((await s.snapshots.get("admin 24h")).value).toBe("admin 24h#1");
    await s.finish();
    expect((await s.snapshots.get("admin 24h")).value).toBe("admin 24h#1");
    await expect(s.snapshots.get("other key")).rejects.toThrow("database gone");
  });

  it("a small result is never kept, however slow the machine made it (the overview keeps 10,000+ events)", async () => {
    const s = setup(400, () => false, { ...OPTIONS, worthKeeping: (value) => !String(value).endsWith("#1") });
    expect(await get(s)).toBe("admin 24h#1");
    expect(await get(s)).toBe("admin 24h#2");
    expect((await s.snapshots.get("admin 24h")).value).toBe("admin 24h#2");
    expect(s.runs()).toBe(2);
  });

  it("keeps at most maxKeys snapshots, dropping the oldest", async () => {
    const s = setup(400);
    for (const key of ["a", "b", "c", "d"]) await get(s, key);
    expect(s.runs()).toBe(4);
    await get(s, "d"); // kept: served from its snapshot
    expect(s.runs()).toBe(4);
    expect(await get(s, "a")).toBe("a#5"); // dropped: computed again
  });

  it("a call can bring its own computation for its key", async () => {
    const s = setup(400);
    const pending = s.snapshots.get("route x", async () => "own");
    expect((await pending).value).toBe("own");
    expect(s.runs()).toBe(0);
  });
});
