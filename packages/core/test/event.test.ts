import { describe, expect, it } from "vitest";
import { cleanJson, cleanText, judgeEvent, phoneDigits } from "../src/index.ts";

const base = { user_id: "user-42", event_type: "LOGIN", message: "logged in" };

describe("judgeEvent", () => {
  it("fills defaults: id, category from the type, severity info, time now", () => {
    const now = Date.parse("2025-12-21T16:00:00Z");
    const judged = judgeEvent(base, now);
    expect(judged.ok).toBe(true);
    if (!judged.ok) return;
    expect(judged.event.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(judged.event.event_category).toBe("auth");
    expect(judged.event.severity).toBe("info");
    expect(judged.event.created_at.getTime()).toBe(now);
    expect(
      judgeEvent({ ...base, event_type: "API_ERROR" }).ok && judgeEvent({ ...base, event_type: "API_ERROR" }),
    ).toMatchObject({
      event: { event_category: "error" },
    });
  });

  it("accepts custom UPPER_SNAKE types and a user block", () => {
    const judged = judgeEvent({ ...base, event_type: "QUIZ_PASSED", user: { email: " a@b.c ", phone: "" } });
    expect(judged).toMatchObject({
      ok: true,
      event: { event_type: "QUIZ_PASSED", user: { email: "a@b.c", phone: null } },
    });
  });

  it.each([
    [{ ...base, event_type: "login" }, "UPPER_SNAKE"],
    [{ ...base, event_type: 5 }, "event_type must be text"],
    [{ ...base, user_id: "" }, "user_id must not be empty"],
    [{ ...base, user_id: "x".repeat(10_000) }, "longer than 128"],
    [{ ...base, message: "m".repeat(1_000_000) }, "message is longer"],
    [{ ...base, severity: "fatal" }, "severity must be one of"],
    [{ ...base, event_category: "misc" }, "event_category must be one of"],
    [{ ...base, event_id: "not-a-uuid" }, "event_id is not a UUID"],
    [{ ...base, created_at: "yesterday" }, "created_at is not a valid ISO 8601 date"],
    // Date rolls these over to March 2nd and May 1st; the sender meant a day that does not exist.
    [{ ...base, created_at: "2025-02-30T10:00:00Z" }, "created_at is not a valid ISO 8601 date"],
    [{ ...base, created_at: "2025-04-31" }, "created_at is not a valid ISO 8601 date"],
    [{ ...base, created_at: "2999-01-01T00:00:00Z" }, "in the future"],
    [{ ...base, metadata: [1, 2] }, "metadata must be a JSON object"],
    [{ ...base, metadata: "x" }, "metadata must be a JSON object"],
    [{ ...base, message: undefined }, "message must be text"],
    [null, "each event must be a JSON object"],
    ["<script>", "each event must be a JSON object"],
  ])("rejects %#: %s", (raw, reason) => {
    const judged = judgeEvent(raw);
    expect(judged.ok).toBe(false);
    if (!judged.ok) expect(judged.error).toContain(reason);
  });

  it("refuses metadata nested 100 deep, and metadata over 64 KB", () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect(judgeEvent({ ...base, metadata: deep })).toMatchObject({
      ok: false,
      error: expect.stringContaining("nested deeper"),
    });
    expect(judgeEvent({ ...base, metadata: { big: "x".repeat(70_000) } })).toMatchObject({
      ok: false,
      error: expect.stringContaining("limit is 65536"),
    });
  });

  it("keeps text with NUL bytes and lone surrogates, made storable", () => {
    const judged = judgeEvent({
      ...base,
      message: "a\u0000b\ud800c",
      metadata: { "k\u0000": "v\u0000", __proto__: { x: 1 } },
    });
    expect(judged).toMatchObject({ ok: true, event: { message: "ab\ufffdc", metadata: { k: "v" } } });
    if (judged.ok) expect(Object.keys(judged.event.metadata)).toEqual(["k"]);
  });

  it("keeps SQL and HTML as plain text", () => {
    const message = "'; DROP TABLE users; -- <img src=x onerror=alert(1)>";
    expect(judgeEvent({ ...base, message })).toMatchObject({ ok: true, event: { message } });
  });
});

describe("sanitising helpers", () => {
  it("cleanText strips NUL and repairs surrogates", () => {
    expect(cleanText("x\u0000y")).toBe("xy");
    expect(cleanText("\udc00")).toBe("\ufffd");
  });
  it("cleanJson drops prototype keys and non-finite numbers", () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1, "n": 1}');
    expect(cleanJson({ ...parsed, inf: Number.POSITIVE_INFINITY }, 5)).toEqual({
      ok: true,
      value: { n: 1, inf: null },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it("phoneDigits keeps only digits", () => {
    expect(phoneDigits("+7 (701) 123-45-67")).toBe("77011234567");
    expect(phoneDigits("abc")).toBeNull();
  });
});
