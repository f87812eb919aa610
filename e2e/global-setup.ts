import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");

/** A port the OS says is free right now; the server binds it a moment later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForHealth(base: string, child: ChildProcess, logFile: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `The server exited with ${child.exitCode}:\n${readFileSync(logFile, "utf8").slice(-4000)}`,
      );
    }
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.status === 200) return;
    } catch {
      // Not listening yet (PGlite's first open takes a few seconds).
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The server did not answer /api/health within ${timeoutMs} ms; log: ${logFile}`);
}

/**
 * Starts one real server for the whole run, with its own temporary database, and hands its
 * address and keys to the tests through the environment (workers inherit it).
 */
export default async function globalSetup() {
  if (!existsSync(join(ROOT, "apps/panel/dist/index.html"))) {
    throw new Error("The panel is not built: run `npm run build:panel` first (npm run test:e2e does).");
  }
  const dataDir = mkdtempSync(join(tmpdir(), "usertrail-e2e-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: "127.0.0.1",
    PORT: String(port),
    DATA_DIR: join(dataDir, "db"),
    ADMIN_EMAIL: "admin@e2e.test",
    ADMIN_PASSWORD: `pw-${randomBytes(8).toString("hex")}`,
    INGEST_KEY: `ingest-${randomBytes(16).toString("hex")}`,
    PUBLIC_KEY: `public-${randomBytes(8).toString("hex")}`,
    // Many tests log in within a minute from one address; the limit itself is the server's to test.
    LOGIN_RATE_LIMIT: "10000",
    // All specs' public-key ingest comes from 127.0.0.1; flood limits are tested in flood.test.ts.
    INGEST_RATE_LIMIT_IP: "1000000",
    INGEST_RATE_LIMIT_USER: "1000000",
    // Specs ingest events dated months back; the worker's retention sweep (at start, then daily)
    // must not race them away.
    RETENTION_DAYS: "36500",
    LOG_LEVEL: "warn",
  };
  delete env.DATABASE_URL;
  const logFile = join(dataDir, "server.log");
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base, child, logFile);

  process.env.E2E_BASE_URL = base;
  process.env.E2E_ADMIN_EMAIL = env.ADMIN_EMAIL as string;
  process.env.E2E_ADMIN_PASSWORD = env.ADMIN_PASSWORD as string;
  process.env.E2E_INGEST_KEY = env.INGEST_KEY as string;
  process.env.E2E_PUBLIC_KEY = env.PUBLIC_KEY as string;

  return async () => {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
