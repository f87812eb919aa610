import { Writable } from "node:stream";
import { createAccount, createSession } from "@usertrail/store";
import type { HTTPMethods } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../src/auth/passwords.ts";
import { ADMIN, INGEST_KEY, PUBLIC_KEY, startTestServer, type TestServer } from "./helpers.ts";
import { concreteUrl, type RouteEntry, routeTable } from "./route-table.ts";

/**
 * Routes anyone may call without a staff session, each with the reason. Everything else in the
 * route table is a staff route and must refuse every caller below. A new public route must be
 * added here on purpose.
 */
const PUBLIC_ROUTES: Record<string, string> = {
  "GET /api/health": "liveness probe; says only ok and the database kind",
  "HEAD /api/health": "same",
  "POST /api/auth/login": "how a session starts",
  "POST /api/auth/logout": "ends the caller's own session, if any",
  "GET /api/auth/me": "the caller's own account; 401 without a session",
  "HEAD /api/auth/me": "same",
  "POST /api/events": "ingest: INGEST_KEY or PUBLIC_KEY (checked below)",
  "POST /api/tripwire/debug/client-error": "ingest: INGEST_KEY or PUBLIC_KEY (checked below)",
  "PUT /api/users/:id": "ingest: INGEST_KEY only (checked below)",
  "POST /api/:projectId/envelope": "Sentry SDK ingest: public key as sentry_key (checked below)",
  "POST /api/:projectId/envelope/": "same",
  "POST /api/:projectId/store": "same",
  "POST /api/:projectId/store/": "same",
};
/** The panel's static files (only present when apps/panel/dist is built) hold no data. */
const isPanelFile = (r: RouteEntry) => !r.path.startsWith("/api/");

/** Per address and account per minute; the admin logs in 4 times in this file. */
const LOGIN_LIMIT = 6;

const SECRETS = {
  adminPassword: ADMIN.password,
  wrongPassword: "wrong-password-guess-7781",
  newStaffPassword: "sales-password-5531",
  ingestKey: INGEST_KEY,
  publicKey: PUBLIC_KEY,
};

describe("attack: route table, tokens, CSRF, keys, SQL, secrets", () => {
  let s: TestServer;
  let log = "";
  let admin: string;
  let student: string;
  let expired: string;
  let expiredAdmin: string;
  let staffRoutes: RouteEntry[];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        log += chunk.toString();
        done();
      },
    });
    s = await startTestServer("pglite", {
      logger: { level: "trace", stream: sink },
      loginRateLimit: LOGIN_LIMIT,
    });
    admin = await s.login();
    const db = s.app.usertrail.store.db;
    const account = await createAccount(db, {
      email: "student@example.com",
      name: "Student",
      role: "student",
      passwordHash: await hashPassword("student-password-1"),
    });
    student = await createSession(db, account?.id as string, 3_600_000);
    expired = await createSession(db, account?.id as string, -1000);
    const adminId = (await s.as(admin, { url: "/api/auth/me" })).json().id;
    expiredAdmin = await createSession(db, adminId, -1000);
    staffRoutes = routeTable(s.app).filter(
      (r) => !PUBLIC_ROUTES[`${r.method} ${r.path}`] && !isPanelFile(r) && r.method !== "OPTIONS",
    );
  });
  afterAll(() => s?.close());

  it("finds the routes in Fastify's table (the parser works and the known staff routes are there)", () => {
    const names = staffRoutes.map((r) => `${r.method} ${r.path}`);
    for (const known of [
      "GET /api/tripwire/debug/search-users",
      "GET /api/tripwire/debug/user-logs/:userId",
      "GET /api/overview",
      "PATCH /api/staff/:id",
      "POST /api/staff",
    ]) {
      expect(names).toContain(known);
    }
    for (const route of Object.keys(PUBLIC_ROUTES)) {
      const [method, path] = route.split(" ");
      expect(routeTable(s.app), `${route} is in the table`).toContainEqual({ method, path });
    }
  });

  it("every staff route refuses anonymous, student, expired, forged, ingest-key and public-key callers", async () => {
    const bad: string[] = [];
    for (const route of staffRoutes) {
      const method = route.method as HTTPMethods;
      const url = concreteUrl(route.path);
      const payload = ["GET", "HEAD", "DELETE"].includes(method) ? undefined : {};
      const tries: [string, Record<string, string>, number][] = [
        ["anonymous", {}, 401],
        ["student", { authorization: `Bearer ${student}` }, 403],
        ["expired student", { authorization: `Bearer ${expired}` }, 401],
        ["expired admin", { authorization: `Bearer ${expiredAdmin}` }, 401],
        ["forged", { authorization: `Bearer ${"f".repeat(43)}` }, 401],
        ["forged cookie", { cookie: `ut_session=${"g".repeat(43)}`, "x-usertrail-csrf": "1" }, 401],
        ["ingest key", { authorization: `Bearer ${INGEST_KEY}` }, 401],
        ["public key header", { "x-usertrail-key": PUBLIC_KEY }, 401],
      ];
      for (const [who, headers, status] of tries) {
        const res = await s.app.inject({ method, url, headers, payload });
        if (res.statusCode !== status) bad.push(`${method} ${url} as ${who}: ${res.statusCode}`);
        if (method !== "HEAD" && !/^\{"error":"/.test(res.body)) bad.push(`${method} ${url}: ${res.body}`);
      }
      const withKey = await s.app.inject({ method, url: `${url}?key=${PUBLIC_KEY}`, payload });
      if (withKey.statusCode !== 401) bad.push(`${method} ${url}?key=: ${withKey.statusCode}`);
    }
    expect(bad).toEqual([]);
    expect(staffRoutes.length).toBeGreaterThanOrEqual(7);
  });

  it("the ingest routes refuse callers without the right key, and PUT /api/users takes only INGEST_KEY", async () => {
    for (const url of [
      "/api/events",
      "/api/tripwire/debug/client-error",
      "/api/1/envelope/",
      "/api/1/store/",
    ]) {
      for (const headers of [{}, { "x-usertrail-key": "wrong" }, { authorization: `Bearer ${admin}` }]) {
        const res = await s.app.inject({
          method: "POST",
          url,
          headers,
          payload: { message: "m", events: [] },
        });
        expect(res.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
    const pub = await s.app.inject({
      method: "PUT",
      url: "/api/users/u1",
      headers: { "x-usertrail-key": PUBLIC_KEY },
      payload: { email: "evil@example.com" },
    });
    expect(pub.statusCode).toBe(401);
  });

  it("cookie-authenticated writes need the CSRF header on every write route", async () => {
    const login = await s.app.inject({ method: "POST", url: "/api/auth/login", payload: ADMIN });
    const cookie = login.cookies.find((c) => c.name === "ut_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    const writes = staffRoutes.filter((r) => !["GET", "HEAD"].includes(r.method));
    expect(writes.length).toBeGreaterThan(0);
    for (const route of writes) {
      const res = await s.app.inject({
        method: route.method as HTTPMethods,
        url: concreteUrl(route.path),
        cookies: { ut_session: cookie?.value as string },
        payload: {},
      });
      expect(res.statusCode, `${route.method} ${route.path}`).toBe(403);
      expect(res.json().error).toMatch(/x-usertrail-csrf/);
    }
    // The same cookie with the header passes the guard (and then fails validation of the empty body).
    const ok = await s.app.inject({
      method: "POST",
      url: "/api/staff",
      cookies: { ut_session: cookie?.value as string },
      headers: { "x-usertrail-csrf": "1" },
      payload: {},
    });
    expect(ok.statusCode).toBe(400);
  });

  it("login guessing is limited per account even when the email is dressed up or the address spoofed", async () => {
    const variants = [
      "victim@example.com",
      " victim@example.com",
      "VICTIM@example.com ",
      "\tVictim@Example.com",
    ];
    const codes: number[] = [];
    for (let i = 0; i < LOGIN_LIMIT + 3; i++) {
      const res = await s.app.inject({
        method: "POST",
        url: "/api/auth/login",
        headers: { "x-forwarded-for": `203.0.113.${i}` },
        payload: { email: variants[i % variants.length], password: `guess-${i}` },
      });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, LOGIN_LIMIT).every((c) => c === 401)).toBe(true);
    expect(codes.slice(LOGIN_LIMIT)).toEqual([429, 429, 429]);
  });

  it("filter and search strings cannot change the SQL", async () => {
    await s.ingest([
      { user_id: "sql-victim", event_type: "LOGIN", message: "secret of victim", severity: "info" },
      { user_id: "sql-other", event_type: "LOGIN", message: "other", severity: "info" },
    ]);
    const payloads = [
      "' OR '1'='1",
      "x' UNION SELECT * FROM accounts --",
      "'; DROP TABLE user_activity_logs; --",
      "%' OR 1=1 --",
      "\\'; SELECT pg_sleep(5); --",
      "$1",
      "sql-victim' --",
    ];
    for (const p of payloads) {
      const e = encodeURIComponent(p);
      const logs = await s.as(admin, { url: `/api/tripwire/debug/user-logs/sql-other?q=${e}` });
      expect(logs.statusCode, p).toBe(200);
      expect(logs.json().logs, p).toEqual([]);
      const byId = await s.as(admin, { url: `/api/tripwire/debug/user-logs/${e}` });
      expect([200, 400], p).toContain(byId.statusCode);
      if (byId.statusCode === 200) expect(byId.json().logs, p).toEqual([]);
      const stats = await s.as(admin, { url: `/api/tripwire/debug/user-stats/${e}` });
      if (stats.statusCode === 200) expect(stats.json().total_events, p).toBe(0);
      for (const param of ["eventType", "severity", "category", "startDate", "cursor"]) {
        const res = await s.as(admin, { url: `/api/tripwire/debug/user-logs/sql-other?${param}=${e}` });
        expect(res.statusCode, `${param}=${p}`).toBe(400);
      }
    }
    const still = await s.as(admin, { url: "/api/tripwire/debug/user-logs/sql-victim?eventType=LOGIN" });
    expect(still.json().logs.map((l: { message: string }) => l.message)).toEqual(["secret of victim"]);
  });

  it("never writes a password, key or token to the log or into an API answer", async () => {
    const answers: string[] = [];
    const keep = (r: { body: string; headers: Record<string, unknown> }) => {
      answers.push(r.body);
      return r;
    };
    keep(
      await s.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: ADMIN.email, password: SECRETS.wrongPassword },
      }),
    );
    const login = await s.app.inject({ method: "POST", url: "/api/auth/login", payload: ADMIN });
    const token = login.json().token as string;
    keep(
      await s.as(token, {
        method: "POST",
        url: "/api/staff",
        payload: {
          email: "sales2@example.com",
          password: SECRETS.newStaffPassword,
          name: "Sales",
          role: "sales",
        },
      }),
    );
    keep(await s.as(token, { url: "/api/staff" }));
    keep(await s.as(token, { url: "/api/auth/me" }));
    keep(await s.as(token, { url: "/api/tripwire/debug/user-logs/sql-victim" }));
    keep(await s.as(token, { url: "/api/overview" }));
    keep(
      await s.app.inject({
        method: "POST",
        url: `/api/events?key=${PUBLIC_KEY}`,
        payload: { events: [{ user_id: "logged", event_type: "LOGIN", message: "m" }] },
      }),
    );
    keep(
      await s.app.inject({
        method: "POST",
        url: "/api/tripwire/debug/client-error",
        headers: { "x-usertrail-key": PUBLIC_KEY },
        payload: { message: "boom", user_id: "logged" },
      }),
    );
    keep(
      await s
        .ingest([{ user_id: "logged", event_type: "LOGIN", message: "m" }])
        .then((r) => ({ body: JSON.stringify(r.body), headers: {} })),
    );
    keep(
      await s.app.inject({
        method: "GET",
        url: "/api/tripwire/debug/search-users?q=abc",
        cookies: { ut_session: token },
      }),
    );
    keep(
      await s.app.inject({
        method: "POST",
        url: "/api/auth/logout",
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    // A 500 inside a request must not spill secrets either.
    keep(
      await s.as(admin, { url: "/api/tripwire/debug/user-logs/x?startDate=2025-01-01&endDate=2025-01-02" }),
    );
    expect(log.length).toBeGreaterThan(1000); // the logger did run, at trace level
    const allSecrets = { ...SECRETS, sessionToken: token, adminToken: admin };
    for (const [name, secret] of Object.entries(allSecrets)) {
      expect(log.includes(secret), `${name} in the log`).toBe(false);
    }
    const others = { ...SECRETS, adminToken: admin, studentToken: student };
    for (const [name, secret] of Object.entries(others)) {
      expect(
        answers.some((a) => a.includes(secret)),
        `${name} in an API answer`,
      ).toBe(false);
    }
    expect(answers.join("\n")).not.toMatch(/password_hash|\$argon2|\$scrypt|token_hash/);
  });
});
