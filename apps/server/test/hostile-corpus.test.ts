import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INGEST_KEY, PUBLIC_KEY, startTestServer, type TestServer } from "./helpers.ts";

// A larger corpus than hostile-input.test.ts (whose cases are not repeated here): every input route,
// every kind of hostility. Each must get a 4xx with {"error": "<a sentence>"}, nothing may crash,
// and the good events sent alongside must all be stored.

const nest = (depth: number, leaf: unknown = 1): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { d: v };
  return v;
};
const DEEP = "__DEEP_5000__";
/** The batch as JSON text, with the 5,000-deep object written out by hand. */
const rawBatch = (batch: unknown[]) =>
  JSON.stringify({ events: batch }).replace(`"${DEEP}"`, `${'{"d":'.repeat(5000)}1${"}".repeat(5000)}`);
const UUID = "6f1c1f5e-2b0e-4a55-9a57-3f1f2b1d0c11";
const ev = (extra: Record<string, unknown>) => ({
  user_id: "u",
  event_type: "LOGIN",
  message: "m",
  ...extra,
});
const { event_type: _t, ...noType } = ev({});
const { message: _m, ...noMessage } = ev({});

/** Bad events inside a batch: each rejected with its reason while the good ones beside it are stored. */
const BAD_EVENTS: [string, unknown, RegExp][] = [
  ["event_id as number", ev({ event_id: 123 }), /event_id must be a UUID string/],
  ["event_id empty", ev({ event_id: "" }), /event_id is not a UUID/],
  ["event_id with trailing char", ev({ event_id: `${UUID}x` }), /event_id is not a UUID/],
  ["event_id in braces", ev({ event_id: `{${UUID}}` }), /event_id is not a UUID/],
  ["event_id as SQL", ev({ event_id: "' OR 1=1 --" }), /event_id is not a UUID/],
  ["event_id with NUL", ev({ event_id: `\u0000${UUID}` }), /event_id is not a UUID/],
  ["event_id as array", ev({ event_id: [UUID] }), /event_id must be a UUID string/],
  ["user_id null", ev({ user_id: null }), /user_id must be text/],
  ["user_id number", ev({ user_id: 5 }), /user_id must be text/],
  ["user_id empty", ev({ user_id: "" }), /user_id must not be empty/],
  ["user_id blank", ev({ user_id: "   " }), /user_id must not be empty/],
  ["user_id only NUL bytes", ev({ user_id: "\u0000\u0000" }), /user_id must not be empty/],
  ["user_id object", ev({ user_id: { $ne: null } }), /user_id must be text/],
  ["user_id 129 chars", ev({ user_id: "u".repeat(129) }), /user_id is longer than 128/],
  ["user_id boolean", ev({ user_id: true }), /user_id must be text/],
  ["event_type missing", noType, /event_type must be text/],
  ["event_type lower case", ev({ event_type: "login" }), /UPPER_SNAKE/],
  ["event_type empty", ev({ event_type: "" }), /UPPER_SNAKE/],
  ["event_type starts with digit", ev({ event_type: "1LOGIN" }), /UPPER_SNAKE/],
  ["event_type as script", ev({ event_type: "<script>" }), /UPPER_SNAKE/],
  ["event_type 65 chars", ev({ event_type: "A".repeat(65) }), /event_type is longer than 64/],
  ["event_type number", ev({ event_type: 7 }), /event_type must be text/],
  ["event_type with NUL", ev({ event_type: "LOGIN\u0000" }), /UPPER_SNAKE/],
  ["event_type Turkish dotted I", ev({ event_type: "LOG\u0130N" }), /UPPER_SNAKE/],
  ["event_category unknown", ev({ event_category: "hacker" }), /event_category must be one of/],
  ["event_category number", ev({ event_category: 1 }), /event_category must be one of/],
  ["message missing", noMessage, /message must be text/],
  ["message null", ev({ message: null }), /message must be text/],
  ["message object", ev({ message: { toString: "x" } }), /message must be text/],
  ["message 10,001 chars", ev({ message: "m".repeat(10_001) }), /message is longer than 10000/],
  ["message array", ev({ message: ["a"] }), /message must be text/],
  ["metadata array", ev({ metadata: [1, 2] }), /metadata must be a JSON object/],
  ["metadata string", ev({ metadata: "x" }), /metadata must be a JSON object/],
  ["metadata null", ev({ metadata: null }), /metadata must be a JSON object/],
  ["metadata 70 KB", ev({ metadata: { blob: "b".repeat(70_000) } }), /the limit is 65536/],
  ["metadata 21 deep", ev({ metadata: nest(21) as object }), /nested deeper than 20/],
  // Too deep for JSON.stringify on this side; spliced into the raw body as text (see rawBatch).
  ["metadata 5,000 deep", ev({ metadata: DEEP }), /nested deeper than 20/],
  ["severity upper case", ev({ severity: "ERROR" }), /severity must be one of/],
  ["severity number", ev({ severity: 3 }), /severity must be one of/],
  ["severity empty", ev({ severity: "" }), /severity must be one of/],
  ["created_at words", ev({ created_at: "yesterday" }), /created_at is not a valid ISO 8601/],
  ["created_at 1999", ev({ created_at: "1999-12-31T00:00:00Z" }), /before the year 2000/],
  ["created_at year 2999", ev({ created_at: "2999-01-01T00:00:00Z" }), /in the future/],
  ["created_at epoch number", ev({ created_at: 1_700_000_000_000 }), /created_at must be an ISO 8601/],
  ["created_at zeros", ev({ created_at: "0000-00-00" }), /created_at is not a valid ISO 8601/],
  [
    "created_at with SQL",
    ev({ created_at: "2025-01-01'; DROP TABLE users;--" }),
    /created_at is not a valid/,
  ],
  ["created_at hour 25", ev({ created_at: "2025-01-01T25:00:00Z" }), /created_at is not a valid/],
  ["created_at 100 chars", ev({ created_at: `2025-01-01${" ".repeat(90)}` }), /created_at is not a date/],
  ["user.email number", ev({ user: { email: 5 } }), /user\.email must be text/],
  ["user.phone 41 chars", ev({ user: { phone: "1".repeat(41) } }), /user\.phone is longer/],
  ["user.full_name array", ev({ user: { full_name: ["a"] } }), /user\.full_name must be text/],
  ["user as array", ev({ user: [] }), /user must be an object/],
  ["event null", null, /each event must be a JSON object/],
  ["event string", "LOGIN", /each event must be a JSON object/],
  ["event number", 42, /each event must be a JSON object/],
  ["event boolean", true, /each event must be a JSON object/],
];

const ingestJson = { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" };
const events = (payload: string | Buffer, headers: Record<string, string> = ingestJson): InjectOptions => ({
  method: "POST",
  url: "/api/events",
  headers,
  payload,
});
const clientError = (payload: unknown, type = "application/json"): InjectOptions => ({
  method: "POST",
  url: "/api/tripwire/debug/client-error",
  headers: { "x-usertrail-key": PUBLIC_KEY, "content-type": type },
  payload: typeof payload === "string" || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
});
const putUser = (id: string, payload: unknown): InjectOptions => ({
  method: "PUT",
  url: `/api/users/${id}`,
  headers: ingestJson,
  payload: typeof payload === "string" ? payload : JSON.stringify(payload),
});
const login = (payload: unknown): InjectOptions => ({
  method: "POST",
  url: "/api/auth/login",
  headers: { "content-type": "application/json" },
  payload: typeof payload === "string" ? payload : JSON.stringify(payload),
});
/** Needs the admin token; filled in at run time. */
const ADMIN = "__admin__";
const asAdmin = (options: InjectOptions): InjectOptions => ({
  ...options,
  headers: { ...options.headers, authorization: ADMIN },
});
const get = (url: string) => asAdmin({ method: "GET", url });
const staff = (method: "POST" | "PATCH", url: string, payload: unknown) =>
  asAdmin({
    method,
    url,
    headers: { "content-type": "application/json" },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

/** Whole requests that must be refused: [name, request, status, reason]. */
const BAD_REQUESTS: [string, InjectOptions, number, RegExp][] = [
  // /api/events: the envelope
  ["events: body null", events("null"), 400, /"events"/],
  ["events: body number", events("42"), 400, /"events"/],
  ["events: body string", events('"events"'), 400, /"events"/],
  ["events: body true", events("true"), 400, /"events"/],
  ["events: events null", events('{"events":null}'), 400, /"events"/],
  ["events: events object", events('{"events":{}}'), 400, /"events"/],
  ["events: events as JSON text", events('{"events":"[]"}'), 400, /"events"/],
  ["events: no events key", events("{}"), 400, /"events"/],
  ["events: misspelt key", events('{"event":[]}'), 400, /"events"/],
  ["events: smuggled via __proto__", events('{"__proto__":{"events":[{"user_id":"p"}]}}'), 400, /"events"/],
  [
    "events: smuggled via constructor",
    events('{"constructor":{"prototype":{"events":[]}}}'),
    400,
    /"events"/,
  ],
  ["events: truncated JSON", events('{"events":[{"user_id":"u"'), 400, /not valid JSON/],
  ["events: trailing garbage", events('{"events":[]} xyz'), 400, /not valid JSON/],
  ["events: single quotes", events("{'events': []}"), 400, /not valid JSON/],
  ["events: NaN literal", events('{"events":[{"n":NaN}]}'), 400, /not valid JSON/],
  ["events: comment", events('{"events":[] /* hi */}'), 400, /not valid JSON/],
  ["events: byte 0xFF before JSON", events(bytes([0xff], '{"events":[]}')), 400, /not valid JSON/],
  [
    "events: invalid UTF-8 as a key quote",
    events(bytes('{"events":[{', [0xc3], 'user_id":"u"}]}')),
    400,
    /./,
  ],
  ["events: UTF-16 body", events(Buffer.from('{"events":[]}', "utf16le")), 400, /not valid JSON/],
  ["events: raw NUL byte between tokens", events(bytes('{"events":', [0], "[]}")), 400, /not valid JSON/],
  [
    "events: 10,000-deep arrays",
    events(`{"events":${"[".repeat(10_000)}${"]".repeat(10_000)}}`),
    400,
    /No event was stored/,
  ],
  [
    "events: all 300 events bad",
    events(JSON.stringify({ events: Array(300).fill({ user_id: 1 }) })),
    400,
    /No event was stored/,
  ],
  [
    "events: text/plain not JSON",
    events("{events", { ...ingestJson, "content-type": "text/plain" }),
    400,
    /not valid JSON/,
  ],
  [
    "events: form encoded",
    events("events=1", { ...ingestJson, "content-type": "application/x-www-form-urlencoded" }),
    415,
    /JSON/,
  ],
  [
    "events: multipart",
    events("--x\r\n\r\n--x--", { ...ingestJson, "content-type": "multipart/form-data; boundary=x" }),
    415,
    /JSON/,
  ],
  [
    "events: empty bearer",
    events('{"events":[]}', { "content-type": "application/json", authorization: "Bearer " }),
    401,
    /key/,
  ],
  [
    "events: Basic auth",
    events('{"events":[]}', { "content-type": "application/json", authorization: "Basic YTpi" }),
    401,
    /key/,
  ],
  [
    "events: key plus a char",
    events('{"events":[]}', { "content-type": "application/json", authorization: `Bearer ${INGEST_KEY}x` }),
    401,
    /key/,
  ],
  [
    "events: public key as array param",
    { method: "POST", url: `/api/events?key[]=${PUBLIC_KEY}`, payload: { events: [] } },
    401,
    /key/,
  ],
  [
    "events: public key SQL",
    { method: "POST", url: "/api/events?key=' OR '1'='1", payload: { events: [] } },
    401,
    /key/,
  ],
  ["events: GET instead of POST", { method: "GET", url: "/api/events" }, 404, /./],
  // /api/tripwire/debug/client-error
  ["client-error: empty message", clientError({ message: "" }), 400, /message must not be empty/],
  ["client-error: message number", clientError({ message: 5 }), 400, /message must be text/],
  ["client-error: message null", clientError({ message: null }), 400, /message must be text/],
  ["client-error: message 10,001 chars", clientError({ message: "m".repeat(10_001) }), 400, /10000/],
  ["client-error: body array", clientError([{ message: "m" }]), 400, /JSON object/],
  ["client-error: body string", clientError('"boom"'), 400, /JSON object/],
  ["client-error: body null", clientError("null"), 400, /JSON object/],
  ["client-error: url 5,000 chars", clientError({ message: "m", url: "u".repeat(5000) }), 400, /4096/],
  ["client-error: url number", clientError({ message: "m", url: 5 }), 400, /url must be text/],
  [
    "client-error: userAgent object",
    clientError({ message: "m", userAgent: {} }),
    400,
    /userAgent must be text/,
  ],
  [
    "client-error: user_id 200 chars",
    clientError({ message: "m", user_id: "u".repeat(200) }),
    400,
    /user_id is longer/,
  ],
  ["client-error: user_id number", clientError({ message: "m", user_id: 9 }), 400, /user_id must be text/],
  [
    "client-error: user_email number",
    clientError({ message: "m", user_email: 1 }),
    400,
    /user_email must be text/,
  ],
  [
    "client-error: user_email 400 chars",
    clientError({ message: "m", user_email: "e".repeat(400) }),
    400,
    /320/,
  ],
  [
    "client-error: severity unknown",
    clientError({ message: "m", severity: "boom" }),
    400,
    /severity must be one of/,
  ],
  [
    "client-error: context 25 deep",
    clientError({ message: "m", context: nest(25) }),
    400,
    /context is nested/,
  ],
  ["client-error: stack array", clientError({ message: "m", stack: ["a"] }), 400, /stack must be text/],
  ["client-error: truncated text/plain", clientError('{"message":"m"', "text/plain"), 400, /not valid JSON/],
  [
    "client-error: 0xFE outside strings",
    clientError(bytes([0xfe], '{"message":"m"}')),
    400,
    /not valid JSON/,
  ],
  ["client-error: __proto__ message only", clientError('{"__proto__":{"message":"m"}}'), 400, /message/],
  [
    "client-error: no key",
    { method: "POST", url: "/api/tripwire/debug/client-error", payload: { message: "m" } },
    401,
    /key/,
  ],
  // PUT /api/users/:id
  ["users: body array", putUser("u1", []), 400, /user must be an object/],
  ["users: email number", putUser("u1", { email: 5 }), 400, /user\.email must be text/],
  ["users: email 321 chars", putUser("u1", { email: "e".repeat(321) }), 400, /user\.email is longer/],
  [
    "users: full_name 201 chars",
    putUser("u1", { full_name: "n".repeat(201) }),
    400,
    /user\.full_name is longer/,
  ],
  ["users: full_name object", putUser("u1", { full_name: {} }), 400, /user\.full_name must be text/],
  ["users: phone 41 chars", putUser("u1", { phone: "1".repeat(41) }), 400, /user\.phone is longer/],
  ["users: malformed JSON", putUser("u1", '{"email":'), 400, /not valid JSON/],
  ["users: id of NUL bytes", putUser("%00%00", {}), 400, /user_id must not be empty/],
  ["users: blank id", putUser("%20%20%20", {}), 400, /user_id must not be empty/],
  [
    "users: public key only",
    { ...putUser("u1", {}), headers: { "x-usertrail-key": PUBLIC_KEY, "content-type": "application/json" } },
    401,
    /ingest key/,
  ],
  // POST /api/auth/login
  ["login: email 321 chars", login({ email: "e".repeat(321), password: "p" }), 400, /email/],
  ["login: password 1,001 chars", login({ email: "a@b.c", password: "p".repeat(1001) }), 400, /password/],
  ["login: body array", login([]), 400, /./],
  ["login: body string", login('"admin"'), 400, /./],
  ["login: empty email", login({ email: "", password: "p" }), 400, /email/],
  ["login: password object", login({ email: "a@b.c", password: { $gt: "" } }), 400, /password/],
  ["login: malformed JSON", login('{"email":"a@b.c",'), 400, /not valid JSON/],
  ["login: SQL in email", login({ email: "' OR 1=1 --", password: "x" }), 401, /Wrong email or password/],
  [
    "login: NUL in email",
    login({ email: "admin@example.com\u0000", password: "x" }),
    401,
    /Wrong email or password/,
  ],
  // Staff writes (as admin)
  [
    "staff: invalid email",
    staff("POST", "/api/staff", { email: "nope", password: "12345678", name: "N", role: "sales" }),
    400,
    /email/,
  ],
  [
    "staff: short password",
    staff("POST", "/api/staff", { email: "s@x.io", password: "short", name: "N", role: "sales" }),
    400,
    /at least 8/,
  ],
  [
    "staff: role superadmin",
    staff("POST", "/api/staff", { email: "s@x.io", password: "12345678", name: "N", role: "superadmin" }),
    400,
    /role must be/,
  ],
  [
    "staff: empty name",
    staff("POST", "/api/staff", { email: "s@x.io", password: "12345678", name: " ", role: "sales" }),
    400,
    /name must not be empty/,
  ],
  [
    "staff: name 201 chars",
    staff("POST", "/api/staff", {
      email: "s@x.io",
      password: "12345678",
      name: "n".repeat(201),
      role: "sales",
    }),
    400,
    /name/,
  ],
  ["staff: body array", staff("POST", "/api/staff", []), 400, /JSON object/],
  [
    "staff: role array",
    staff("POST", "/api/staff", { email: "s@x.io", password: "12345678", name: "N", role: ["admin"] }),
    400,
    /role must be/,
  ],
  [
    "staff: patch non-uuid id",
    staff("PATCH", "/api/staff/1%20OR%201=1", { disabled: true }),
    404,
    /No account/,
  ],
  [
    "staff: patch disabled as text",
    staff("PATCH", `/api/staff/${UUID}`, { disabled: "yes" }),
    400,
    /disabled must be true or false/,
  ],
  ["staff: patch role root", staff("PATCH", `/api/staff/${UUID}`, { role: "root" }), 400, /role must be/],
  ["staff: patch body null", staff("PATCH", `/api/staff/${UUID}`, "null"), 400, /JSON object/],
  // Query strings of the staff reads
  ["search: only NUL bytes", get("/api/tripwire/debug/search-users?q=%00%00%00%00"), 400, /at least 3/],
  ["search: blanks", get("/api/tripwire/debug/search-users?q=%20%20%20%20"), 400, /at least 3/],
  ["search: q as array", get("/api/tripwire/debug/search-users?q=abc&q=def"), 400, /q/],
  ["logs: limit -1", get("/api/tripwire/debug/user-logs/u?limit=-1"), 400, /limit/],
  ["logs: limit 1.5", get("/api/tripwire/debug/user-logs/u?limit=1.5"), 400, /limit/],
  ["logs: limit Infinity", get("/api/tripwire/debug/user-logs/u?limit=Infinity"), 400, /limit/],
  ["logs: eventType lower case", get("/api/tripwire/debug/user-logs/u?eventType=login"), 400, /eventType/],
  [
    "logs: 51 event types",
    get(`/api/tripwire/debug/user-logs/u?eventType=${Array(51).fill("A").join(",")}`),
    400,
    /more than 50/,
  ],
  [
    "logs: eventType as array",
    get("/api/tripwire/debug/user-logs/u?eventType=LOGIN&eventType=LOGOUT"),
    400,
    /eventType/,
  ],
  [
    "logs: severity with empty and bad",
    get("/api/tripwire/debug/user-logs/u?severity=info,,fatal"),
    400,
    /not one of/,
  ],
  ["logs: category with SQL", get("/api/tripwire/debug/user-logs/u?category=auth;DROP"), 400, /not one of/],
  ["logs: hour 25", get("/api/tripwire/debug/user-logs/u?startDate=2025-01-01T25:00:00Z"), 400, /startDate/],
  ["logs: February 30th", get("/api/tripwire/debug/user-logs/u?startDate=2025-02-30"), 400, /startDate/],
  [
    "logs: startDate SQL",
    get("/api/tripwire/debug/user-logs/u?startDate=%27%20OR%20%271%27=%271"),
    400,
    /startDate/,
  ],
  [
    "logs: startDate far future",
    get("/api/tripwire/debug/user-logs/u?startDate=%2B275760-09-13"),
    400,
    /startDate/,
  ],
  ["logs: endDate month 13", get("/api/tripwire/debug/user-logs/u?endDate=2025-13-01"), 400, /endDate/],
  ["logs: cursor SQL", get("/api/tripwire/debug/user-logs/u?cursor=%27%20OR%201=1"), 400, /cursor/],
  [
    "logs: cursor base64 JSON",
    get(`/api/tripwire/debug/user-logs/u?cursor=${Buffer.from('{"t":"x"}').toString("base64url")}`),
    400,
    /cursor/,
  ],
  ["logs: q 201 chars", get(`/api/tripwire/debug/user-logs/u?q=${"q".repeat(201)}`), 400, /q is longer/],
  ["logs: q as array", get("/api/tripwire/debug/user-logs/u?q=a&q=b"), 400, /q/],
  ["user: id 129 chars", get(`/api/tripwire/debug/user/${"u".repeat(129)}`), 400, /userId is longer/],
  ["stats: id 129 chars", get(`/api/tripwire/debug/user-stats/${"u".repeat(129)}`), 400, /userId is longer/],
  ["user: NUL id", get("/api/tripwire/debug/user/%00"), 404, /No user/],
  ["overview: range with quote", get("/api/overview?range=24h%27"), 400, /range/],
  ["overview: range as array", get("/api/overview?range=24h&range=7d"), 400, /range/],
];

describe("hostile input corpus", () => {
  let s: TestServer;
  let admin: string;
  let goodSent = 0;
  const sendGood = async (n: number) => {
    const batch = Array.from({ length: n }, (_, i) => ({
      user_id: "corpus-good",
      event_type: "PAGE_VIEW",
      message: `good ${goodSent + i}`,
    }));
    goodSent += n;
    return s.ingest(batch);
  };
  beforeAll(async () => {
    s = await startTestServer("pglite");
    admin = await s.login();
  });
  afterAll(() => s?.close());

  it(`has at least 100 hostile inputs (${BAD_EVENTS.length + BAD_REQUESTS.length})`, () => {
    expect(BAD_EVENTS.length + BAD_REQUESTS.length).toBeGreaterThanOrEqual(100);
  });

  it("rejects each bad event in a batch with its reason and stores the good ones beside it", async () => {
    const good = (n: number) => ({ user_id: "corpus-good", event_type: "PAGE_VIEW", message: `beside ${n}` });
    const batch = BAD_EVENTS.flatMap(([, e], i) => [good(i), e]);
    goodSent += BAD_EVENTS.length;
    const raw = await s.app.inject(events(rawBatch(batch)));
    const res = { statusCode: raw.statusCode, body: raw.json() };
    expect(res.statusCode).toBe(207);
    const results = res.body.results as { status: string; error?: string }[];
    const wrong: string[] = [];
    BAD_EVENTS.forEach(([name, , reason], i) => {
      const r = results[2 * i + 1];
      if (results[2 * i]?.status !== "stored")
        wrong.push(`good event before ${name}: ${results[2 * i]?.status}`);
      if (r?.status !== "rejected" || !reason.test(r.error ?? ""))
        wrong.push(`${name}: ${JSON.stringify(r)}`);
    });
    expect(wrong).toEqual([]);
  });

  it("refuses each bad request with a 4xx and a sentence, while good events keep being stored", async () => {
    const wrong: string[] = [];
    for (const [i, [name, request, status, reason]] of BAD_REQUESTS.entries()) {
      const headers = { ...(request.headers as Record<string, string>) };
      if (headers.authorization === ADMIN) headers.authorization = `Bearer ${admin}`;
      const [res, good] = await Promise.all([
        s.app.inject({ ...request, headers }),
        i % 5 === 0 ? sendGood(3) : Promise.resolve(null),
      ]);
      if (good && good.statusCode !== 200) wrong.push(`good batch beside ${name}: ${good.statusCode}`);
      let error: unknown;
      try {
        error = res.json().error;
      } catch {
        error = undefined;
      }
      if (res.statusCode !== status)
        wrong.push(`${name}: status ${res.statusCode} (${res.body.slice(0, 200)})`);
      else if (typeof error !== "string" || error.length < 5 || !reason.test(error)) {
        wrong.push(`${name}: error ${JSON.stringify(error)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("is still healthy, and every good event sent alongside is stored exactly once", async () => {
    expect((await s.app.inject({ url: "/api/health" })).statusCode).toBe(200);
    const stats = await s.as(admin, { url: "/api/tripwire/debug/user-stats/corpus-good" });
    // USER_CREATED plus every good event.
    expect(stats.json().total_events).toBe(goodSent + 1);
  });
});
