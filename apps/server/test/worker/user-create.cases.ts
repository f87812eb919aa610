import { createAccount, createSession, listJobs } from "@usertrail/store";
import { expect, it } from "vitest";
import { hashPassword } from "../../src/auth/passwords.ts";
import type { WorkerTestContext } from "./context.ts";
import { eventually, startSmtp } from "./smtp.ts";

type Log = { event_type: string; metadata: Record<string, unknown>; message: string };

/** POST /api/tripwire/users end to end: route, job, worker, welcome mail, USER_CREATED. */
export function userCreationCases(w: WorkerTestContext) {
  const create = (token: string, payload: unknown) =>
    w.s.as(token, { method: "POST", url: "/api/tripwire/users", payload: payload as object });
  const logsOf = async (id: string): Promise<Log[]> =>
    (await w.s.as(w.admin, { url: `/api/tripwire/debug/user-logs/${encodeURIComponent(id)}` })).json().logs;
  const userCreated = (id: string) =>
    eventually(async () => (await logsOf(id)).find((l) => l.event_type === "USER_CREATED"), "USER_CREATED");

  it("with SMTP down: creates the user anyway (email_sent false), records the retry, delivers once SMTP is up", async () => {
    const res = await create(w.sales, { full_name: "Dora Down", email: "dora@example.com" });
    expect(res.statusCode).toBe(202);
    const { id } = res.json();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const created = await userCreated(id);
    expect(created.metadata).toMatchObject({
      email: "dora@example.com",
      email_sent: false,
      email_retry: true,
    });
    expect(String(created.metadata.email_error)).toMatch(/ECONNREFUSED|connect/i);
    const user = await w.s.as(w.sales, { url: `/api/tripwire/debug/user/${id}` });
    expect(user.json().user).toMatchObject({ id, full_name: "Dora Down", email: "dora@example.com" });

    // The retry is on record: the job failed at least once more, with the reason, and waits to run again.
    const retried = await eventually(async () => {
      const [job] = await listJobs(w.s.app.usertrail.store.db, "user.welcome-mail");
      return job && job.attempts >= 1 && job.last_error ? job : undefined;
    }, "a failed retry");
    expect(retried.payload).toMatchObject({ user_id: id, email: "dora@example.com" });
    expect(retried.last_error).toMatch(/ECONNREFUSED|connect/i);

    w.smtp = await startSmtp(w.smtpPort);
    const [mail] = await w.smtp.waitFor(1);
    expect(mail?.to).toEqual(["dora@example.com"]);
    expect(mail?.text).toContain("Hello Dora Down");
    const sent = await eventually(
      async () => (await logsOf(id)).find((l) => l.event_type === "WELCOME_EMAIL_SENT"),
      "WELCOME_EMAIL_SENT",
    );
    expect(sent.metadata).toMatchObject({ email: "dora@example.com", retried: true });
    expect(Number(sent.metadata.attempts)).toBeGreaterThanOrEqual(2);
    const [done] = await listJobs(w.s.app.usertrail.store.db, "user.welcome-mail");
    expect(done?.state).toBe("done");
    // Exactly one user and one USER_CREATED, whatever the mail did.
    expect((await logsOf(id)).filter((l) => l.event_type === "USER_CREATED")).toHaveLength(1);
    expect(w.smtp.mails).toHaveLength(1);
  });

  it("as a sales account: 202, the user is made, the welcome mail arrives, USER_CREATED has every field", async () => {
    const mailsBefore = w.smtp?.mails.length ?? 0;
    const res = await create(w.sales, {
      full_name: "Anna Petrova",
      email: "Anna.Petrova@example.com",
      phone: "+7 (701) 123-45-67",
    });
    expect(res.statusCode).toBe(202);
    const { id } = res.json();
    const created = await userCreated(id);
    expect(created.message).toBe("User created by Sam Sales");
    expect(created.metadata).toMatchObject({
      full_name: "Anna Petrova",
      email: "Anna.Petrova@example.com",
      created_by: w.salesId,
      manager_name: "Sam Sales",
      email_sent: true,
    });
    expect(created.metadata.duration_ms).toEqual(expect.any(Number));
    const mails = await w.smtp?.waitFor(mailsBefore + 1);
    const mail = mails?.[mailsBefore];
    expect(mail?.to).toEqual(["Anna.Petrova@example.com"]);
    expect(mail?.subject).toBe("Welcome, Anna Petrova");
    expect(mail?.text).toContain("Hello Anna Petrova");
    expect(mail?.text).toContain("created by Sam Sales");
    const found = await w.s.as(w.sales, { url: "/api/tripwire/debug/search-users?q=7011234567" });
    expect(found.json().users.map((u: { id: string }) => u.id)).toContain(id);
  });

  it("answers 409 for an email a user already has (any case), and for two requests racing for one email", async () => {
    const dup = await create(w.admin, { full_name: "Someone Else", email: "anna.petrova@EXAMPLE.com" });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatch(/A user with the email anna\.petrova@EXAMPLE\.com already exists/);

    const racing = await Promise.all(
      [1, 2, 3].map(() => create(w.sales, { full_name: "Racer", email: "racer@example.com" })),
    );
    const codes = racing.map((r) => r.statusCode).sort();
    expect(codes).toEqual([202, 409, 409]);
    const winner = racing.find((r) => r.statusCode === 202)?.json().id as string;
    await userCreated(winner);
    const users = await w.s.as(w.admin, { url: "/api/tripwire/debug/search-users?q=racer@example.com" });
    expect(users.json().users).toHaveLength(1);
  });

  it("refuses hostile input with clear 400s and queues nothing", async () => {
    const jobsBefore = (await listJobs(w.s.app.usertrail.store.db, "user.create")).length;
    const cases: [unknown, RegExp][] = [
      [{ email: "a@example.com" }, /full_name must be text/],
      [{ full_name: "", email: "a@example.com" }, /full_name must not be empty/],
      [{ full_name: "   ", email: "a@example.com" }, /full_name must not be empty/],
      [{ full_name: "x".repeat(10_240), email: "a@example.com" }, /full_name is longer than 200/],
      [{ full_name: "Anna\u0000Evil", email: "a@example.com" }, /control characters/],
      [{ full_name: "Anna\r\nBcc: x@evil.com", email: "a@example.com" }, /control characters/],
      [{ full_name: "Anna", email: "not-an-email" }, /email is not a valid email address/],
      [{ full_name: "Anna", email: "a\u0000@example.com" }, /email is not a valid email address/],
      [{ full_name: "Anna", email: `${"a".repeat(400)}@example.com` }, /email is longer than 320/],
      [{ full_name: "Anna" }, /email must be text/],
      [{ full_name: 42, email: "a@example.com" }, /full_name must be text/],
      [{ full_name: ["Anna"], email: "a@example.com" }, /full_name must be text/],
      [{ full_name: "Anna", email: { $ne: 1 } }, /email must be text/],
      [{ full_name: "Anna", email: "a@example.com", phone: 7001234567 }, /phone must be text/],
      [{ full_name: "Anna", email: "a@example.com", phone: "call me" }, /phone may hold only digits/],
      [[1, 2, 3], /the body must be a JSON object/],
      ["just a string", /the body must be a JSON object/],
      [null, /the body must be a JSON object/],
    ];
    for (const [payload, error] of cases) {
      const res = await w.s.as(w.sales, {
        method: "POST",
        url: "/api/tripwire/users",
        headers: { "content-type": "application/json" },
        payload: JSON.stringify(payload),
      });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(res.json().error).toMatch(error);
    }
    const broken = await w.s.as(w.sales, {
      method: "POST",
      url: "/api/tripwire/users",
      headers: { "content-type": "application/json" },
      payload: '{"full_name": "Anna", "email": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toEqual(expect.any(String));
    expect((await listJobs(w.s.app.usertrail.store.db, "user.create")).length).toBe(jobsBefore);
  });

  it("lets only admin and sales create users; cookie writes need the CSRF header", async () => {
    const payload = { full_name: "Nobody", email: "nobody@example.com" };
    const anonymous = await w.s.app.inject({ method: "POST", url: "/api/tripwire/users", payload });
    expect(anonymous.statusCode).toBe(401);
    const db = w.s.app.usertrail.store.db;
    const account = await createAccount(db, {
      email: "stu@example.com",
      name: "Stu",
      role: "student",
      passwordHash: await hashPassword("student pass 1"),
    });
    const student = await createSession(db, account?.id ?? "", 60_000);
    expect((await create(student, payload)).statusCode).toBe(403);
    const noCsrf = await w.s.app.inject({
      method: "POST",
      url: "/api/tripwire/users",
      cookies: { ut_session: w.sales },
      payload,
    });
    expect(noCsrf.statusCode).toBe(403);
    const withCsrf = await w.s.app.inject({
      method: "POST",
      url: "/api/tripwire/users",
      cookies: { ut_session: w.sales },
      headers: { "x-usertrail-csrf": "1" },
      payload,
    });
    expect(withCsrf.statusCode).toBe(202);
  });
}
