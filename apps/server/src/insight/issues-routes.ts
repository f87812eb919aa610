import {
  asStaff,
  getIssue,
  getIssueEvents,
  getIssueUsers,
  getTimelineBefore,
  getUser,
  ISSUE_SORTS,
  ISSUE_STATUSES,
  type IssueStatus,
  listIssues,
  setIssueStatus,
} from "@usertrail/store";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { requireRole, roleOf } from "../auth/guard.ts";
import type { AppContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { parseBody } from "../routes/parse.ts";
import { idParam, intParam, oneOf } from "./query.ts";
import { renderReport } from "./report.ts";

type IdParams = { Params: { id: string } };

const statusBody = z.strictObject(
  { status: z.enum(ISSUE_STATUSES, { error: `status must be one of ${ISSUE_STATUSES.join(", ")}` }) },
  { error: 'the body must be a JSON object like {"status": "resolved"}' },
);

const issueId = (raw: string) => idParam(raw, "issue id", 64);

/** Error groups: list, detail with users, status changes and the Markdown bug report. */
export async function issueRoutes(app: FastifyInstance, ctx: AppContext) {
  const staff = requireRole(ctx, "admin", "sales");
  const db = ctx.store.db;

  app.get<{ Querystring: Record<string, string | undefined> }>(
    "/api/issues",
    { preHandler: staff },
    async (request) => {
      const q = request.query;
      const status = q.status === "all" ? undefined : oneOf(q.status, "status", ISSUE_STATUSES, undefined);
      const query = {
        status,
        sort: oneOf(q.sort, "sort", ISSUE_SORTS, "last_seen"),
        limit: intParam(q.limit, "limit", 1, 500, 50),
        offset: intParam(q.offset, "offset", 0, 1_000_000, 0),
        userId: q.userId !== undefined ? idParam(q.userId, "userId") : undefined,
      };
      return asStaff(db, roleOf(request), (tx) => listIssues(tx, query));
    },
  );

  app.get<IdParams>("/api/issues/:id", { preHandler: staff }, async (request) => {
    const id = issueId(request.params.id);
    return asStaff(db, roleOf(request), async (tx) => {
      const issue = await getIssue(tx, id);
      if (!issue) throw notFound("No issue has this id.");
      const users = await getIssueUsers(tx, id);
      const events = await getIssueEvents(tx, id, 20);
      return { issue, users, events };
    });
  });

  app.patch<IdParams>("/api/issues/:id", { preHandler: staff }, async (request) => {
    const id = issueId(request.params.id);
    const { status } = parseBody(statusBody, request.body);
    const issue = await asStaff(db, roleOf(request), (tx) => setIssueStatus(tx, id, status as IssueStatus));
    if (!issue) throw notFound("No issue has this id.");
    return { issue };
  });

  app.get<IdParams & { Querystring: { userId?: string } }>(
    "/api/issues/:id/report",
    { preHandler: staff },
    async (request, reply) => {
      const id = issueId(request.params.id);
      const wanted = request.query.userId !== undefined ? idParam(request.query.userId, "userId") : undefined;
      const markdown = await asStaff(db, roleOf(request), async (tx) => {
        const issue = await getIssue(tx, id);
        if (!issue) throw notFound("No issue has this id.");
        const events = await getIssueEvents(tx, id, 500);
        // The user's latest occurrence anchors the timeline: by default the newest one overall.
        const anchor = wanted ? events.find((e) => e.user_id === wanted) : events[0];
        if (wanted && !anchor) throw notFound("This user has no recent event in this issue.");
        const timeline = anchor ? await getTimelineBefore(tx, anchor, 20) : [];
        const user = anchor
          ? ((await getUser(tx, anchor.user_id)) ?? { id: anchor.user_id, full_name: null, email: null })
          : null;
        return renderReport({ issue, events, timeline, user, publicUrl: ctx.publicUrl });
      });
      return reply.type("text/markdown; charset=utf-8").send(markdown);
    },
  );
}
