import { LIMITS } from "@usertrail/core";
import { asStaff, eraseUser, listAudit } from "@usertrail/store";
import type { FastifyInstance } from "fastify";
import type { AccessLog } from "../audit/access-log.ts";
import { requireRole, roleOf } from "../auth/guard.ts";
import type { AppContext } from "../context.ts";
import { badRequest, notFound } from "../errors.ts";

type AuditQuery = { limit?: string; cursor?: string; action?: string; userId?: string };

/** Erasure of a user (GDPR) and the audit of who looked at whom; admins only. */
export async function auditRoutes(app: FastifyInstance, ctx: AppContext, accessLog: AccessLog) {
  const admin = requireRole(ctx, "admin");

  app.delete<{ Params: { userId: string } }>(
    "/api/tripwire/users/:userId",
    { preHandler: admin },
    async (request) => {
      const { userId: rawId } = request.params;
      if (rawId.length > LIMITS.userIdLength)
        throw badRequest(`userId is longer than ${LIMITS.userIdLength} characters.`);
      const userId = rawId.replaceAll("\u0000", "");
      const actorId = request.account?.id as string;
      // Runs as an admin under row-level security: the policies let only an admin delete.
      const erased = await asStaff(ctx.store.db, roleOf(request), (tx) => eraseUser(tx, userId, actorId));
      if (!erased) throw notFound("No user or data has this id.");
      return { erased: true, user_id: userId, removed: erased };
    },
  );

  app.get<{ Querystring: AuditQuery }>("/api/audit", { preHandler: admin }, async (request) => {
    const q = request.query;
    const limit = q.limit === undefined || q.limit === "" ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw badRequest("limit must be a whole number from 1 to 1000.");
    if (q.cursor !== undefined && q.cursor !== "" && !/^\d{1,15}$/.test(q.cursor)) {
      throw badRequest("cursor is not one this server gave out; start again without it.");
    }
    let action: "view" | "erase" | undefined;
    if (q.action !== undefined && q.action !== "") {
      if (q.action !== "view" && q.action !== "erase") throw badRequest("action must be view or erase.");
      action = q.action;
    }
    if (q.userId !== undefined && q.userId.length > LIMITS.userIdLength) {
      throw badRequest(`userId is longer than ${LIMITS.userIdLength} characters.`);
    }
    // Looks recorded a moment ago are still waiting in memory; write them so the admin sees them.
    await accessLog.flush();
    return asStaff(ctx.store.db, roleOf(request), (tx) =>
      listAudit(tx, {
        limit,
        cursor: q.cursor ? Number(q.cursor) : undefined,
        action,
        userId: q.userId ? q.userId.replaceAll("\u0000", "") : undefined,
      }),
    );
  });
}
