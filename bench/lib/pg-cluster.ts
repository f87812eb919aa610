import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = "/usr/lib/postgresql/15/bin";

/** Runs a PostgreSQL tool as the `postgres` user (initdb and pg_ctl refuse to run as root). */
function asPostgres(command: string): string {
  const run = process.getuid?.() === 0 ? ["su", "postgres", "-c", command] : ["sh", "-c", command];
  return execFileSync(run[0] as string, run.slice(1), { encoding: "utf8", stdio: "pipe" });
}

export interface ThrowawayCluster {
  url: string;
  port: number;
  start(): void;
  /** Stops the server the fast way: open connections are cut, as in a real outage. */
  stop(): void;
  /** Stops it for good and deletes its files. */
  destroy(): void;
}

/**
 * A PostgreSQL cluster of our own in a temp folder, on a free port: it may be stopped and started
 * at will (the shared server on 5432 is never touched).
 */
export async function createCluster(): Promise<ThrowawayCluster> {
  const root = mkdtempSync(join(tmpdir(), "usertrail-pg-"));
  const dir = join(root, "data");
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(root, uid, gid);
  }
  asPostgres(`${BIN}/initdb -D ${dir} -A trust -U postgres --no-sync >/dev/null`);
  const port = await freePortFrom(55432);
  const cluster: ThrowawayCluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start() {
      asPostgres(
        `${BIN}/pg_ctl -D ${dir} -l ${root}/log -w -o "-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null`,
      );
    },
    stop() {
      asPostgres(`${BIN}/pg_ctl -D ${dir} -m fast -w stop >/dev/null`);
    },
    destroy() {
      try {
        asPostgres(`${BIN}/pg_ctl -D ${dir} -m immediate -w stop >/dev/null 2>&1`);
      } catch {
        // Already stopped.
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}

/** A free port at or above `from` (the task keeps throwaway clusters away from the ephemeral range). */
async function freePortFrom(from: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = from + Math.floor(Math.random() * 5000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port found above ${from}`);
}
