/**
 * Panel queries through HTTP on a loaded data set (bench/load-data.ts), p50/p95/p99 over random calls,
 * each beside a baseline measured in the same run on the same data (the query without its index, or
 * stats counted at read time):
 *   node --import tsx bench/queries.ts --db=postgres --name=usertrail_bench_10m [--calls=300] [--drop]
 *   node --import tsx bench/queries.ts --db=pglite --name=/tmp/usertrail-bench-1m [--drop]
 */
import { getUserActivityLogs, openStore, type Queryable } from "@usertrail/store";
import { Pool } from "undici";
import { ADMIN, benchDatabase, flags, fmt, type Kind, machine, percentile, startServer } from "./lib.ts";

const f = flags();
const kind = (f.db ?? "postgres") as Kind;
const CALLS = Number(f.calls ?? 300);
const BASELINE_CALLS = Number(f["baseline-calls"] ?? 5);
const DAY = 86_400_000;
/** `--only=regex` runs just the queries whose names match (and their baselines). */
const ONLY = new RegExp(f.only ?? ".");

const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)] as T;
const slice = (s: string, n: number) => {
  const at = Math.floor(Math.random() * Math.max(1, s.length - n + 1));
  return s.slice(at, at + n);
};
/** A random 3-day window in the last month, as someone narrowing a user's history would pick. */
function window() {
  const start = new Date(Date.now() - (3 + Math.random() * 27) * DAY);
  return { startDate: start, endDate: new Date(start.getTime() + 3 * DAY) };
}

interface Sample {
  ordinary: { id: string; email: string; digits: string }[];
  heavy: string;
}

async function sample(q: Queryable): Promise<Sample> {
  const ordinary = await q.query<{ id: string; email: string; digits: string }>(
    `SELECT id, email, phone_digits AS digits FROM users TABLESAMPLE SYSTEM (1)
      WHERE email IS NOT NULL AND phone_digits IS NOT NULL LIMIT 500`,
  );
  const [heavy] = await q.query<{ user_id: string }>(
    "SELECT user_id FROM user_stats ORDER BY total_events DESC LIMIT 1",
  );
  return { ordinary, heavy: heavy?.user_id ?? "" };
}

type Call = { path: string; params: () => Record<string, string> };

function calls(s: Sample): Record<string, Call> {
  const user = () => pick(s.ordinary);
  const filters = () => {
    const w = window();
    return {
      eventType: "CLIENT_ERROR,API_ERROR,LOGIN",
      startDate: w.startDate.toISOString(),
      endDate: w.endDate.toISOString(),
    };
  };
  const search = (term: () => string) => ({
    path: "/api/tripwire/debug/search-users",
    params: () => ({ q: term() }),
  });
  return {
    "search email, 3 chars": search(() => slice(user().email.split("@")[0] as string, 3)),
    "search email, 6 chars": search(() => slice(user().email.split("@")[0] as string, 6)),
    "search phone, 3 digits": search(() => slice(user().digits, 3)),
    "search phone, 6 digits": search(() => slice(user().digits, 6)),
    "logs newest 100, ordinary user": {
      path: "/api/tripwire/debug/user-logs/:u",
      params: () => ({ u: user().id }),
    },
    "logs newest 100, 1M-event user": {
      path: "/api/tripwire/debug/user-logs/:u",
      params: () => ({ u: s.heavy }),
    },
    "logs type+date, ordinary user": {
      path: "/api/tripwire/debug/user-logs/:u",
      params: () => ({ u: user().id, ...filters() }),
    },
    "logs type+date, 1M-event user": {
      path: "/api/tripwire/debug/user-logs/:u",
      params: () => ({ u: s.heavy, ...filters() }),
    },
    // The worst case for the (user, time) index alone: one match among a million rows of one user.
    "logs rare type, 1M-event user": {
      path: "/api/tripwire/debug/user-logs/:u",
      params: () => ({ u: s.heavy, eventType: "USER_CREATED" }),
    },
    "user-stats, ordinary user": {
      path: "/api/tripwire/debug/user-stats/:u",
      params: () => ({ u: user().id }),
    },
    "user-stats, 1M-event user": {
      path: "/api/tripwire/debug/user-stats/:u",
      params: () => ({ u: s.heavy }),
    },
    // The Overview tab: counts over the whole system in a time window.
    "overview, last 24 h": { path: "/api/overview", params: () => ({ range: "24h" }) },
    "overview, last 7 days": { path: "/api/overview", params: () => ({ range: "7d" }) },
  };
}

/** The same work without the help this product adds, run on the database directly. */
function baselines(s: Sample): Record<string, (q: Queryable) => Promise<unknown>> {
  const noIndex = async (q: Queryable) => {
    await q.query("SET LOCAL enable_indexscan = off");
    await q.query("SET LOCAL enable_bitmapscan = off");
    await q.query("SET LOCAL enable_indexonlyscan = off");
  };
  const countAtRead = (u: string) => (q: Queryable) =>
    q.query(
      `SELECT count(*), count(*) FILTER (WHERE severity IN ('error', 'critical')),
              count(*) FILTER (WHERE severity = 'critical') FROM user_activity_logs WHERE user_id = $1`,
      [u],
    );
  const c = calls(s);
  const term = (name: string) => (c[name]?.params().q as string) ?? "";
  // Search as the seed wrote it: every user's fields scanned for the term, newest 50 kept.
  const searchNoIndex = (name: string) => async (q: Queryable) => {
    await noIndex(q);
    const like = `%${term(name).toLowerCase()}%`;
    return q.query(
      `SELECT id, full_name, email, phone, created_at FROM users
        WHERE lower(email) LIKE $1 OR lower(full_name) LIKE $1 OR phone_digits LIKE $1
        ORDER BY created_at DESC, id LIMIT 50`,
      [like],
    );
  };
  return {
    "search email, 3 chars": searchNoIndex("search email, 3 chars"),
    "search email, 6 chars": searchNoIndex("search email, 6 chars"),
    "search phone, 3 digits": searchNoIndex("search phone, 3 digits"),
    "search phone, 6 digits": searchNoIndex("search phone, 6 digits"),
    "logs newest 100, ordinary user": async (q) => {
      await noIndex(q);
      return getUserActivityLogs(q, pick(s.ordinary).id);
    },
    "user-stats, ordinary user": async (q) => countAtRead(pick(s.ordinary).id)(q),
    "user-stats, 1M-event user": countAtRead(s.heavy),
  };
}

async function main() {
  const target = await benchDatabase(kind, f.name);
  const store = await openStore({ databaseUrl: target.url, dataDir: target.dataDir });
  const [size] = await store.db.query<{ users: number; events: number }>(
    "SELECT (SELECT count(*) FROM users)::int AS users, (SELECT sum(total_events) FROM user_stats)::bigint AS events",
  );
  const s = await sample(store.db);
  console.log(
    `query benchmark on ${kind}: ${fmt(size?.users ?? 0)} users, ${fmt(Number(size?.events))} events; ${machine()}`,
  );
  const base: Record<string, number> = {};
  for (const [name, run] of Object.entries(baselines(s)).filter(([n]) => ONLY.test(n))) {
    const times: number[] = [];
    for (let i = 0; i < BASELINE_CALLS; i++) {
      const t = performance.now();
      await store.db.transaction(async (tx) => {
        await tx.query("SET LOCAL statement_timeout = 0");
        await run(tx);
      });
      times.push(performance.now() - t);
    }
    base[name] = percentile(times, 50);
  }
  await store.close();

  const server = await startServer(target);
  const http = new Pool(server.url, { connections: 1 });
  const login = await http.request({
    method: "POST",
    path: "/api/auth/login",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  const { token } = (await login.body.json()) as { token: string };
  const header = { authorization: `Bearer ${token}` };
  console.log(
    `${"query".padEnd(32)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"p99".padStart(7)} ms   rows  baseline p50 (ratio)`,
  );
  for (const [name, call] of Object.entries(calls(s)).filter(([n]) => ONLY.test(n))) {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < CALLS + 10; i++) {
      const { u, ...query } = call.params();
      const path = call.path.replace(":u", encodeURIComponent(u ?? ""));
      const t = performance.now();
      const res = await http.request({ method: "GET", path, query, headers: header });
      const body = (await res.body.json()) as { users?: unknown[]; logs?: unknown[] };
      if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${JSON.stringify(body)}`);
      if (i >= 10) times.push(performance.now() - t); // the first few warm the connection and caches
      rows += (body.users ?? body.logs ?? [1]).length;
    }
    const b = base[name];
    const p50 = percentile(times, 50);
    console.log(
      `${name.padEnd(32)} ${fmt(p50, 2).padStart(7)} ${fmt(percentile(times, 95), 2).padStart(7)} ${fmt(percentile(times, 99), 2).padStart(7)}    ` +
        `${fmt(rows / (CALLS + 10), 0).padStart(5)}  ${b === undefined ? "-" : `${fmt(b, 1)} ms (${fmt(b / p50, 0)}x)`}`,
    );
  }
  await http.close();
  await server.stop();
  if (f.drop) await target.drop();
}

await main();
