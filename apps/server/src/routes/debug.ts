import { LIMITS } from "@usertrail/core";
import {
  asStaff,
  findUsers,
  getOverview,
  getUser,
  getUserActivityLogs,
  getUserActivityStats,
  type OverviewRange,
} from "@usertrail/store";
import type { FastifyInstance } from "fastify";
import { requireRole, roleOf } from "../auth/guard.ts";
import type { AppContext } from "../context.ts";
import { badRequest, notFound } from "../errors.ts";
import { DEFAULT_SNAPSHOT_OPTIONS, Snapshots } from "../snapshots.ts";
import { type LogQuery, parseLogQuery } from "./log-filter.ts";

type UserParams = { Params: { userId: string } };

function checkUserId(userId: string) {
  if (userId.length > LIMITS.userIdLength)
    throw badRequest(`userId is longer than ${LIMITS.userIdLength} characters.`);
  return userId.replaceAll("\u0000", "");
}

/** The seed's debug routes for admin and sales: search, one user's logs and stats, the overview. */
export async function debugRoutes(app: FastifyInstance, ctx: AppContext) {
  const staff = requireRole(ctx, "admin", "sales");
  const db = ctx.store.db;
  // Kept only when it is big: 10,000+ events counted and 50+ ms spent.
  const overviews = new Snapshots<Awaited<ReturnType<typeof getOverview>>>({
    ...DEFAULT_SNAPSHOT_OPTIONS,
    worthKeeping: (overview, ms) =>
      ms >= 50 && (overview as { totals: { events: number } }).totals.events >= 10_000,
  });

  app.get<{ Querystring: { q?: string } }>(
    "/api/tripwire/debug/search-users",
    { preHandler: staff },
    async (request) => {
      const q = (request.query.q ?? "").replaceAll("\u0000", "").trim();
      if (q.length < 3) throw badRequest("Type at least 3 characters to search.");
      if (q.length > 200) throw badRequest("The search term is longer than 200 characters.");
      const users = await asStaff(db, roleOf(request), (tx) => findUsers(tx, q));
      return { users };
    },
  );

  app.get<UserParams>("/api/tripwire/debug/user/:userId", { preHandler: staff }, async (request) => {
    const userId = checkUserId(request.params.userId);
    const user = await asStaff(db, roleOf(request), (tx) => getUser(tx, userId));
    if (!user) throw notFound("No user has this id.");
    return { user };
  });

  app.get<UserParams & { Querystring: LogQuery }>(
    "/api/tripwire/debug/user-logs/:userId",
    { preHandler: staff },
    async (request) => {
      const userId = checkUserId(request.params.userId);
      const filter = parseLogQuery(request.query);
      return asStaff(db, roleOf(request), (tx) => getUserActivityLogs(tx, userId, filter));
    },
  );

  app.get<UserParams>("/api/tripwire/debug/user-stats/:userId", { preHandler: staff }, async (request) => {
    const userId = checkUserId(request.params.userId);
    return asStaff(db, roleOf(request), (tx) => getUserActivityStats(tx, userId));
  });

  app.get<{ Querystring: { range?: string } }>("/api/overview", { preHandler: staff }, async (request) => {
    const range = request.query.range ?? "24h";
    if (range !== "24h" && range !== "7d") throw badRequest("range must be 24h or 7d.");
    const role = roleOf(request);
    // Keyed by role too: the role goes into asStaff, so row-level security still decides.
    const { value, computedAt } = await overviews.get(`${role} ${range}`, () =>
      asStaff(db, role, (tx) => getOverview(tx, range as OverviewRange)),
    );
    return { ...value, computed_at: computedAt };
  });
}
