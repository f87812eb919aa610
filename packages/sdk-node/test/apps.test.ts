// The Node SDK in real host apps (child processes) against a usertrail server on loopback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUsertrail, type Usertrail } from "../../sdk-core/test/support/usertrail.ts";
import { eventually, listening, run } from "./child.ts";

let ut: Usertrail;
let env: Record<string, string>;
beforeAll(async () => {
  ut = await startUsertrail();
  env = { USERTRAIL_URL: ut.endpoint, USERTRAIL_INGEST_KEY: ut.ingestKey, NODE_ENV: "production" };
});
afterAll(() => ut?.destroy());

describe("README snippet (Node)", () => {
  it("logs LOGIN and VIDEO_VIEW and delivers them before the process exits", async () => {
    const child = run("node-snippet.ts", env);
    expect(await child.exited, child.out()).toBe(0);
    // The server binds a new user to tracking with exactly one USER_CREATED.
    expect((await ut.logs("42")).filter((l) => l.event_type === "USER_CREATED")).toHaveLength(1);
    const logs = await ut.events("42");
    expect(logs.map((l) => l.event_type).sort()).toEqual(["LOGIN", "VIDEO_VIEW"]);
    expect(logs.find((l) => l.event_type === "LOGIN")).toMatchObject({
      event_category: "auth",
      message: "Signed in with a password",
    });
    expect(logs.find((l) => l.event_type === "VIDEO_VIEW")).toMatchObject({
      message: "Lesson 3 video",
      event_category: "content",
      metadata: { videoId: 3, lessonId: 3 },
    });
  }, 90_000);
});

describe("shutdown()", () => {
  it("loses nothing: 500 events logged, then shutdown, all 500 stored", async () => {
    const child = run("burst.ts", { ...env, TEST_USER_ID: "burst-user", COUNT: "500" });
    expect(await child.exited, child.out()).toBe(0);
    const report = JSON.parse(child.out().trim().split("\n").pop() as string);
    expect(report).toMatchObject({ delivered: true, stats: { queued: 0, sent: 500, dropped: {} } });
    const logs = await ut.events("burst-user");
    expect(logs).toHaveLength(500);
    expect(new Set(logs.map((l) => l.message)).size).toBe(500);
  }, 90_000);
});

for (const framework of ["fastify", "express"] as const) {
  describe(`API errors from a real ${framework} app`, () => {
    it("logs every 4xx and 5xx as API_ERROR for the signed-in user, and nothing for 2xx", async () => {
      const child = run(`${framework}-app.ts`, env);
      const port = await listening(child);
      const base = `http://127.0.0.1:${port}`;
      const user = `${framework}-user`;
      const as = { "x-user-id": user, "user-agent": "sdk-test/1.0" };
      expect((await fetch(`${base}/ok`, { headers: as })).status).toBe(200);
      expect((await fetch(`${base}/lessons/7`, { headers: as })).status).toBe(404);
      expect((await fetch(`${base}/homework`, { method: "POST", headers: as })).status).toBe(500);
      expect((await fetch(`${base}/reset?token=s3cr3t-link`, { headers: as })).status).toBe(400);
      expect((await fetch(`${base}/no/such/route`, { headers: as })).status).toBe(404);
      // A signed-out caller's error has no user to belong to and is only counted.
      expect((await fetch(`${base}/lessons/8`)).status).toBe(404);
      child.proc.kill("SIGTERM");
      expect(await child.exited, child.out()).toBe(0);

      const logs = await ut.events(user);
      expect(logs.every((l) => l.event_type === "API_ERROR" && l.event_category === "error")).toBe(true);
      const by = (url: string) => logs.find((l) => l.metadata.url === url);
      expect(logs.map((l) => l.metadata.statusCode).sort()).toEqual([400, 404, 404, 500]);

      const notFound = by("/lessons/7");
      expect(notFound).toMatchObject({
        severity: "warning",
        message: "GET /lessons/7 failed with 404",
        metadata: {
          method: "GET",
          statusCode: 404,
          route: "/lessons/:id",
          userAgent: "sdk-test/1.0",
          ip: "127.0.0.1",
        },
      });
      expect(notFound?.metadata.response).toContain("Lesson 7 not found");

      const boom = by("/homework");
      expect(boom).toMatchObject({ severity: "error", metadata: { method: "POST", statusCode: 500 } });
      expect(String(boom?.metadata.response).length).toBeGreaterThan(0);
      expect(String(boom?.metadata.response).length).toBeLessThanOrEqual(500);
      if (framework === "fastify") expect(boom?.message).toContain("database exploded");

      // Secrets in the URL are scrubbed before they leave the app.
      const reset = logs.find((l) => String(l.metadata.url).startsWith("/reset"));
      expect(reset?.metadata.url).toBe("/reset?token=[Filtered]");
      expect(JSON.stringify(logs)).not.toContain("s3cr3t-link");
      expect(by("/no/such/route")?.metadata.statusCode).toBe(404);
      expect(await ut.events("undefined")).toEqual([]);
    }, 90_000);
  });
}

describe("a script that never calls shutdown()", () => {
  it("still delivers what it logged when the process ends on its own", async () => {
    const child = run("burst.ts", { ...env, TEST_USER_ID: "exit-user", COUNT: "250", NO_SHUTDOWN: "1" });
    expect(await child.exited, child.out()).toBe(0);
    expect(await ut.events("exit-user")).toHaveLength(250);
  }, 90_000);
});

describe("a host app whose usertrail server is down", () => {
  it("keeps serving and exits cleanly when shutdown gives up", async () => {
    const child = run("burst.ts", {
      ...env,
      USERTRAIL_URL: "http://127.0.0.1:9", // discard port: nothing listens
      TEST_USER_ID: "nobody",
      COUNT: "3",
      SHUTDOWN_MS: "2000",
    });
    const code = await eventually(
      async () => child.proc.exitCode,
      (c) => c !== null,
      10_000,
    );
    expect(code).toBe(0);
    expect(JSON.parse(child.out().trim().split("\n").pop() as string)).toMatchObject({
      delivered: false,
      stats: { queued: 3 },
    });
  }, 60_000);
});
