/**
 * What every benchmark shares: a database of its own (PostgreSQL or PGlite), the real server as a
 * child process on a free port, percentiles and the machine description printed with each figure.
 */
import { type ChildProcess, execSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type Kind = "postgres" | "pglite";

/** The PostgreSQL server benchmarks create their databases on (never a fixed database of anyone's). */
export const BASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const INGEST_KEY = "bench-ingest-key-0123456789";
export const PUBLIC_KEY = "bench-public-key";
export const ADMIN = { email: "bench@example.com", password: "bench password 123" };

export interface BenchDatabase {
  kind: Kind;
  /** DATABASE_URL for PostgreSQL, DATA_DIR for PGlite. */
  url?: string;
  dataDir?: string;
  drop(): Promise<void>;
}

/** Reads `--name=value` flags; `--flag` alone is "true". */
export function flags(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of process.argv.slice(2)) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (m?.[1]) out[m[1]] = m[2] ?? "true";
  }
  return out;
}

function urlFor(name: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database of the benchmark's own: `name` reuses one (a loaded data set), otherwise a fresh random one. */
export async function benchDatabase(kind: Kind, name?: string): Promise<BenchDatabase> {
  if (kind === "pglite") {
    const dataDir = name ?? mkdtempSync(join(tmpdir(), "usertrail-bench-"));
    return { kind, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const db = name ?? `usertrail_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  if (!/^usertrail_bench_\w+$/.test(db)) throw new Error(`refusing to use database ${db}`);
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [db]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  return {
    kind,
    url: urlFor(db),
    async drop() {
      const c = new pg.Client({ connectionString: BASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resident set size of the server process, in MB, read from /proc. */
  rssMb(): number;
  stop(): Promise<void>;
}

/** Starts `npm start`'s entry point as a child process against the given database. */
export async function startServer(db: BenchDatabase, extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  // SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server (NODE_OPTIONS may not).
  const nodeArgs = process.env.SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "apps/server/src/main.ts"], {
    cwd: new URL("..", import.meta.url).pathname,
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: db.dataDir ?? "",
      DATABASE_URL: db.url ?? "",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      INGEST_KEY,
      PUBLIC_KEY,
      LOG_LEVEL: "warn",
      // Loaded data sets reach 60 days back; the daily retention sweep must not delete them (and load
      // the machine) in the middle of a measurement. bench/retention.ts measures the sweep itself.
      RETENTION_DAYS: "36500",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // A benchmark that dies (or is interrupted) must not leave its server running.
  process.once("exit", () => child.kill("SIGKILL"));
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("is listening")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  const pid = child.pid as number;
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    child,
    rssMb() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return m ? Number(m[1]) / 1024 : Number.NaN;
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  } satisfies RunningServer;
}

/** The p-th percentile (0..100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** One line telling which machine produced the figures below it. */
export function machine(): string {
  let pgVersion = "";
  try {
    pgVersion = execSync("psql --version", { encoding: "utf8" }).trim();
  } catch {}
  return `${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, ${pgVersion}`;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
