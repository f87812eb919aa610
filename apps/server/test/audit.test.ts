import { asStaff, createSession, findAccountForLogin } from "@usertrail/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, PUBLIC_KEY, startTestServer, type TestServer } from "./helpers.ts";

const SECRET = { email: "erase.me@example.com", name: "Erika Secret", phone: "+7 701 555 00 11" };

describe.each(DATABASE_KINDS)("erasure and the access audit on %s", (kind) => {
  let s: TestServer;
  let admin: string;
  let sales: string;
  let student: string;
  const count = async (sql: string, params: unknown[]) =>
    Number((await s.app.usertrail.store.db.query<{ n: number }>(sql, params))[0]?.n);

  beforeAll(async () => {
    s = await startTestServer(kind);
    admin = await s.login();
    for (const role of ["sales", "student"]) {
      await s.as(admin, {
        method: "POST",
        url: "/api/staff",
        payload: {
          email: `${role}@example.com`,
          password: "long enough password",
          name: `${role} person`,
          role,
        },
      });
    }
    sales = await s.login("sales@example.com", "long enough password");
    const db = s.app.usertrail.store.db;
    student = await createSession(
      db,
      (await findAccountForLogin(db, "student@example.com"))?.id ?? "",
      60_000,
    );
    const res = await s.ingest([
      {
        user_id: "gone-1",
        user: { email: SECRET.email, full_name: SECRET.name, phone: SECRET.phone },
        event_type: "LOGIN",
        message: "Logged in with a secret",
      },
      { user_id: "gone-1", event_type: "API_ERROR", message: "Payment failed", severity: "critical" },
      { user_id: "kept-1", user: { email: "kept@example.com" }, event_type: "LOGIN", message: "stays" },
    ]);
    expect(res.body.stored).toBe(3);
    // Browser errors: one names the user by id, one only by email (as the seed's client-error does).
    for (const payload of [
      { message: "TypeError in player", user_id: "gone-1" },
      { message: "ReferenceError by email", user_email: SECRET.email.toUpperCase() },
      { message: "Someone else's error", user_id: "kept-1" },
    ]) {
      const r = await s.app.inject({
        method: "POST",
        url: "/api/tripwire/debug/client-error",
        headers: { "x-usertrail-key": PUBLIC_KEY },
        payload,
      });
      expect(r.statusCode).toBe(202);
    }
  });
  afterAll(async () => s?.close());

  it("records every staff look at a user's data, readable by admins only, newest first with paging", async () => {
    for (const url of [
      "/api/tripwire/debug/user-logs/kept-1",
      "/api/tripwire/debug/user-logs/kept-1?cursor=",
      "/api/tripwire/debug/user-stats/kept-1",
      "/api/tripwire/debug/user/kept-1",
      "/api/tripwire/debug/user-logs/kept-1/export?format=json",
    ]) {
      expect((await s.as(sales, { method: "GET", url })).statusCode, url).toBe(200);
    }
    // A failed look (unknown user) shows nothing, so it is not recorded as one.
    expect((await s.as(sales, { method: "GET", url: "/api/tripwire/debug/user/nobody" })).statusCode).toBe(
      404,
    );
    expect((await s.as(sales, { method: "GET", url: "/api/audit" })).statusCode).toBe(403);
    expect((await s.as(student, { method: "GET", url: "/api/audit" })).statusCode).toBe(403);
    expect((await s.app.inject({ method: "GET", url: "/api/audit" })).statusCode).toBe(401);

    const res = await s.as(admin, { method: "GET", url: "/api/audit?userId=kept-1&action=view" });
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as {
      detail: string;
      actor: { email: string };
      at: string;
      id: number;
    }[];
    // Two pages of the same log within one batch are one look.
    expect(entries.map((e) => e.detail).sort()).toEqual(["export", "logs", "stats", "user"]);
    expect(entries.every((e) => e.actor.email === "sales@example.com")).toBe(true);
    expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a));
    expect((await s.as(admin, { method: "GET", url: "/api/audit?userId=nobody" })).json().entries).toEqual(
      [],
    );

    const first = (await s.as(admin, { method: "GET", url: "/api/audit?limit=2" })).json();
    expect(first.entries).toHaveLength(2);
    expect(first.next_cursor).toMatch(/^\d+$/);
    const second = (
      await s.as(admin, { method: "GET", url: `/api/audit?limit=2&cursor=${first.next_cursor}` })
    ).json();
    expect(second.entries[0].id).toBeLessThan(first.entries[1].id);

    for (const q of [
      "limit=0",
      "limit=1001",
      "limit=x",
      "cursor=abc",
      "cursor=-1",
      "action=delete",
      `userId=${"u".repeat(129)}`,
    ]) {
      expect((await s.as(admin, { method: "GET", url: `/api/audit?${q}` })).statusCode, q).toBe(400);
    }
  });

  it("lets only admins erase; sales, students, anonymous and cookie writes without CSRF are refused", async () => {
    const url = "/api/tripwire/users/gone-1";
    expect((await s.as(sales, { method: "DELETE", url })).statusCode).toBe(403);
    expect((await s.as(student, { method: "DELETE", url })).statusCode).toBe(403);
    expect((await s.app.inject({ method: "DELETE", url })).statusCode).toBe(401);
    const csrf = await s.app.inject({ method: "DELETE", url, headers: { cookie: `ut_session=${admin}` } });
    expect(csrf.statusCode).toBe(403);
    // Row-level security holds even for a route that forgot its check: sales deletes nothing.
    const deleted = await asStaff(s.app.usertrail.store.db, "sales", (tx) =>
      tx.query("DELETE FROM user_activity_logs WHERE user_id = 'gone-1' RETURNING id"),
    );
    expect(deleted).toEqual([]);
    expect(
      await count("SELECT count(*)::int AS n FROM user_activity_logs WHERE user_id = $1", ["gone-1"]),
    ).toBe(5);
  });

  it("erases the user, their events, counters and health rows in one go, and audits it without their data", async () => {
    const res = await s.app.inject({
      method: "DELETE",
      url: "/api/tripwire/users/gone-1",
      headers: { cookie: `ut_session=${admin}`, "x-usertrail-csrf": "1" },
    });
    expect(res.statusCode).toBe(200);
    // USER_CREATED, LOGIN, API_ERROR and both browser errors' CLIENT_ERROR events (the server
    // found the user behind the email).
    expect(res.json()).toEqual({
      erased: true,
      user_id: "gone-1",
      removed: { users: 1, events: 5, counters: 1, health: 2 },
    });
    for (const [table, column] of [
      ["users", "id"],
      ["user_activity_logs", "user_id"],
      ["user_stats", "user_id"],
      ["system_health_logs", "user_id"],
    ]) {
      expect(
        await count(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, ["gone-1"]),
        table,
      ).toBe(0);
    }
    expect(
      await count("SELECT count(*)::int AS n FROM system_health_logs WHERE metadata::text ILIKE $1", [
        `%${SECRET.email}%`,
      ]),
    ).toBe(0);
    expect((await s.as(admin, { method: "GET", url: "/api/tripwire/debug/user/gone-1" })).statusCode).toBe(
      404,
    );
    expect(
      (await s.as(admin, { method: "GET", url: "/api/tripwire/debug/user-logs/gone-1" })).json().logs,
    ).toEqual([]);
    const stats = await s.as(admin, { method: "GET", url: "/api/tripwire/debug/user-stats/gone-1" });
    expect(stats.json()).toMatchObject({ total_events: 0, errors: 0, critical: 0 });
    const search = await s.as(admin, { method: "GET", url: "/api/tripwire/debug/search-users?q=erase.me" });
    expect(search.json().users).toEqual([]);
    // The other user is untouched.
    expect(
      await count("SELECT count(*)::int AS n FROM user_activity_logs WHERE user_id = $1", ["kept-1"]),
    ).toBe(3);
    expect(
      await count("SELECT count(*)::int AS n FROM system_health_logs WHERE user_id = $1", ["kept-1"]),
    ).toBe(1);

    const audit = await s.as(admin, { method: "GET", url: "/api/audit?action=erase" });
    const [entry] = audit.json().entries;
    expect(entry).toMatchObject({
      action: "erase",
      user_id: "gone-1",
      actor: { email: "admin@example.com" },
    });
    expect(Date.now() - new Date(entry.at).getTime()).toBeLessThan(60_000);
    const everything = JSON.stringify(
      (await s.as(admin, { method: "GET", url: "/api/audit?limit=1000" })).json(),
    );
    for (const secret of [SECRET.email, SECRET.name, "7015550011", "secret", "Payment failed"]) {
      expect(everything.toLowerCase()).not.toContain(secret.toLowerCase());
    }
    // Erasing again finds nothing, and a hostile id is refused in words.
    expect((await s.as(admin, { method: "DELETE", url: "/api/tripwire/users/gone-1" })).statusCode).toBe(404);
    expect(
      (await s.as(admin, { method: "DELETE", url: `/api/tripwire/users/${"x".repeat(129)}` })).statusCode,
    ).toBe(400);
    expect(
      (await s.as(admin, { method: "DELETE", url: "/api/tripwire/users/%27%3B%20DROP%20TABLE%20users%3B--" }))
        .statusCode,
    ).toBe(404);
    expect(await count("SELECT count(*)::int AS n FROM users", [])).toBeGreaterThan(0);
  });
});
