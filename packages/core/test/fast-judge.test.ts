import { describe, expect, it } from "vitest";
import { quickCleanMetadata, quickEventInput } from "../src/fast-judge.ts";
import { cleanJson, eventInputSchema, judgeEvent } from "../src/index.ts";

const good = {
  event_id: "550e8400-e29b-41d4-a716-446655440000",
  user_id: "user-42",
  user: { email: "a@b.c", phone: null, full_name: "Ann" },
  event_type: "VIDEO_VIEW",
  event_category: "content",
  message: "watched",
  metadata: { url: "/x", n: 1, list: [1, "a", null, true], nested: { deep: { ok: false } } },
  severity: "info",
  created_at: "2025-12-21T16:00:00Z",
};

/** Values that hostile or sloppy senders put in each field. */
const oddValues = [
  undefined,
  null,
  "",
  "x",
  " ",
  0,
  -1,
  Number.NaN,
  true,
  [],
  {},
  ["a"],
  "login",
  "LOGIN",
  "a\u0000b",
  "\ud800",
  "x".repeat(129),
  "x".repeat(10_001),
  "2025-13-45",
  "2025-02-30T10:00:00Z",
  "2024-02-29T10:00:00Z",
  "2025-12-21",
  "not-a-uuid",
  "550E8400-E29B-41D4-A716-446655440000",
  "fatal",
  "error",
  { email: 5 },
  { email: "x".repeat(400) },
  Object.create(null),
];

describe("judgeEvent's fast path", () => {
  it("accepts only what zod accepts, field by field, and judges exactly as the full path", () => {
    for (const key of Object.keys(good)) {
      for (const value of oddValues) {
        const raw = { ...good, [key]: value };
        const quick = quickEventInput(raw);
        if (quick) expect(eventInputSchema.safeParse(raw).success, `${key}=${String(value)}`).toBe(true);
      }
    }
    expect(quickEventInput(good)).not.toBeNull();
    for (const raw of [null, "x", [], [good], 5]) expect(quickEventInput(raw)).toBeNull();
  });

  it("leaves metadata needing cleaning, too deep or maybe too big to cleanJson", () => {
    expect(quickCleanMetadata({ a: "ok", b: [1, { c: null }] })).not.toBeNull();
    const dirty = [
      { a: "x\u0000" },
      { "k\u0000": 1 },
      { a: "\udc00" },
      { a: Number.POSITIVE_INFINITY },
      JSON.parse('{"__proto__": {"x": 1}}'),
      { constructor: 1 },
      { a: undefined },
      { a: new Date() },
      { big: "x".repeat(20_000) },
    ];
    for (const m of dirty) expect(quickCleanMetadata(m)).toBeNull();
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 25; i++) deep = { d: deep };
    expect(quickCleanMetadata(deep)).toBeNull();
    // What the fast path keeps, cleanJson would have kept unchanged.
    const clean = { a: "ok", b: [1, { c: null }], d: { e: "f" } };
    expect(cleanJson(clean, 20)).toEqual({ ok: true, value: quickCleanMetadata(clean) });
  });

  it("gives the same verdicts as before on hostile events", () => {
    expect(judgeEvent({ ...good, metadata: { big: "x".repeat(70_000) } })).toMatchObject({ ok: false });
    expect(judgeEvent({ ...good, event_type: "login" })).toMatchObject({ ok: false, error: /UPPER_SNAKE/ });
    expect(judgeEvent({ ...good, metadata: { k: "v\u0000" } })).toMatchObject({
      ok: true,
      event: { metadata: { k: "v" } },
    });
    expect(judgeEvent(good)).toMatchObject({
      ok: true,
      event: { metadata: good.metadata, user_id: "user-42" },
    });
  });
});
