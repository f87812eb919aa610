import { LIMITS } from "@usertrail/core";
import { describe, expect, it } from "vitest";
import { clean, cleanMetadata, eventTypeOf, FILTERED, SDK_LIMITS, scrubText } from "../src/clean.ts";

describe("clean", () => {
  it("scrubs fields named like secrets, at any depth", () => {
    const out = clean({
      password: "hunter2",
      user: { passwd: "x", apiKey: "k", api_key: "k", access_token: "t", Authorization: "Bearer abc" },
      card: "4111",
      cardNumber: "4111",
      cvv: 123,
      pan: "4111",
      payment: { pan: "x", span: "keep", company: "keep" },
      cookie: "sid=1",
      secretAnswer: "blue",
      email: "ann@example.com",
    });
    expect(out).toEqual({
      password: FILTERED,
      user: {
        passwd: FILTERED,
        apiKey: FILTERED,
        api_key: FILTERED,
        access_token: FILTERED,
        Authorization: FILTERED,
      },
      card: FILTERED,
      cardNumber: FILTERED,
      cvv: FILTERED,
      pan: FILTERED,
      payment: { pan: FILTERED, span: "keep", company: "keep" },
      cookie: FILTERED,
      secretAnswer: FILTERED,
      email: "ann@example.com",
    });
  });

  it("scrubs card numbers by Luhn, and keeps timestamps and long ids", () => {
    expect(scrubText("paid with 4111 1111 1111 1111 today")).toBe(`paid with ${FILTERED} today`);
    expect(scrubText("card 4111-1111-1111-1111")).toBe(`card ${FILTERED}`);
    expect(scrubText("5500005555555559")).toBe(FILTERED);
    expect(scrubText("at 1764139200123 ms")).toBe("at 1764139200123 ms");
    expect(scrubText("order 1234567890123456")).toBe("order 1234567890123456");
    // Digits inside UUIDs and hex ids are not card numbers, even when they pass Luhn.
    expect(scrubText("id 41111111-1111-4111-8111-111111111111")).toBe(
      "id 41111111-1111-4111-8111-111111111111",
    );
    expect(scrubText("sha a4111111111111111")).toBe("sha a4111111111111111");
    expect(scrubText("(4111111111111111)")).toBe(`(${FILTERED})`);
  });

  it("scrubs secrets inside text: query strings, JSON and bearer tokens", () => {
    expect(scrubText("GET /reset?token=abc123&x=1")).toBe(`GET /reset?token=${FILTERED}&x=1`);
    expect(scrubText('{"password":"hunter2","a":1}')).toBe(`{"password":"${FILTERED}","a":1}`);
    expect(scrubText("Authorization: Bearer eyJhbGci.x.y")).toContain(FILTERED);
    expect(scrubText("Authorization: Bearer eyJhbGci.x.y")).not.toContain("eyJ");
  });

  it("survives hostile values: cycles, depth, throwing getters, proxies, odd types", () => {
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    expect(clean(cyc)).toEqual({ a: 1, self: "[Circular]" });
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 50; i++) deep = deep.next = {} as Record<string, unknown>;
    expect(JSON.stringify(clean(root))).toContain("[Deep]");
    const evil = {
      get boom() {
        throw new Error("no");
      },
    };
    expect(clean({ evil })).toEqual({ evil: "[Unreadable]" });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    expect(clean(proxy)).toBe("[Unreadable]");
    expect(
      clean({ n: Number.NaN, i: Number.POSITIVE_INFINITY, b: 10n, f: () => 1, s: Symbol("x"), u: undefined }),
    ).toEqual({
      n: null,
      i: null,
      b: "10",
      f: null,
      s: null,
      u: null,
    });
    expect(clean(new Date("bad"))).toBeNull();
    const err = clean(new TypeError("bad token=abc"));
    expect(err).toMatchObject({ name: "TypeError", message: `bad token=${FILTERED}` });
    expect(clean(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'))).toEqual({ a: 1 });
  });

  it("bounds strings, arrays and keys", () => {
    expect((clean("x".repeat(10_000)) as string).length).toBe(SDK_LIMITS.stringLength);
    expect((clean(Array.from({ length: 1000 }, (_, i) => i)) as number[]).length).toBe(SDK_LIMITS.items);
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(clean(wide) as object).length).toBe(SDK_LIMITS.keys);
  });

  it("cleanMetadata always gives an object", () => {
    expect(cleanMetadata(undefined)).toEqual({});
    expect(cleanMetadata("text")).toEqual({ value: "text" });
    expect(cleanMetadata([1])).toEqual({ value: [1] });
    expect(cleanMetadata({ a: 1 })).toEqual({ a: 1 });
  });

  it("eventTypeOf makes UPPER_SNAKE names", () => {
    expect(eventTypeOf("videoView")).toBe("VIDEO_VIEW");
    expect(eventTypeOf("lesson complete!")).toBe("LESSON_COMPLETE");
    expect(eventTypeOf("  9 login")).toBe("LOGIN");
    expect(eventTypeOf("")).toBe("");
    expect(eventTypeOf(null)).toBe("");
    expect(eventTypeOf("x".repeat(200)).length).toBe(64);
  });

  it("agrees with the server's limits", () => {
    expect(SDK_LIMITS.userIdLength).toBe(LIMITS.userIdLength);
    expect(SDK_LIMITS.eventTypeLength).toBe(LIMITS.eventTypeLength);
    expect(SDK_LIMITS.messageLength).toBe(LIMITS.messageLength);
    expect(SDK_LIMITS.depth).toBeLessThan(LIMITS.metadataDepth);
  });
});
