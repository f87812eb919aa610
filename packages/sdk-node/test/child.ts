// Runs a fixture in its own Node process, as a host app would run the SDK.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface Child {
  proc: ChildProcess;
  out: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `test/fixtures/<name>` with tsx and the given environment. */
export function run(name: string, env: Record<string, string>): Child {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const proc = spawn(process.execPath, ["--import", "tsx", file], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (c) => {
    out += c;
  });
  proc.stderr?.on("data", (c) => {
    out += c;
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return { proc, out: () => out, exited };
}

/** Waits for the fixture's "listening <port>" line. */
export async function listening(child: Child, ms = 15_000): Promise<number> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const m = /listening (\d+)/.exec(child.out());
    if (m) return Number(m[1]);
    if (child.proc.exitCode != null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fixture did not start:\n${child.out()}`);
}

/** Polls `fn` until it returns a truthy value (or times out with the last value). */
export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
}
