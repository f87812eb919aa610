import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, INGEST_KEY, PUBLIC_KEY, startTestServer, type TestServer } from "./helpers.ts";

const good = (n: number) => ({ user_id: "hostile-good", event_type: "LOGIN", message: `good ${n}` });
let deep: Record<string, unknown> = {};
for (let i = 0; i < 100; i++) deep = { d: deep };

/** Events that must each be refused inside a batch, with the words that say why. */
const BAD_EVENTS: [string, unknown, RegExp][] = [
  ["wrong type for message", { user_id: "u", event_type: "LOGIN", message: 42 }, /message must be text/],
  [
    "1 MB message",
    { user_id: "u", event_type: "LOGIN", message: "x".repeat(1_000_000) },
    /message is longer/,
  ],
  [
    "metadata nested 100 deep",
    { user_id: "u", event_type: "LOGIN", message: "m", metadata: deep },
    /nested deeper/,
  ],
  [
    "invalid event id",
    { event_id: "123", user_id: "u", event_type: "LOGIN", message: "m" },
    /event_id is not a UUID/,
  ],
  [
    "invalid date",
    { user_id: "u", event_type: "LOGIN", message: "m", created_at: "2025-13-45" },
    /created_at/,
  ],
  [
    "user id of 10,000 characters",
    { user_id: "u".repeat(10_000), event_type: "LOGIN", message: "m" },
    /user_id is longer/,
  ],
  ["missing user id", { event_type: "LOGIN", message: "m" }, /user_id/],
  [
    "SQL as event type",
    { user_id: "u", event_type: "LOGIN'; DROP TABLE users;--", message: "m" },
    /UPPER_SNAKE/,
  ],
  ["array instead of object", [1, 2, 3], /JSON object/],
  ["unknown severity", { user_id: "u", event_type: "LOGIN", message: "m", severity: "panic" }, /severity/],
  [
    "user block of wrong type",
    { user_id: "u", user: "bob", event_type: "LOGIN", message: "m" },
    /user must be an object/,
  ],
  [
    "email of 10,000 characters",
    { user_id: "u", user: { email: "e".repeat(10_000) }, event_type: "LOGIN", message: "m" },
    /user\.email/,
  ],
];

describe.each(DATABASE_KINDS)("hostile input on %s", (kind) => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startTestServer(kind);
    admin = await s.login();
  });
  afterAll(() => s?.close());

  it("rejects each bad event with a reason and stores the good ones beside it", async () => {
    const batch = [good(0), ...BAD_EVENTS.map(([, e]) => e), good(1)];
    const res = await s.ingest(batch);
    expect(res.statusCode).toBe(207);
    const results = res.body.results as { status: string; error?: string }[];
    expect(results[0]?.status).toBe("stored");
    expect(results.at(-1)?.status).toBe("stored");
    BAD_EVENTS.forEach(([name, , reason], i) => {
      expect(results[i + 1], name).toMatchObject({
        status: "rejected",
        error: expect.stringMatching(reason),
      });
    });
    const logs = (
      await s.as(admin, { url: "/api/tripwire/debug/user-logs/hostile-good?eventType=LOGIN" })
    ).json().logs;
    expect(logs.map((l: { message: string }) => l.message).sort()).toEqual(["good 0", "good 1"]);
  });

  it("keeps SQL, HTML, NUL bytes and lone surrogates as inert text", async () => {
    const payload = `{"events":[{"user_id":"nul\\u0000user","event_type":"CLIENT_ERROR","message":"<img src=x onerror=alert(1)> '; DROP TABLE user_activity_logs; -- \\u0000 \\ud800","metadata":{"html":"<script>alert(1)</script>","k\\u0000":"\\udfff"}}]}`;
    const res = await s.app.inject({
      method: "POST",
      url: "/api/events",
      headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
      payload,
    });
    expect(res.statusCode).toBe(200);
    const logs = (await s.as(admin, { url: "/api/tripwire/debug/user-logs/nuluser" })).json().logs;
    expect(logs[0]).toMatchObject({
      message: "<img src=x onerror=alert(1)> '; DROP TABLE user_activity_logs; --  \ufffd",
      metadata: { html: "<script>alert(1)</script>", k: "\ufffd" },
    });
  });

  it("drops prototype-polluting keys and keeps the events", async () => {
    const payload = `{"events":[{"user_id":"proto","event_type":"LOGIN","message":"m","metadata":{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"ok":1}}],"__proto__":{"polluted":1}}`;
    const res = await s.app.inject({
      method: "POST",
      url: "/api/events",
      headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
      payload,
    });
    expect(res.statusCode).toBe(200);
    const logs = (await s.as(admin, { url: "/api/tripwire/debug/user-logs/proto?eventType=LOGIN" })).json()
      .logs;
    expect(logs[0].metadata).toEqual({ ok: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  /** Whole requests that must be refused with a 4xx and a sentence. */
  const BAD_REQUESTS: [string, () => InjectOptions, number, RegExp][] = [
    [
      "malformed JSON",
      () => ({ method: "POST", url: "/api/events", payload: '{"events": [', headers: json() }),
      400,
      /not valid JSON/,
    ],
    [
      "events not an array",
      () => ({ method: "POST", url: "/api/events", payload: { events: "x" }, headers: json() }),
      400,
      /"events"/,
    ],
    [
      "body is an array",
      () => ({ method: "POST", url: "/api/events", payload: "[]", headers: json() }),
      400,
      /"events"/,
    ],
    [
      "empty body",
      () => ({ method: "POST", url: "/api/events", payload: "", headers: json() }),
      400,
      /empty|events/,
    ],
    [
      "1,001 events",
      () => ({
        method: "POST",
        url: "/api/events",
        payload: { events: Array(1001).fill(good(9)) },
        headers: json(),
      }),
      413,
      /at most 1000/,
    ],
    [
      "9 MB body",
      () => ({
        method: "POST",
        url: "/api/events",
        payload: `{"events":["${"x".repeat(9 * 1024 * 1024)}"]}`,
        headers: json(),
      }),
      413,
      /too large/,
    ],
    [
      "XML body",
      () => ({
        method: "POST",
        url: "/api/events",
        payload: "<events/>",
        headers: { ...json(), "content-type": "application/xml" },
      }),
      415,
      /JSON/,
    ],
    [
      "all events bad",
      () => ({ method: "POST", url: "/api/events", payload: { events: [{}] }, headers: json() }),
      400,
      /No event was stored/,
    ],
    ["no key", () => ({ method: "POST", url: "/api/events", payload: { events: [] } }), 401, /key/],
    [
      "client error without message",
      () => ({ method: "POST", url: `/api/tripwire/debug/client-error?key=${PUBLIC_KEY}`, payload: {} }),
      400,
      /message/,
    ],
    [
      "client error with numeric stack",
      () => ({
        method: "POST",
        url: `/api/tripwire/debug/client-error?key=${PUBLIC_KEY}`,
        payload: { message: "m", stack: 5 },
      }),
      400,
      /stack must be text/,
    ],
    [
      "client error with garbage text/plain",
      () => ({
        method: "POST",
        url: `/api/tripwire/debug/client-error?key=${PUBLIC_KEY}`,
        payload: "not json",
        headers: { "content-type": "text/plain" },
      }),
      400,
      /not valid JSON/,
    ],
    [
      "client error with deep context",
      () => ({
        method: "POST",
        url: `/api/tripwire/debug/client-error?key=${PUBLIC_KEY}`,
        payload: { message: "m", context: deep },
      }),
      400,
      /context is nested/,
    ],
    [
      "login with wrong types",
      () => ({ method: "POST", url: "/api/auth/login", payload: { email: 1, password: [] } }),
      400,
      /must be string/,
    ],
    [
      "login without password",
      () => ({ method: "POST", url: "/api/auth/login", payload: { email: "a@b.c" } }),
      400,
      /password is required/,
    ],
    [
      "PUT user with 10,000-char id",
      () => ({ method: "PUT", url: `/api/users/${"u".repeat(10_000)}`, payload: {}, headers: json() }),
      414,
      /longer than 1024/,
    ],
    [
      "PUT user with 200-char id",
      () => ({ method: "PUT", url: `/api/users/${"u".repeat(200)}`, payload: {}, headers: json() }),
      400,
      /user_id is longer/,
    ],
    [
      "PUT user with bad phone type",
      () => ({ method: "PUT", url: "/api/users/u1", payload: { phone: 7 }, headers: json() }),
      400,
      /user\.phone must be text/,
    ],
  ];
  const json = () => ({ authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" });

  it.each(BAD_REQUESTS)("refuses %s", async (_name, request, status, reason) => {
    const res = await s.app.inject(request());
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatch(reason);
  });

  const BAD_QUERIES: [string, string, RegExp][] = [
    ["2-character search", "/api/tripwire/debug/search-users?q=ab", /at least 3/],
    ["missing search term", "/api/tripwire/debug/search-users", /at least 3/],
    ["huge search term", `/api/tripwire/debug/search-users?q=${"a".repeat(300)}`, /longer than 200/],
    ["limit 0", "/api/tripwire/debug/user-logs/u?limit=0", /limit/],
    ["limit 5000", "/api/tripwire/debug/user-logs/u?limit=5000", /limit/],
    ["limit text", "/api/tripwire/debug/user-logs/u?limit=ten", /limit/],
    ["bad start date", "/api/tripwire/debug/user-logs/u?startDate=yesterday", /startDate/],
    [
      "start after end",
      "/api/tripwire/debug/user-logs/u?startDate=2025-02-01&endDate=2025-01-01",
      /after endDate/,
    ],
    [
      "SQL in event type",
      "/api/tripwire/debug/user-logs/u?eventType=LOGIN')%20OR%201=1--",
      /not a valid event type/,
    ],
    ["unknown severity", "/api/tripwire/debug/user-logs/u?severity=fatal", /not one of/],
    ["forged cursor", "/api/tripwire/debug/user-logs/u?cursor=AAAA", /cursor/],
    ["huge user id", `/api/tripwire/debug/user-logs/${"u".repeat(500)}`, /userId is longer/],
  ];

  it.each(BAD_QUERIES)("refuses %s with a 400", async (_name, url, reason) => {
    const res = await s.as(admin, { url });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(reason);
  });

  it("a search term with SQL or wildcards matches literally and changes nothing", async () => {
    for (const q of ["' OR '1'='1", "%%%", "___", "\\\\\\", "a'); DELETE FROM users; --"]) {
      const res = await s.as(admin, { url: `/api/tripwire/debug/search-users?q=${encodeURIComponent(q)}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().users).toEqual([]);
    }
    const still = await s.as(admin, { url: "/api/tripwire/debug/search-users?q=hostile" });
    expect(still.json().users.length).toBeGreaterThan(0);
  });

  it("is still serving after all of the above", async () => {
    expect((await s.app.inject({ url: "/api/health" })).json()).toMatchObject({ ok: true });
  });
});
