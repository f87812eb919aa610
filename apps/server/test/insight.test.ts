import { createAccount, createSession } from "@usertrail/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../src/auth/passwords.ts";
import { DATABASE_KINDS, startTestServer, type TestServer } from "./helpers.ts";

const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

const stack = (fn: string, build: string) => `TypeError: Cannot read properties of null (reading 'play')
    at ${fn} (https://app.example.com/static/js/main.${build}.js:10:15)
    at https://app.example.com/node_modules/react-dom/index.js:1:1
    at loadLesson (https://app.example.com/static/js/lesson.${build}.js:44:7)`;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe.each(DATABASE_KINDS)("issues on %s", (kind) => {
  let s: TestServer;
  let admin: string;
  const get = (url: string) => s.as(admin, { url });

  beforeAll(async () => {
    s = await startTestServer(kind);
    admin = await s.login();
    const res = await s.ingest([
      {
        user_id: "u1",
        user: { email: "anna@example.com", full_name: "Anna" },
        event_type: "LOGIN",
        message: "Logged in",
        created_at: minutesAgo(30),
      },
      { user_id: "u1", event_type: "VIDEO_VIEW", message: "Lesson 3 video", created_at: minutesAgo(25) },
      {
        user_id: "u1",
        event_type: "CLIENT_ERROR",
        severity: "error",
        message: "TypeError: video 17 for anna@example.com is null",
        metadata: {
          stack: stack("Player.start", "3f2a9c1b"),
          userAgent: CHROME_UA,
          url: "https://app.example.com/lesson/3?t=1",
        },
        created_at: minutesAgo(20),
      },
      {
        user_id: "u2",
        event_type: "CLIENT_ERROR",
        severity: "error",
        message: "TypeError: video 99 for bob@example.com is null",
        metadata: { stack: stack("Player.start", "77aa01ff"), userAgent: FIREFOX_UA },
        created_at: minutesAgo(15),
      },
      {
        user_id: "u2",
        event_type: "CLIENT_ERROR",
        severity: "error",
        message: "TypeError: video 5 for bob@example.com is null",
        metadata: { stack: stack("Player.start", "77aa01ff"), userAgent: FIREFOX_UA },
        created_at: minutesAgo(14),
      },
      {
        user_id: "u3",
        event_type: "CLIENT_ERROR",
        severity: "error",
        message: "TypeError: video 5 for carl@example.com is null",
        metadata: { stack: stack("Quiz.render", "77aa01ff") },
        created_at: minutesAgo(10),
      },
      {
        user_id: "u3",
        event_type: "API_ERROR",
        severity: "warning",
        message: "HTTP 502 on /api/homework/7",
        created_at: minutesAgo(9),
      },
      {
        user_id: "u3",
        event_type: "LOGIN",
        message: "Logged in",
        severity: "info",
        created_at: minutesAgo(8),
      },
    ]);
    expect(res.body).toMatchObject({ stored: 8 });
  });
  afterAll(() => s?.close());

  const playerIssue = async () => {
    const list = (await get("/api/issues?sort=count")).json().issues;
    return list.find((i: { title: string; count: number }) => i.count === 3);
  };

  it("groups one error across users and ids, and splits a different stack", async () => {
    const res = await get("/api/issues");
    expect(res.statusCode).toBe(200);
    const issues = res.json().issues as { title: string; count: number; users: number; status: string }[];
    expect(issues).toHaveLength(3);
    const player = await playerIssue();
    expect(player).toMatchObject({
      title: "TypeError: video <n> for <email> is null",
      count: 3,
      users: 2,
      status: "open",
    });
    expect(player.fingerprint).toContain("Player.start (js/main.js)");
    const quiz = issues.find((i) => i.count === 1 && i.title.startsWith("TypeError"));
    expect(quiz).toMatchObject({ users: 1 });
    // A warning-level API_ERROR is grouped too (its type names it).
    expect(issues.some((i) => i.title === "API_ERROR: HTTP <n> on /api/homework/<n>")).toBe(true);
  });

  it("links each error in a user's log to its group; other events carry no group", async () => {
    const player = await playerIssue();
    const logs = (await get("/api/tripwire/debug/user-logs/u2")).json().logs as {
      event_type: string;
      issue_id: string | null;
    }[];
    const errors = logs.filter((l) => l.event_type === "CLIENT_ERROR");
    expect(errors.map((l) => l.issue_id)).toEqual([player.id, player.id]);
    expect(logs.find((l) => l.event_type === "USER_CREATED")?.issue_id).toBeNull();
    const mine = (await get("/api/issues?userId=u3")).json().issues;
    expect(mine).toHaveLength(2);
  });

  it("counts a retried duplicate once", async () => {
    const event = {
      event_id: "6f1c2b1e-0d8a-4b7e-9a51-2f0c6a9d1e11",
      user_id: "u4",
      event_type: "API_ERROR",
      severity: "error",
      message: "Payment 3 failed",
      created_at: minutesAgo(5),
    };
    await s.ingest([event, event]);
    await s.ingest([event]);
    const issue = (await get("/api/issues"))
      .json()
      .issues.find((i: { title: string }) => i.title === "API_ERROR: Payment <n> failed");
    expect(issue).toMatchObject({ count: 1, users: 1 });
  });

  it("shows detail with users; resolving hides it and a new occurrence reopens it", async () => {
    const player = await playerIssue();
    const detail = await get(`/api/issues/${player.id}`);
    expect(detail.statusCode).toBe(200);
    expect(
      detail
        .json()
        .users.map((u: { id: string }) => u.id)
        .sort(),
    ).toEqual(["u1", "u2"]);
    expect(detail.json().users.find((u: { id: string }) => u.id === "u1")).toMatchObject({
      email: "anna@example.com",
      count: 1,
    });

    const patch = await s.as(admin, {
      method: "PATCH",
      url: `/api/issues/${player.id}`,
      payload: { status: "resolved" },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json().issue.status).toBe("resolved");
    expect(
      (await get("/api/issues?status=open")).json().issues.some((i: { id: string }) => i.id === player.id),
    ).toBe(false);
    expect((await get("/api/issues?status=resolved")).json().issues.map((i: { id: string }) => i.id)).toEqual(
      [player.id],
    );

    await new Promise((r) => setTimeout(r, 20));
    await s.ingest([
      {
        user_id: "u5",
        event_type: "CLIENT_ERROR",
        severity: "critical",
        message: "TypeError: video 1234 for eve@example.com is null",
        metadata: { stack: stack("Player.start", "0badc0de") },
      },
    ]);
    const after = (await get(`/api/issues/${player.id}`)).json().issue;
    expect(after).toMatchObject({ status: "open", count: 4, users: 3 });

    await s.as(admin, { method: "PATCH", url: `/api/issues/${player.id}`, payload: { status: "ignored" } });
    await s.ingest([
      {
        user_id: "u5",
        event_type: "CLIENT_ERROR",
        severity: "error",
        message: "TypeError: video 1 for eve@example.com is null",
        metadata: { stack: stack("Player.start", "0badc0de") },
      },
    ]);
    expect((await get(`/api/issues/${player.id}`)).json().issue).toMatchObject({
      status: "ignored",
      count: 5,
      users: 3,
    });
  });

  it("writes a Markdown bug report with counts, browsers, OS, stack and the user's timeline", async () => {
    const player = await playerIssue().then(
      async (p) => p ?? (await get("/api/issues?status=ignored")).json().issues[0],
    );
    const res = await get(`/api/issues/${player.id}/report?userId=u1`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/markdown");
    const md = res.body;
    expect(md).toContain("# TypeError: video &lt;n&gt; for &lt;email&gt; is null");
    expect(md).toMatch(/\*\*Occurrences:\*\* \d+/);
    expect(md).toContain("**Users affected:** 3");
    expect(md).toContain("| Chrome 131 | 1 |");
    expect(md).toContain("| Firefox 133 | 2 |");
    expect(md).toContain("| Windows 10/11 | 1 |");
    expect(md).toContain("| Linux | 2 |");
    expect(md).toContain("at Player.start (https://app.example.com/static/js/main.");
    expect(md).toContain("## What the user did before it broke");
    const timeline = md.slice(md.indexOf("## What the user did"));
    const order = ["USER_CREATED", "LOGIN", "VIDEO_VIEW", "CLIENT_ERROR"].map((t) =>
      timeline.indexOf(`| ${t} |`),
    );
    expect(order.every((p, i) => p > 0 && (i === 0 || p > (order[i - 1] as number)))).toBe(true);
    expect(timeline).toContain("this error");
    expect(timeline).toContain("Anna, anna@example.com");
  });

  it("answers 400/404 for hostile input and keeps students out", async () => {
    for (const url of [
      "/api/issues?status=deleted",
      "/api/issues?sort=id;DROP TABLE issues",
      "/api/issues?limit=0",
      "/api/issues?limit=1e3",
      "/api/issues?offset=-1",
      `/api/issues?userId=${"x".repeat(200)}`,
      `/api/issues/${"a".repeat(100)}`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error).toBeTypeOf("string");
    }
    expect((await get("/api/issues/nope")).statusCode).toBe(404);
    expect((await get("/api/issues/nope/report")).statusCode).toBe(404);
    const player = (await get("/api/issues?status=all&sort=count")).json().issues[0];
    for (const body of [
      { status: "closed" },
      {},
      "resolved",
      { status: ["open"] },
      null,
      { status: "open", x: 1 },
    ]) {
      const res = await s.as(admin, {
        method: "PATCH",
        url: `/api/issues/${player.id}`,
        headers: { "content-type": "application/json" },
        payload: JSON.stringify(body),
      });
      expect(res.statusCode).toBe(400);
    }
    expect((await s.app.inject({ url: "/api/issues" })).statusCode).toBe(401);
    const cookieWrite = await s.app.inject({
      method: "PATCH",
      url: `/api/issues/${player.id}`,
      cookies: { ut_session: admin },
      payload: { status: "open" },
    });
    expect(cookieWrite.statusCode).toBe(403);
  });

  it("refuses every insight route to anonymous callers and students", async () => {
    const student = await createAccount(s.app.usertrail.store.db, {
      email: "student-insight@example.com",
      name: "Student",
      role: "student",
      passwordHash: await hashPassword("student-password"),
    });
    const studentToken = await createSession(s.app.usertrail.store.db, student?.id ?? "", 60_000);
    const player = (await get("/api/issues?status=open")).json().issues[0];
    const routes = [
      ["GET", "/api/issues"],
      ["GET", `/api/issues/${player.id}`],
      ["PATCH", `/api/issues/${player.id}`],
      ["GET", `/api/issues/${player.id}/report`],
      ["GET", "/api/anomalies"],
      ["GET", "/api/analytics/user/u1"],
      ["GET", "/api/analytics/daily-active"],
      ["GET", "/api/analytics/funnel"],
      ["GET", "/api/analytics/stalled"],
    ] as const;
    for (const [method, url] of routes) {
      const payload = method === "PATCH" ? { status: "resolved" } : undefined;
      expect((await s.app.inject({ method, url, payload })).statusCode, url).toBe(401);
      expect((await s.as(studentToken, { method, url, payload })).statusCode, url).toBe(403);
    }
    expect((await get(`/api/issues/${player.id}`)).json().issue.status).toBe(player.status);
  });

  it("row-level security hides issues from a non-staff role even without the route's check", async () => {
    const { asStaff } = await import("@usertrail/store");
    const db = s.app.usertrail.store.db;
    expect(await asStaff(db, "student", (tx) => tx.query("SELECT * FROM issues"))).toEqual([]);
    expect(await asStaff(db, "student", (tx) => tx.query("SELECT * FROM issue_users"))).toEqual([]);
    expect(
      await asStaff(db, "student", (tx) => tx.query("UPDATE issues SET status = 'ignored' RETURNING id")),
    ).toEqual([]);
    expect((await asStaff(db, "sales", (tx) => tx.query("SELECT id FROM issues"))).length).toBeGreaterThan(0);
  });

  describe("behaviour analytics", () => {
    // A planted week in June 2025, far from the other tests' events.
    const at = (day: number, hour: number) => `2025-06-0${day}T${String(hour).padStart(2, "0")}:00:00Z`;
    const ev = (user_id: string, event_type: string, day: number, hour: number, extra = {}) => ({
      user_id,
      event_type,
      message: event_type.toLowerCase(),
      created_at: at(day, hour),
      ...extra,
    });
    const PERIOD = "from=2025-06-01&to=2025-06-07T23:59:59Z";

    beforeAll(async () => {
      const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
      const res = await s.ingest([
        ev("f1", "LOGIN", 1, 10, { user: { email: "f1@example.com", full_name: "Finn One" } }),
        ev("f1", "VIDEO_VIEW", 1, 11),
        ev("f1", "HOMEWORK_SUBMIT", 2, 10),
        ev("f1", "LESSON_COMPLETE", 3, 10),
        ev("f2", "LOGIN", 1, 12),
        ev("f2", "VIDEO_VIEW", 2, 9),
        ev("f2", "HOMEWORK_SUBMIT", 2, 11),
        ev("f3", "LOGIN", 2, 8, { user: { email: "f3@example.com", phone: "+7 701 000 00 03" } }),
        ev("f3", "VIDEO_VIEW", 2, 9),
        ev("f3", "CLIENT_ERROR", 2, 10, { severity: "error", message: "TypeError: upload 5 failed" }),
        ev("f4", "LOGIN", 3, 9),
        ev("f4", "LESSON_COMPLETE", 4, 9),
        ev("f5", "VIDEO_VIEW", 5, 9),
        // An error followed by more activity is not a stop; a recent error is not one yet.
        ev("f7", "CLIENT_ERROR", 5, 9, { severity: "error" }),
        ...[10, 11, 12, 13, 14].map((h) => ev("f7", "VIDEO_VIEW", 5, h)),
        {
          user_id: "f8",
          event_type: "API_ERROR",
          severity: "error",
          message: "HTTP 500",
          created_at: days(2),
        },
      ]);
      expect(res.body).toMatchObject({ rejected: 0 });
    });

    it("computes the funnel: each step needs every earlier one within the period", async () => {
      const res = await get(`/api/analytics/funnel?${PERIOD}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().steps).toEqual([
        { event_type: "USER_CREATED", users: 6, conversion: 100, conversion_from_start: 100 },
        { event_type: "LOGIN", users: 4, conversion: 66.67, conversion_from_start: 66.67 },
        { event_type: "VIDEO_VIEW", users: 3, conversion: 75, conversion_from_start: 50 },
        { event_type: "HOMEWORK_SUBMIT", users: 2, conversion: 66.67, conversion_from_start: 33.33 },
        { event_type: "LESSON_COMPLETE", users: 1, conversion: 50, conversion_from_start: 16.67 },
      ]);
      const custom = await get(`/api/analytics/funnel?${PERIOD}&steps=VIDEO_VIEW,LESSON_COMPLETE`);
      expect(custom.json().steps.map((st: { users: number }) => st.users)).toEqual([5, 1]);
      const empty = await get("/api/analytics/funnel?from=2024-01-01&to=2024-01-02");
      expect(empty.json().steps[1]).toMatchObject({ users: 0, conversion: 0 });
    });

    it("counts daily active students, and one student's behaviour", async () => {
      const res = await get(`/api/analytics/daily-active?${PERIOD}`);
      expect(res.json().days.map((d: { users: number }) => d.users)).toEqual([2, 3, 2, 1, 2, 0, 0]);
      const user = await get("/api/analytics/user/f1?from=2025-06-01&to=2025-06-03T23:59:59Z");
      expect(user.statusCode).toBe(200);
      const body = user.json();
      expect(body.totals).toMatchObject({
        lessons_completed: 1,
        videos_viewed: 1,
        homework_submitted: 1,
        logins: 1,
        errors: 0,
      });
      expect(body.last_seen).toBe("2025-06-03T10:00:00.000Z");
      // USER_CREATED sorts just before the first event, so day one holds three events.
      expect(body.activity.map((d: { events: number }) => d.events)).toEqual([3, 1, 1]);
      expect((await get("/api/analytics/user/nobody")).statusCode).toBe(404);
    });

    it("lists students who stopped after an error", async () => {
      const stalled = (await get("/api/analytics/stalled?days=3")).json();
      expect(stalled.students.map((u: { id: string }) => u.id)).toEqual(["f3"]);
      expect(stalled.students[0]).toMatchObject({
        email: "f3@example.com",
        phone: "+7 701 000 00 03",
        last_error: { event_type: "CLIENT_ERROR", message: "TypeError: upload 5 failed" },
      });
      expect(stalled.students[0].last_error.issue_id).toMatch(/^[0-9a-f]{20}$/);
      expect(stalled.students[0].days_inactive).toBeGreaterThan(100);
      const recent = (await get("/api/analytics/stalled?days=1")).json();
      expect(recent.students.map((u: { id: string }) => u.id)).toEqual(["f8", "f3"]);
    });

    it("answers 400 to hostile analytics queries", async () => {
      for (const url of [
        "/api/analytics/funnel?from=yesterday",
        "/api/analytics/funnel?from=2025-06-07&to=2025-06-01",
        "/api/analytics/funnel?from=2000-01-01&to=2025-01-01",
        "/api/analytics/funnel?steps=LOGIN,login",
        "/api/analytics/funnel?steps=LOGIN,LOGIN",
        `/api/analytics/funnel?steps=${Array.from({ length: 11 }, (_, i) => `S${i}`).join(",")}`,
        "/api/analytics/funnel?steps=A');DROP TABLE users;--",
        "/api/analytics/daily-active?to=2025-13-45",
        `/api/analytics/daily-active?from=${"9".repeat(100)}`,
        "/api/analytics/stalled?days=0",
        "/api/analytics/stalled?days=3.5",
        "/api/analytics/stalled?days=-1",
        "/api/analytics/stalled?days=99999999999",
        "/api/analytics/stalled?limit=abc",
        `/api/analytics/user/${"u".repeat(200)}`,
        "/api/anomalies?hours=0",
        "/api/anomalies?hours=169",
        "/api/anomalies?hours=1;",
      ]) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(400);
        expect(res.json().error, url).toBeTypeOf("string");
      }
      for (const url of ["/api/analytics/funnel", "/api/analytics/stalled", "/api/anomalies"]) {
        expect((await s.app.inject({ url })).statusCode).toBe(401);
      }
    });
  });

  describe("anomalies", () => {
    const HOUR = 3_600_000;
    const hourStart = Math.floor(Date.now() / HOUR) * HOUR;
    const spikeHour = hourStart - 2 * HOUR;

    beforeAll(async () => {
      // Eight quiet days of 8-12 gateway errors an hour, then 80 in one hour two hours ago.
      const events: unknown[] = [];
      for (let h = 1; h <= 8 * 24; h++) {
        const t = hourStart - h * HOUR;
        const n = t === spikeHour ? 80 : 8 + (h % 5);
        for (let k = 0; k < n; k++) {
          events.push({
            user_id: `load-${k % 7}`,
            event_type: "API_ERROR",
            severity: "error",
            message: `Gateway timeout on /api/quiz/${k}`,
            created_at: new Date(t + k * 1000).toISOString(),
          });
        }
      }
      for (let i = 0; i < events.length; i += 1000) {
        expect((await s.ingest(events.slice(i, i + 1000))).body).toMatchObject({ rejected: 0 });
      }
    });

    it("flags the planted spike with its baseline, score and series", async () => {
      const res = await get("/api/anomalies?hours=24");
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const metrics = body.anomalies.map((a: { metric: string }) => a.metric);
      expect(metrics).toContain("errors");
      expect(metrics).toContain("errors:API_ERROR");
      expect(metrics.some((m: string) => m.startsWith("issue:"))).toBe(true);
      const overall = body.anomalies.find((a: { metric: string }) => a.metric === "errors");
      expect(overall).toMatchObject({ bucket: new Date(spikeHour).toISOString(), value: 80 });
      expect(overall.flags).toHaveLength(1);
      expect(overall.baseline).toBeGreaterThanOrEqual(8);
      expect(overall.baseline).toBeLessThanOrEqual(12);
      expect(overall.score).toBeGreaterThan(6);
      expect(overall.series.length).toBeGreaterThan(24);
      expect(overall.series.find((p: { t: string }) => p.t === overall.bucket)).toMatchObject({ value: 80 });
      const issue = body.anomalies.find((a: { metric: string }) => a.metric.startsWith("issue:"));
      expect(issue.label).toBe("Issue: API_ERROR: Gateway timeout on /api/quiz/<n>");
      // Outside the window asked for, the spike is not reported.
      const recent = (await get("/api/anomalies?hours=1")).json().anomalies as Array<{
        flags: { bucket: string }[];
      }>;
      expect(recent.flatMap((a) => a.flags).some((f) => f.bucket === overall.bucket)).toBe(false);
    });

    it("the scan alerts once per spike, and again for none", async () => {
      const { scanAnomalies } = await import("../src/insight/anomalies.ts");
      const sent: string[] = [];
      const notify = async (subject: string, text: string) => {
        sent.push(`${subject}\n${text}`);
      };
      const store = s.app.usertrail.store;
      const first = await scanAnomalies(store, { notify, publicUrl: "http://panel.example" });
      expect(first.alerted.map((a) => a.metric)).toContain("errors");
      expect(sent).toHaveLength(1);
      expect(sent[0]).toContain("All errors: 80 in the hour from");
      const again = await scanAnomalies(store, { notify });
      expect(again.alerted).toEqual([]);
      expect(sent).toHaveLength(1);
    });
  });
});
