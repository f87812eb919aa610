import { createSession, findAccountForLogin } from "@usertrail/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOG_ENTRY_KEYS } from "../../../packages/store/test/databases.ts";
import { DATABASE_KINDS, startTestServer, type TestServer } from "./helpers.ts";
import { openLive, refusedStatus } from "./live-client.ts";

const event = (userId: string, message: string, extra: Record<string, unknown> = {}) => ({
  event_id: crypto.randomUUID(),
  user_id: userId,
  event_type: "CLIENT_ERROR",
  message,
  severity: "error",
  ...extra,
});

describe.each(DATABASE_KINDS)("live updates over WebSocket on %s", (kind) => {
  let s: TestServer;
  let base: string;
  let admin: string;
  let sales: string;
  let student: string;

  beforeAll(async () => {
    s = await startTestServer(kind);
    await s.app.listen({ port: 0, host: "127.0.0.1" });
    const address = s.app.server.address() as { port: number };
    base = `ws://127.0.0.1:${address.port}/api/live`;
    admin = await s.login();
    for (const role of ["sales", "student"]) {
      const res = await s.as(admin, {
        method: "POST",
        url: "/api/staff",
        payload: { email: `${role}@example.com`, password: "long enough password", name: role, role },
      });
      expect(res.statusCode).toBe(201);
    }
    sales = await s.login("sales@example.com", "long enough password");
    // Students cannot log in; a session made directly stands for a stolen or leftover one.
    const db = s.app.usertrail.store.db;
    const account = await findAccountForLogin(db, "student@example.com");
    student = await createSession(db, account?.id ?? "", 60_000);
  });
  afterAll(async () => s?.close());

  it("refuses an upgrade without a staff session with 401 or 403 before it opens", async () => {
    expect(await refusedStatus(base)).toBe(401);
    expect(await refusedStatus(`${base}?token=not-a-real-token`)).toBe(401);
    expect(await refusedStatus(`${base}?token=${"x".repeat(5000)}`)).toBe(401);
    expect(await refusedStatus(base, { protocols: ["usertrail", "bearer.nope"] })).toBe(401);
    expect(await refusedStatus(`${base}?token=${student}`)).toBe(403);
    expect(await refusedStatus(base, { headers: { cookie: `ut_session=${student}` } })).toBe(403);
    // A logged-out token is refused too.
    const gone = await s.login("sales@example.com", "long enough password");
    await s.as(gone, { method: "POST", url: "/api/auth/logout" });
    expect(await refusedStatus(`${base}?token=${gone}`)).toBe(401);
  });

  it("refuses a cookie from another site's page, and hostile query values, before the upgrade", async () => {
    const origin = { cookie: `ut_session=${admin}`, origin: "https://evil.example" };
    expect(await refusedStatus(base, { headers: origin })).toBe(403);
    expect(await refusedStatus(`${base}?token=${admin}&after=abc`)).toBe(400);
    expect(await refusedStatus(`${base}?token=${admin}&after=-1`)).toBe(400);
    expect(await refusedStatus(`${base}?token=${admin}&after=99999999999999999999`)).toBe(400);
    expect(await refusedStatus(`${base}?token=${admin}&userId=${"u".repeat(129)}`)).toBe(400);
    expect(await refusedStatus(`${base}?token=${admin}&userId=`)).toBe(400);
    const plain = await s.app.inject({
      method: "GET",
      url: "/api/live",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(plain.statusCode).toBe(426);
    expect(plain.json().error).toMatch(/WebSocket/);
  });

  it("delivers an ingested event to staff subscribers within one second, filtered by user", async () => {
    const userId = `live-${kind}-1`;
    const mine = await openLive(`${base}?userId=${userId}&token=${admin}`);
    const all = await openLive(base, { protocols: ["usertrail", `bearer.${sales}`] });
    expect(all.ws.protocol).toBe("usertrail");
    const cookie = await openLive(`${base}?userId=${userId}`, {
      headers: {
        cookie: `ut_session=${admin}`,
        origin: base.replace("ws:", "http:").replace("/api/live", ""),
      },
    });
    const started = Date.now();
    const res = await s.ingest([event("someone-else", "not for this user"), event(userId, "boom =1+1")]);
    expect(res.body.stored).toBe(2);
    const got = await mine.waitFor((m) => m.message === "boom =1+1", 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(Object.keys(got).sort()).toEqual(LOG_ENTRY_KEYS);
    expect(got.user_id).toBe(userId);
    await all.waitFor((m) => m.message === "not for this user", 1000);
    await all.waitFor((m) => m.message === "boom =1+1", 1000);
    await cookie.waitFor((m) => m.message === "boom =1+1", 1000);
    // The user filter holds: the other user's entry never reaches this subscriber.
    await new Promise((r) => setTimeout(r, 200));
    expect(mine.messages.some((m) => m.message === "not for this user")).toBe(false);
    // USER_CREATED from a host-app upsert (not the ingest writer) arrives too.
    await s.app.inject({
      method: "PUT",
      url: `/api/users/${userId}-b`,
      headers: { authorization: "Bearer test-ingest-key-0123456789" },
      payload: { email: "b@example.com" },
    });
    await all.waitFor((m) => m.user_id === `${userId}-b` && m.event_type === "USER_CREATED", 3000);
    await Promise.all([mine.close(), all.close(), cookie.close()]);
  });

  it("replays what a reconnecting client missed after its last id, then goes live", async () => {
    const userId = `live-${kind}-2`;
    const first = await openLive(`${base}?userId=${userId}&token=${admin}`);
    await s.ingest([event(userId, "seen 1")]);
    const seen = await first.waitFor((m) => m.message === "seen 1");
    await first.close();
    await s.ingest([event(userId, "missed 1"), event("other", "other user's")]);
    await s.ingest([event(userId, "missed 2")]);
    const again = await openLive(`${base}?userId=${userId}&after=${seen.id}&token=${admin}`);
    const ready = again.messages.find((m) => m.type === "ready");
    expect(ready?.replayed).toBe(2);
    expect(again.messages.filter((m) => !m.type).map((m) => m.message)).toEqual(["missed 1", "missed 2"]);
    await s.ingest([event(userId, "live after replay")]);
    await again.waitFor((m) => m.message === "live after replay", 1000);
    expect(again.messages.filter((m) => m.message === "missed 1")).toHaveLength(1);
    await again.close();
  });

  it("records a staff subscription to one user in the access log", async () => {
    const c = await openLive(`${base}?userId=watched-live&token=${sales}`);
    await c.close();
    const audit = await s.as(admin, { method: "GET", url: "/api/audit?action=view&userId=watched-live" });
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.json().entries[0]).toMatchObject({ detail: "live", actor: { email: "sales@example.com" } });
  });
});
