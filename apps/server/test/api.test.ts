import { createAccount, createSession } from "@usertrail/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../src/auth/passwords.ts";
import {
  ADMIN,
  DATABASE_KINDS,
  INGEST_KEY,
  PUBLIC_KEY,
  startTestServer,
  type TestServer,
} from "./helpers.ts";

/** Every staff route, so none can slip past the auth checks below. */
const STAFF_ROUTES = [
  ["GET", "/api/tripwire/debug/search-users?q=anna"],
  ["GET", "/api/tripwire/debug/user/anna"],
  ["GET", "/api/tripwire/debug/user-logs/anna"],
  ["GET", "/api/tripwire/debug/user-stats/anna"],
  ["GET", "/api/overview"],
  ["GET", "/api/staff"],
] as const;

describe.each(DATABASE_KINDS)("HTTP API on %s", (kind) => {
  let s: TestServer;
  let admin: string;

  beforeAll(async () => {
    s = await startTestServer(kind);
    admin = await s.login();
  });
  afterAll(() => s?.close());

  it("walks the new user's path: batch for two users, phone search, filtered logs, stats", async () => {
    const res = await s.ingest([
      {
        user_id: "550e8400-e29b-41d4-a716-446655440000",
        user: { email: "anna@example.com", phone: "+7 (701) 123-45-67", full_name: "Anna Petrova" },
        event_type: "LOGIN",
        message: "Logged in",
        created_at: "2025-12-21T10:00:00Z",
      },
      {
        user_id: "550e8400-e29b-41d4-a716-446655440000",
        event_type: "CLIENT_ERROR",
        message: "TypeError: video is null",
        severity: "error",
        metadata: { stack: "at play (player.js:10)" },
        created_at: "2025-12-21T11:00:00Z",
      },
      {
        user_id: "user-42",
        user: { email: "bob@example.com" },
        event_type: "VIDEO_VIEW",
        message: "Lesson 1",
      },
    ]);
    expect(res).toMatchObject({ statusCode: 200, body: { stored: 3, rejected: 0 } });

    const search = await s.as(admin, { url: "/api/tripwire/debug/search-users?q=123-45" });
    expect(search.json().users).toMatchObject([
      { id: "550e8400-e29b-41d4-a716-446655440000", full_name: "Anna Petrova" },
    ]);

    const logs = await s.as(admin, {
      url: "/api/tripwire/debug/user-logs/550e8400-e29b-41d4-a716-446655440000?eventType=CLIENT_ERROR,LOGIN&startDate=2025-12-21T10:30:00Z&endDate=2025-12-22",
    });
    expect(logs.statusCode).toBe(200);
    expect(logs.json()).toMatchObject({
      logs: [
        {
          event_type: "CLIENT_ERROR",
          severity: "error",
          event_category: "error",
          metadata: { stack: "at play (player.js:10)" },
        },
      ],
      next_cursor: null,
    });

    const stats = await s.as(admin, {
      url: "/api/tripwire/debug/user-stats/550e8400-e29b-41d4-a716-446655440000",
    });
    expect(stats.json()).toEqual({ total_events: 3, errors: 1, critical: 0, error_rate: 33.33 });

    const all = await s.as(admin, {
      url: "/api/tripwire/debug/user-logs/550e8400-e29b-41d4-a716-446655440000",
    });
    expect(all.json().logs.map((l: { event_type: string }) => l.event_type)).toEqual([
      "CLIENT_ERROR",
      "LOGIN",
      "USER_CREATED",
    ]);
  });

  it("answers 207 with a reason for each rejected event and stores the good ones", async () => {
    const res = await s.ingest([
      { user_id: "mixed", event_type: "LOGIN", message: "ok" },
      { user_id: "mixed", event_type: "nope", message: "bad type" },
      { user_id: "mixed", event_type: "LOGOUT", message: "ok too" },
    ]);
    expect(res.statusCode).toBe(207);
    expect(res.body).toMatchObject({
      stored: 2,
      rejected: 1,
      results: [
        { status: "stored" },
        { status: "rejected", error: expect.stringContaining("UPPER_SNAKE") },
        { status: "stored" },
      ],
    });
  });

  it("refuses every staff route to anonymous callers, students, expired and forged tokens", async () => {
    const studentHash = await hashPassword("student-password");
    const student = await createAccount(s.app.usertrail.store.db, {
      email: "student@example.com",
      name: "A Student",
      role: "student",
      passwordHash: studentHash,
    });
    const studentToken = await createSession(s.app.usertrail.store.db, student?.id ?? "", 60_000);
    const expiredToken = await createSession(s.app.usertrail.store.db, student?.id ?? "", -1000);
    const adminExpired = await createSession(
      s.app.usertrail.store.db,
      (await s.as(admin, { url: "/api/auth/me" })).json().id,
      -1000,
    );
    for (const [method, url] of STAFF_ROUTES) {
      expect((await s.app.inject({ method, url })).statusCode, `${url} anonymous`).toBe(401);
      expect((await s.as(studentToken, { method, url })).statusCode, `${url} student`).toBe(403);
      expect((await s.as(expiredToken, { method, url })).statusCode, `${url} expired`).toBe(401);
      expect((await s.as(adminExpired, { method, url })).statusCode, `${url} expired admin`).toBe(401);
      expect((await s.as("forged-token-abc", { method, url })).statusCode, `${url} forged`).toBe(401);
      expect((await s.as(INGEST_KEY, { method, url })).statusCode, `${url} ingest key`).toBe(401);
      const pub = await s.app.inject({ method, url, headers: { "x-usertrail-key": PUBLIC_KEY } });
      expect(pub.statusCode, `${url} public key`).toBe(401);
    }
    const login = await s.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "student@example.com", password: "student-password" },
    });
    expect(login.statusCode).toBe(403);
    expect(login.json().error).toMatch(/student account/);
  });

  it("logs in with a cookie, needs the CSRF header for cookie writes, and logs out", async () => {
    const login = await s.app.inject({ method: "POST", url: "/api/auth/login", payload: ADMIN });
    const cookie = login.cookies.find((c) => c.name === "ut_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    const cookies = { ut_session: cookie?.value ?? "" };
    expect((await s.app.inject({ url: "/api/auth/me", cookies })).json()).toMatchObject({
      role: "admin",
      email: ADMIN.email,
    });
    const payload = { email: "csrf@example.com", password: "password1", name: "C", role: "sales" };
    const noHeader = await s.app.inject({ method: "POST", url: "/api/staff", cookies, payload });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error).toMatch(/x-usertrail-csrf/);
    const withHeader = await s.app.inject({
      method: "POST",
      url: "/api/staff",
      cookies,
      payload,
      headers: { "x-usertrail-csrf": "1" },
    });
    expect(withHeader.statusCode).toBe(201);
    await s.app.inject({
      method: "POST",
      url: "/api/auth/logout",
      cookies,
      headers: { "x-usertrail-csrf": "1" },
    });
    expect((await s.app.inject({ url: "/api/auth/me", cookies })).statusCode).toBe(401);
  });

  it("wrong password is a 401 in words; admins add and disable sales accounts", async () => {
    const wrong = await s.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { ...ADMIN, password: "nope" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: "Wrong email or password." });
    const created = await s.as(admin, {
      method: "POST",
      url: "/api/staff",
      payload: { email: "sales@example.com", password: "sales-pass", name: "Sales Manager", role: "sales" },
    });
    expect(created.statusCode).toBe(201);
    const again = await s.as(admin, {
      method: "POST",
      url: "/api/staff",
      payload: { email: "SALES@example.com", password: "sales-pass", name: "Twin", role: "sales" },
    });
    expect(again.statusCode).toBe(409);
    const sales = await s.login("sales@example.com", "sales-pass");
    expect((await s.as(sales, { url: "/api/tripwire/debug/user-stats/x" })).statusCode).toBe(200);
    expect((await s.as(sales, { url: "/api/staff" })).statusCode).toBe(403);
    const list = (await s.as(admin, { url: "/api/staff" })).json().staff;
    expect(JSON.stringify(list)).not.toMatch(/scrypt|password/);
    const id = created.json().id;
    expect(
      (await s.as(admin, { method: "PATCH", url: `/api/staff/${id}`, payload: { disabled: true } }))
        .statusCode,
    ).toBe(200);
    expect((await s.as(sales, { url: "/api/tripwire/debug/user-stats/x" })).statusCode).toBe(401);
    const refused = await s.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "sales@example.com", password: "sales-pass" },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatch(/disabled/);
  });

  it("client errors go to system_health_logs and, with a user, to that user's log", async () => {
    const res = await s.app.inject({
      method: "POST",
      url: `/api/tripwire/debug/client-error?key=${PUBLIC_KEY}`,
      headers: { "content-type": "text/plain" },
      payload: JSON.stringify({
        message: "ReferenceError: foo is not defined",
        stack: "at app.js:1:1",
        url: "https://school.example/lesson/1",
        userAgent: "Mozilla/5.0",
        context: { lesson: 1 },
        user_id: "client-user",
        user_email: "client@example.com",
      }),
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    const logs = (
      await s.as(admin, { url: "/api/tripwire/debug/user-logs/client-user?eventType=CLIENT_ERROR" })
    ).json().logs;
    expect(logs).toMatchObject([
      {
        message: "ReferenceError: foo is not defined",
        metadata: {
          stack: "at app.js:1:1",
          url: "https://school.example/lesson/1",
          userEmail: "client@example.com",
          context: { lesson: 1 },
        },
      },
    ]);
    const anonymous = await s.app.inject({
      method: "POST",
      url: "/api/tripwire/debug/client-error",
      headers: { "x-usertrail-key": PUBLIC_KEY },
      payload: { message: "Unhandled rejection on the landing page" },
    });
    expect(anonymous.statusCode).toBe(202);
    const overview = (await s.as(admin, { url: "/api/overview?range=7d" })).json();
    expect(overview.health.map((h: { message: string }) => h.message)).toEqual(
      expect.arrayContaining([
        "ReferenceError: foo is not defined",
        "Unhandled rejection on the landing page",
      ]),
    );
    const wrongKey = await s.app.inject({
      method: "POST",
      url: "/api/tripwire/debug/client-error?key=wrong",
      payload: { message: "x" },
    });
    expect(wrongKey.statusCode).toBe(401);
  });

  it("answers a browser's CORS preflight on the public ingest routes", async () => {
    for (const url of ["/api/events", "/api/tripwire/debug/client-error"]) {
      const res = await s.app.inject({
        method: "OPTIONS",
        url,
        headers: {
          origin: "https://school.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type, x-usertrail-key",
        },
      });
      expect(res.statusCode, url).toBe(204);
      expect(res.headers["access-control-allow-origin"]).toBe("*");
      expect(res.headers["access-control-allow-headers"]).toContain("x-usertrail-key");
    }
  });

  it("PUT /api/users/:id upserts a user and logs USER_CREATED only the first time", async () => {
    const put = (payload: object) =>
      s.app.inject({
        method: "PUT",
        url: "/api/users/host-7",
        headers: { authorization: `Bearer ${INGEST_KEY}` },
        payload,
      });
    expect((await put({ email: "host7@example.com" })).statusCode).toBe(201);
    expect((await put({ full_name: "Host Seven" })).statusCode).toBe(200);
    const logs = (await s.as(admin, { url: "/api/tripwire/debug/user-logs/host-7" })).json().logs;
    expect(logs).toMatchObject([{ event_type: "USER_CREATED", metadata: { email: "host7@example.com" } }]);
    const user = (await s.as(admin, { url: "/api/tripwire/debug/user/host-7" })).json().user;
    expect(user).toMatchObject({ email: "host7@example.com", full_name: "Host Seven" });
    const publicKeyPut = await s.app.inject({
      method: "PUT",
      url: "/api/users/host-7",
      headers: { "x-usertrail-key": PUBLIC_KEY },
      payload: {},
    });
    expect(publicKeyPut.statusCode).toBe(401);
  });

  it("the overview counts events and errors over time", async () => {
    const res = await s.as(admin, { url: "/api/overview?range=24h" });
    const body = res.json();
    expect(body.buckets.length).toBeGreaterThanOrEqual(24);
    const sum = body.buckets.reduce((n: number, b: { events: number }) => n + b.events, 0);
    expect(sum).toBe(body.totals.events);
    expect(body.totals.events).toBeGreaterThan(0);
    expect((await s.as(admin, { url: "/api/overview?range=1y" })).statusCode).toBe(400);
  });
});

describe("login rate limit and session expiry", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("pglite", { loginRateLimit: 3, sessionTtlHours: 1 / 3600 });
  });
  afterAll(() => s?.close());

  it("limits password guessing with a 429 and Retry-After", async () => {
    const guess = () =>
      s.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: "victim@example.com", password: "guess" },
      });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await guess()).statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    const limited = await guess();
    expect(limited.headers["retry-after"]).toBeDefined();
    expect(limited.json().error).toMatch(/Too many login attempts/);
  });

  it("a token stops working when it expires", async () => {
    const token = await s.login();
    expect((await s.as(token, { url: "/api/auth/me" })).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await s.as(token, { url: "/api/auth/me" })).statusCode).toBe(401);
  });
});
