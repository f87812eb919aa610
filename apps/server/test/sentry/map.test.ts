import { judgeEvent, LIMITS } from "@usertrail/core";
import { describe, expect, it } from "vitest";
import { mapSentryEvent, sentryIdToUuid, sentryTimestamp } from "../../src/sentry/map.ts";
import { BROWSER_EXCEPTION, BROWSER_MESSAGE, NODE_EXCEPTION, NODE_MESSAGE } from "./testdata.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests read deep metadata paths that the assertions pin down
type Meta = any;

function mapped(raw: unknown) {
  const result = mapSentryEvent(raw);
  if (!result.ok) throw new Error(result.error);
  return result.event;
}

/** What the route does with a user's event: core judges it exactly like one from POST /api/events. */
function judged(raw: unknown) {
  const event = mapped(raw);
  const verdict = judgeEvent({ ...event, user_id: event.user_id ?? "nobody" });
  if (!verdict.ok) throw new Error(verdict.error);
  return verdict.event;
}

describe("mapSentryEvent on events the real SDKs sent", () => {
  it("maps a Node exception to API_ERROR with its user, stack and context", () => {
    const event = judged(NODE_EXCEPTION);
    expect(event).toMatchObject({
      event_id: "dae7d382-844c-4f71-87f9-b28fdd96671d",
      user_id: "user-42",
      user: { email: "ann@example.com", full_name: null, phone: null },
      event_type: "API_ERROR",
      event_category: "error",
      message: "TypeError: boom here",
      severity: "error",
    });
    expect(event.created_at.toISOString()).toBe("2025-11-26T06:41:54.268Z");
    const m = event.metadata as Meta;
    expect(m.source).toBe("sentry");
    expect(m.exception[0].type).toBe("TypeError");
    expect(m.exception[0].stacktrace.frames[1]).toMatchObject({
      function: "handler",
      lineno: 6,
      in_app: true,
    });
    expect(m.stack.split("\n").slice(0, 2)).toEqual([
      "TypeError: boom here",
      "    at handler (/srv/app.mjs:6:13)",
    ]);
    expect(m.breadcrumbs[0]).toMatchObject({ category: "auth", message: "signed in" });
    expect(m).toMatchObject({ release: "api@1.4.2", environment: "production", runtime: "node v20.20.2" });
    expect(m.tags).toEqual({ route: "/lessons/:id" });
    expect(m.os).toBe("Debian 12.11");
    expect(m.modules).toBeUndefined();
  });

  it("treats the Node SDK's captureMessage (a synthetic typeless exception) as a MESSAGE", () => {
    const event = judged(NODE_MESSAGE);
    expect(event).toMatchObject({
      event_type: "MESSAGE",
      event_category: "activity",
      message: "Homework uploaded",
      severity: "warning",
    });
    expect((event.metadata as Meta).stack).toContain("/srv/app.mjs:5:8");
  });

  it("maps a browser exception to CLIENT_ERROR with browser and OS from the User-Agent", () => {
    const event = judged(BROWSER_EXCEPTION);
    expect(event).toMatchObject({
      event_type: "CLIENT_ERROR",
      message: "RangeError: bad range",
      user_id: "user-7",
    });
    const m = event.metadata as Meta;
    expect(m.browser).toBe("Chrome 156.0.0.0");
    expect(m.os).toBe("Linux");
    expect(m.url).toBe("http://127.0.0.1:33029/");
    expect(m.stack).toContain("at inner (http://127.0.0.1:33029/:6:30)");
    expect(m.breadcrumbs).toHaveLength(2);
  });

  it("maps a browser message without exception to MESSAGE with its level", () => {
    expect(judged(BROWSER_MESSAGE)).toMatchObject({
      event_type: "MESSAGE",
      message: "hello from page",
      severity: "info",
    });
    expect(judged({ ...BROWSER_MESSAGE, level: "error" })).toMatchObject({ event_category: "error" });
  });
});

describe("mapSentryEvent details", () => {
  it.each([
    ["fatal", "critical"],
    ["error", "error"],
    ["warning", "warning"],
    ["info", "info"],
    ["log", "info"],
    ["debug", "debug"],
    ["FATAL", "critical"],
    ["nonsense", "error"],
    [undefined, "error"],
  ])("maps level %s of an exception to %s", (level, severity) => {
    expect(mapped({ ...BROWSER_EXCEPTION, level }).severity).toBe(severity);
  });

  it("uses the message level default of info", () => {
    expect(mapped({ message: "m", level: undefined }).severity).toBe("info");
  });

  it("binds by email when there is no id, names from name or username, and keeps the rest of user", () => {
    const byEmail = mapped({
      message: "m",
      user: { email: "c@example.com", username: "cee", ip_address: "1.2.3.4" },
    });
    expect(byEmail.user_id).toBe("c@example.com");
    expect(byEmail.user).toEqual({ email: "c@example.com", full_name: "cee" });
    expect((byEmail.metadata as Meta).user).toEqual({ ip_address: "1.2.3.4" });
    expect(mapped({ message: "m", user: { id: 42, name: "Ann Lee", username: "ann" } })).toMatchObject({
      user_id: "42",
      user: { full_name: "Ann Lee" },
    });
  });

  it("returns user_id null when the event names no user", () => {
    expect(mapped({ message: "m" }).user_id).toBeNull();
    expect(mapped({ message: "m", user: { ip_address: "{{auto}}" } }).user_id).toBeNull();
    expect(mapped({ message: "m", user: { id: "  ", email: 7 } }).user_id).toBe("7");
    expect(mapped({ message: "m", user: "ann" }).user_id).toBeNull();
  });

  it("converts ids and timestamps, ignoring ones that cannot be trusted", () => {
    expect(sentryIdToUuid("ABCDEF0123456789abcdef0123456789")).toBe("abcdef01-2345-6789-abcd-ef0123456789");
    expect(sentryIdToUuid("abcdef01-2345-6789-abcd-ef0123456789")).toBe(
      "abcdef01-2345-6789-abcd-ef0123456789",
    );
    expect(sentryIdToUuid("xyz")).toBeUndefined();
    expect(sentryIdToUuid(12)).toBeUndefined();
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(sentryTimestamp(1767225600, now)).toBe("2026-01-01T00:00:00.000Z");
    expect(sentryTimestamp("2025-12-31T10:00:00Z", now)).toBe("2025-12-31T10:00:00.000Z");
    expect(sentryTimestamp(1767225600 * 1000, now)).toBeUndefined();
    expect(sentryTimestamp(12, now)).toBeUndefined();
    expect(sentryTimestamp("yesterday", now)).toBeUndefined();
    expect(mapped({ message: "m", event_id: "nope" }).event_id).toBeUndefined();
    expect(mapSentryEvent({ message: "m" }, "00000000000000000000000000000001").ok && true).toBe(true);
  });

  it("takes the last exception of a chain as the main one", () => {
    const event = mapped({
      platform: "node",
      exception: {
        values: [
          { type: "Cause", value: "inner" },
          { type: "Error", value: "outer" },
        ],
      },
    });
    expect(event.message).toBe("Error: outer");
    expect((event.metadata as Meta).exception).toHaveLength(2);
  });

  it("classifies client and server SDKs", () => {
    const ex = { exception: { values: [{ type: "E" }] } };
    expect(mapped({ ...ex, sdk: { name: "sentry.javascript.react-native" } }).event_type).toBe(
      "CLIENT_ERROR",
    );
    expect(
      mapped({ ...ex, platform: "javascript", contexts: { browser: { name: "Firefox" } } }).event_type,
    ).toBe("CLIENT_ERROR");
    expect(
      mapped({ ...ex, platform: "javascript", contexts: { runtime: { name: "deno" }, browser: {} } })
        .event_type,
    ).toBe("API_ERROR");
    expect(mapped({ ...ex, platform: "python" }).event_type).toBe("API_ERROR");
    expect(mapped({ ...ex, platform: "javascript" }).event_type).toBe("API_ERROR");
  });

  it("never stores credentials from request headers", () => {
    const event = mapped({
      ...NODE_EXCEPTION,
      request: {
        url: "/x",
        method: "GET",
        headers: { Cookie: "s=1", authorization: "Bearer t", Accept: "*/*" },
      },
    });
    expect((event.metadata as Meta).request.headers).toEqual({ Accept: "*/*" });
  });

  it("refuses what is not an event object", () => {
    for (const raw of [null, 1, "x", [], true]) expect(mapSentryEvent(raw).ok).toBe(false);
  });
});

describe("mapSentryEvent keeps hostile events within the limits core enforces", () => {
  const deep = (n: number): unknown => (n === 0 ? "bottom" : { d: deep(n - 1) });
  const huge = "x".repeat(300_000);
  const frames = Array.from({ length: 5000 }, (_, i) => ({
    filename: `/f${i}.js`,
    function: huge.slice(0, 500),
    lineno: i,
  }));
  const cases: Array<[string, unknown]> = [
    ["a 300 KB exception value", { exception: { values: [{ type: "E", value: huge }] } }],
    ["5000 frames", { exception: { values: [{ type: "E", stacktrace: { frames } }] } }],
    [
      "1000 exceptions",
      { exception: { values: Array.from({ length: 1000 }, () => ({ type: huge.slice(0, 5000) })) } },
    ],
    [
      "10000 breadcrumbs",
      {
        message: "m",
        breadcrumbs: Array.from({ length: 10_000 }, () => ({ message: huge.slice(0, 2000), data: deep(50) })),
      },
    ],
    ["deep extra and contexts", { message: "m", extra: deep(500), contexts: deep(500), tags: deep(100) }],
    [
      "a huge release and tags",
      {
        message: "m",
        release: huge,
        tags: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, huge.slice(0, 1000)])),
      },
    ],
    ["a huge message", { message: huge }],
    [
      "prototype keys",
      JSON.parse('{"message":"m","extra":{"__proto__":{"polluted":1},"constructor":{"x":1}}}'),
    ],
    ["nul bytes and lone surrogates", { message: "a\u0000b\ud800c", tags: { "k\u0000": "\udfff" } }],
    [
      "wrong types everywhere",
      { message: 5, level: 3, exception: "x", breadcrumbs: "y", tags: 1, user: [], request: 2, contexts: [] },
    ],
  ];
  it.each(cases)("%s is judged acceptable and stays under %#", (_name, raw) => {
    const event = judged(raw);
    expect(Buffer.byteLength(JSON.stringify(event.metadata))).toBeLessThanOrEqual(LIMITS.metadataBytes);
    expect(event.message.length).toBeLessThanOrEqual(LIMITS.messageLength);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
