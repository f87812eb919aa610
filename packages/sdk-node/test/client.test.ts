// logUserActivity() in-process: hostile arguments, helpers, scrubbing and counters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUsertrail, type Usertrail } from "../../sdk-core/test/support/usertrail.ts";
import { createClient } from "../src/index.ts";

let ut: Usertrail;
beforeAll(async () => {
  ut = await startUsertrail();
});
afterAll(() => ut?.destroy());

const client = () => createClient({ endpoint: ut.endpoint, ingestKey: ut.ingestKey, flushInterval: 50 });

describe("logUserActivity", () => {
  it("never throws on garbage, drops what cannot be an event, and sends the rest so the server accepts it", async () => {
    const c = client();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const evilString = {
      toString() {
        throw new Error("no");
      },
    };
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      "LOGIN",
      [],
      trap,
      { userId: {}, eventType: "LOGIN" },
      { userId: "", eventType: "LOGIN" },
      { userId: "   ", eventType: "LOGIN" },
      { userId: "hostile", eventType: null },
      { userId: "hostile", eventType: "!!!" },
      { userId: Symbol("x"), eventType: "LOGIN" },
      { userId: "hostile", eventType: "LOGIN", message: evilString },
    ];
    const call = c.logUserActivity as (a: unknown) => void;
    for (const g of garbage) expect(() => call(g)).not.toThrow();
    // Odd but usable: these are fixed up and sent.
    call({ userId: 7, eventType: "videoView", severity: "fatal", category: "nonsense" });
    call({
      userId: "hostile",
      eventType: "CUSTOM_THING",
      metadata: cyclic,
      message: "\u0000nul and \ud800 lone surrogate",
    });
    call({
      userId: "hostile",
      eventType: "CUSTOM_THING",
      metadata: "just text",
      message: "m".repeat(50_000),
    });
    call({
      userId: "hostile",
      eventType: "CUSTOM_THING",
      metadata: { password: "hunter2", card: "4111 1111 1111 1111" },
    });
    call({
      userId: "u".repeat(500),
      eventType: "X".repeat(500),
      user: { email: "a@example.com", evil: trap },
    });
    expect(await c.shutdown(5000)).toBe(true);
    expect(c.stats()).toEqual({ queued: 0, sent: 5, dropped: { invalid: garbage.length } });

    const seven = await ut.events("7");
    expect(seven[0]).toMatchObject({ event_type: "VIDEO_VIEW", severity: "info", event_category: "content" });
    const hostile = await ut.events("hostile");
    expect(hostile).toHaveLength(3);
    expect(JSON.stringify(hostile)).not.toContain("hunter2");
    expect(JSON.stringify(hostile)).not.toContain("4111");
    expect(hostile.find((l) => l.metadata.value === "just text")?.message).toHaveLength(10_000);
    expect(await ut.events("u".repeat(128))).toHaveLength(1);
  });

  it("typed helpers log the known event types", async () => {
    const c = client();
    c.logLogin("helper-user", { method: "password" });
    c.logVideoView("helper-user", { videoId: "v1", lessonId: 3, watchedSeconds: 120 });
    c.logHomeworkSubmit("helper-user", { homeworkId: 9, score: 80 });
    c.logLessonComplete("helper-user", { lessonId: 3 }, "Finished lesson 3");
    c.logLogout("helper-user");
    expect(await c.flush()).toBe(true);
    const logs = await ut.events("helper-user");
    expect(logs.map((l) => [l.event_type, l.event_category]).sort()).toEqual([
      ["HOMEWORK_SUBMIT", "content"],
      ["LESSON_COMPLETE", "content"],
      ["LOGIN", "auth"],
      ["LOGOUT", "auth"],
      ["VIDEO_VIEW", "content"],
    ]);
    expect(logs.find((l) => l.event_type === "LESSON_COMPLETE")?.message).toBe("Finished lesson 3");
    await c.shutdown();
  });

  it("after shutdown, events are counted as dropped, not sent", async () => {
    const c = client();
    await c.shutdown();
    c.logLogin("late-user");
    expect(c.stats().dropped).toEqual({ closed: 1 });
  });

  it("refused events (wrong key) are dropped and counted, never retried forever", async () => {
    const c = createClient({ endpoint: ut.endpoint, ingestKey: "wrong", flushInterval: 10 });
    c.logLogin("nobody");
    expect(await c.shutdown(5000)).toBe(true);
    expect(c.stats()).toMatchObject({ sent: 0, dropped: { rejected: 1 } });
  });

  it("costs microseconds per call", () => {
    const c = createClient({
      endpoint: ut.endpoint,
      ingestKey: ut.ingestKey,
      maxQueue: 20_000,
      flushInterval: 60_000,
    });
    const times: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const t0 = performance.now();
      c.logUserActivity({ userId: "perf", eventType: "VIDEO_VIEW", metadata: { i } });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    // The median, in ms: robust to GC pauses and a busy machine. bench/log-user-activity.ts measures properly.
    expect(times[times.length >> 1]).toBeLessThan(0.05);
    void c.shutdown(1);
  });
});
