import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, type RunningServer, readmeSnippet, STARTUP_MS, startServer } from "./harness.ts";

/** Runs ESM code in a fresh Node process whose imports resolve from the repo (where @sentry/node is). */
function runNode(
  code: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (exitCode) => resolve({ code: exitCode, output }));
    child.stdin.end(code);
  });
}

describe("the real @sentry/node, pointed at usertrail with only a DSN", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  }, STARTUP_MS);
  afterAll(async () => server?.close());

  it("delivers the README snippet's exception, message, breadcrumb and user", async () => {
    const run = await runNode(readmeSnippet("node", server.dsn));
    expect(run.code).toBe(0);
    const sent = server.requests.filter((r) => r.method === "POST");
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent.every((r) => r.status === 200)).toBe(true);

    const logs = await server.waitForLogs("user-42", 3);
    const types = logs.map((l) => l.event_type).sort();
    expect(types).toEqual(["API_ERROR", "MESSAGE", "USER_CREATED"]);

    const error = logs.find((l) => l.event_type === "API_ERROR");
    expect(error?.message).toMatch(/^SyntaxError: /);
    expect(error?.severity).toBe("error");
    expect(error?.metadata.exception.at(-1).type).toBe("SyntaxError");
    const frames = error?.metadata.exception.at(-1).stacktrace.frames as Array<{ function?: string }>;
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.some((f) => f.function === "JSON.parse")).toBe(true);
    expect(error?.metadata.stack).toContain("SyntaxError");
    expect(error?.metadata.breadcrumbs).toEqual(
      expect.arrayContaining([expect.objectContaining({ category: "lesson", message: "Opened lesson 3" })]),
    );
    expect(error?.metadata.runtime).toMatch(/^node v20/);
    expect(error?.metadata.sdk.name).toBe("sentry.javascript.node");

    const message = logs.find((l) => l.event_type === "MESSAGE");
    expect(message).toMatchObject({ message: "Homework uploaded", severity: "info" });

    const { user } = await server.staff("/api/tripwire/debug/user/user-42");
    expect(user).toMatchObject({ email: "ann@example.com", full_name: "Ann Lee" });
  });

  it("sends a large event gzip-compressed, as the SDK does above 32 KB, and it is stored", async () => {
    const code = readmeSnippet("node", server.dsn)
      .replace('id: "user-42"', 'id: "user-big"')
      .replace('Sentry.captureMessage("Homework uploaded");', 'Sentry.setExtra("blob", "x".repeat(60000));');
    const before = server.requests.length;
    const run = await runNode(code);
    expect(run.code).toBe(0);
    const gzipped = server.requests.slice(before).filter((r) => r.contentEncoding === "gzip");
    expect(gzipped.map((r) => r.status)).toEqual([200]);
    const logs = await server.waitForLogs("user-big", 1, (l) => l.event_type === "API_ERROR");
    expect(logs).toHaveLength(1);
    expect(String(logs[0]?.metadata.extra.blob).length).toBeGreaterThan(100);
  });

  it("keeps an event without a user in the system health log", async () => {
    const code = `import * as Sentry from "@sentry/node";
Sentry.init({ dsn: ${JSON.stringify(server.dsn)} });
Sentry.captureException(new RangeError("nobody's error"));
await Sentry.flush(5000);`;
    expect((await runNode(code)).code).toBe(0);
    const deadline = Date.now() + 60_000;
    let found: Array<{ source: string; message: string }> = [];
    while (found.length === 0 && Date.now() < deadline) {
      found = (await server.health()).filter((h) => h.message === "RangeError: nobody's error");
      if (found.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found[0]).toMatchObject({ source: "sentry" });
  });
});
