import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { listJobs } from "@usertrail/store";
import { afterAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers.ts";
import { eventually, startSmtp, type TestSmtp } from "./smtp.ts";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Runs `npm run worker` the way package.json says (without npm in between, so signals reach it). */
function runWorker(env: Record<string, string>): ChildProcess & { output: () => string } {
  const script: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.worker;
  const [command, ...args] = script.split(" ");
  expect(command).toBe("node");
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  return Object.assign(child, { output: () => out });
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

describe("npm run worker as its own process", () => {
  let s: TestServer | null = null;
  let smtp: TestSmtp | null = null;
  let child: ReturnType<typeof runWorker> | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), "usertrail-worker-"));

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await s?.close();
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses to run on the embedded database, and says why", async () => {
    const lone = runWorker({ DATA_DIR: dataDir });
    expect(await exitOf(lone)).toBe(2);
    expect(lone.output()).toContain("needs DATABASE_URL");
    expect(lone.output()).toContain("can be opened by only one process");
  });

  it("with PostgreSQL: a server with WORKER=off queues the job, the worker process creates the user", async () => {
    smtp = await startSmtp();
    s = await startTestServer("postgres", { worker: false, workerConfig: { smtpUrl: smtp.url } });
    const admin = await s.login();
    const res = await s.as(admin, {
      method: "POST",
      url: "/api/tripwire/users",
      payload: { full_name: "Wendy Worker", email: "wendy@example.com" },
    });
    expect(res.statusCode).toBe(202);
    const { id } = res.json();
    // No worker in the server: the job waits.
    await new Promise((r) => setTimeout(r, 500));
    expect((await listJobs(s.app.usertrail.store.db, "user.create"))[0]?.state).toBe("queued");

    const databaseUrl = s.database.options.databaseUrl ?? "";
    child = runWorker({ DATABASE_URL: databaseUrl, SMTP_URL: smtp.url, PUBLIC_URL: "http://panel.test" });
    const worker = child;
    const created = await eventually(
      async () => {
        if (worker.exitCode !== null) throw new Error(`the worker exited: ${worker.output()}`);
        const logs = (await s?.as(admin, { url: `/api/tripwire/debug/user-logs/${id}` }))?.json().logs ?? [];
        return logs.find((l: { event_type: string }) => l.event_type === "USER_CREATED");
      },
      "USER_CREATED from the worker process",
      45_000,
    );
    expect(created.metadata).toMatchObject({
      email: "wendy@example.com",
      manager_name: "Admin",
      email_sent: true,
    });
    const [mail] = await smtp.waitFor(1);
    expect(mail?.to).toEqual(["wendy@example.com"]);
    expect(mail?.text).toContain("http://panel.test");

    child.kill("SIGTERM");
    expect(await exitOf(child)).toBe(0);
  });
});
