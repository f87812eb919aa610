import {
  asStaff,
  DEFAULT_FUNNEL_STEPS,
  getDailyActive,
  getFunnel,
  getStalledStudents,
  getUser,
  getUserAnalytics,
  type Queryable,
} from "@usertrail/store";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireRole, roleOf } from "../auth/guard.ts";
import type { AppContext } from "../context.ts";
import { badRequest, notFound } from "../errors.ts";
import { DEFAULT_SNAPSHOT_OPTIONS, Snapshots } from "../snapshots.ts";
import { findAnomalies } from "./anomalies.ts";
import { idParam, intParam, periodParams } from "./query.ts";

type Query = { Querystring: Record<string, string | undefined> };
const EVENT_TYPE = /^[A-Z][A-Z0-9_]{0,63}$/;

function funnelSteps(value: string | undefined): string[] {
  if (value === undefined || value === "") return DEFAULT_FUNNEL_STEPS;
  const steps = value.split(",").map((s) => s.trim());
  if (steps.length < 1 || steps.length > 10) throw badRequest("steps must list 1 to 10 event types.");
  for (const s of steps) {
    if (!EVENT_TYPE.test(s)) throw badRequest(`steps: '${s.slice(0, 40)}' is not an UPPER_SNAKE event type.`);
  }
  if (new Set(steps).size !== steps.length) throw badRequest("steps must not repeat an event type.");
  return steps;
}

/** Behaviour analytics and anomalies: per user, daily active, the funnel, stalled students, spikes. */
export async function analyticsRoutes(app: FastifyInstance, ctx: AppContext) {
  const staff = requireRole(ctx, "admin", "sales");
  const db = ctx.store.db;
  // Daily active, the funnel, stalled students and spikes read every event of their period: at 10M
  // events 1-14 s each. On a big install they are served like the overview, from a snapshot one
  // background query refreshes; on a small one (under 1M stored events) every call is fresh.
  const snapshots = new Snapshots<{ result: unknown; big: boolean }>({
    ...DEFAULT_SNAPSHOT_OPTIONS,
    worthKeeping: (v, ms) => ms >= 50 && (v as { big: boolean }).big,
    // Days and funnels over a month move slowly: an hour-old snapshot is served at once (and
    // refreshed behind it) rather than making the first visit after a break wait 13 s.
    maxStaleMs: 60 * 60_000,
  });
  async function snapshot<T>(request: FastifyRequest, route: string, compute: (tx: Queryable) => Promise<T>) {
    const role = roleOf(request);
    const key = `${route} ${role} ${JSON.stringify(request.query)}`;
    const { value } = await snapshots.get(key, () =>
      asStaff(db, role, async (tx) => ({ result: await compute(tx), big: await holdsMillions(tx) })),
    );
    return value.result as T;
  }

  app.get<Query & { Params: { userId: string } }>(
    "/api/analytics/user/:userId",
    { preHandler: staff },
    async (request) => {
      const userId = idParam(request.params.userId, "userId");
      const { from, to } = periodParams(request.query, 30);
      return asStaff(db, roleOf(request), async (tx) => {
        if (!(await getUser(tx, userId))) throw notFound("No user has this id.");
        return getUserAnalytics(tx, userId, from, to);
      });
    },
  );

  app.get<Query>("/api/analytics/daily-active", { preHandler: staff }, async (request) => {
    const { from, to } = periodParams(request.query, 30);
    const days = await snapshot(request, "daily-active", (tx) => getDailyActive(tx, from, to));
    return { from, to, days };
  });

  app.get<Query>("/api/analytics/funnel", { preHandler: staff }, async (request) => {
    const { from, to } = periodParams(request.query, 30);
    const steps = funnelSteps(request.query.steps);
    return { from, to, steps: await snapshot(request, "funnel", (tx) => getFunnel(tx, steps, from, to)) };
  });

  app.get<Query>("/api/analytics/stalled", { preHandler: staff }, async (request) => {
    const days = intParam(request.query.days, "days", 1, 365, 3);
    const limit = intParam(request.query.limit, "limit", 1, 1000, 200);
    const students = await snapshot(request, "stalled", (tx) => getStalledStudents(tx, days, limit));
    return { days, students };
  });

  app.get<Query>("/api/anomalies", { preHandler: staff }, async (request) => {
    const hours = intParam(request.query.hours, "hours", 1, 168, 24);
    return snapshot(request, "anomalies", (tx) => findAnomalies(tx, { hours }));
  });
}

/** Whether the log holds a million events or more, by the planner's own count (no scan). */
async function holdsMillions(tx: Queryable): Promise<boolean> {
  const [row] = await tx.query<{ rows: number }>(
    "SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'user_activity_logs'::regclass",
  );
  return (row?.rows ?? 0) >= 1_000_000;
}
