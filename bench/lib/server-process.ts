import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The repository root, so the server process runs with the same module resolution as `npm start`. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Asks the OS for a port nobody listens on (several people run these at once: never a fixed port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr (pino lines included). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string | null>;
  /** Sends a signal and waits for the process to go. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/**
 * Starts `node --import tsx apps/server/src/main.ts` on a free port with the given environment and
 * waits until /api/health answers 200.
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: { timeoutMs?: number; port?: number } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const chunks: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (b: Buffer) => chunks.push(b.toString()));
  child.stderr?.on("data", (b: Buffer) => chunks.push(b.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  for (;;) {
    if (gone) throw new Error(`server exited while starting:\n${chunks.join("").slice(-3000)}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become healthy in time:\n${chunks.join("").slice(-3000)}`);
    }
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output: () => chunks.join(""),
    exited,
    async stop(signal = "SIGTERM") {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}
