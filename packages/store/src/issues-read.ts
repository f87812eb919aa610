import type { Queryable } from "./db.ts";
import { LOG_COLUMNS, type LogEntry } from "./logs-read.ts";

export const ISSUE_STATUSES = ["open", "resolved", "ignored"] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];
export const ISSUE_SORTS = ["last_seen", "first_seen", "count", "users"] as const;
export type IssueSort = (typeof ISSUE_SORTS)[number];

/** An issue as lists show it (the DESIGN.md shape). */
export interface IssueSummary {
  id: string;
  title: string;
  fingerprint: string;
  count: number;
  users: number;
  first_seen: Date;
  last_seen: Date;
  status: IssueStatus;
}

/** An issue with what its detail page and bug report need. */
export interface IssueDetail extends IssueSummary {
  exception_type: string;
  event_type: string;
  frames: string[];
  sample_stack: string | null;
  status_changed_at: Date;
}

export interface IssueListQuery {
  status?: IssueStatus;
  sort?: IssueSort;
  limit?: number;
  offset?: number;
  /** Only issues this user ran into. */
  userId?: string;
}

const SUMMARY = "i.id, i.title, i.fingerprint, i.count, i.users, i.first_seen, i.last_seen, i.status";

/** Issues, newest (or biggest) first; the sort column comes from a fixed list, never from input. */
export async function listIssues(
  tx: Queryable,
  q: IssueListQuery,
): Promise<{ issues: IssueSummary[]; next_offset: number | null }> {
  const sort = ISSUE_SORTS.includes(q.sort as IssueSort) ? (q.sort as IssueSort) : "last_seen";
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  const offset = Math.max(q.offset ?? 0, 0);
  const params: unknown[] = [];
  const where: string[] = [];
  if (q.status) {
    params.push(q.status);
    where.push(`i.status = $${params.length}`);
  }
  if (q.userId !== undefined) {
    params.push(q.userId);
    where.push(
      `EXISTS (SELECT 1 FROM issue_users iu WHERE iu.issue_id = i.id AND iu.user_id = $${params.length})`,
    );
  }
  params.push(limit + 1, offset);
  const rows = await tx.query<IssueSummary>(
    `SELECT ${SUMMARY} FROM issues i ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY i.${sort} DESC, i.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { issues: rows.slice(0, limit), next_offset: rows.length > limit ? offset + limit : null };
}

/** One issue with its full detail, or null. */
export async function getIssue(tx: Queryable, id: string): Promise<IssueDetail | null> {
  const rows = await tx.query<IssueDetail>(
    `SELECT ${SUMMARY}, i.exception_type, i.event_type, i.frames, i.sample_stack, i.status_changed_at
       FROM issues i WHERE i.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** The users an issue touched, most recent first, with how often it hit each. */
export async function getIssueUsers(tx: Queryable, id: string, limit = 100) {
  return tx.query<{
    id: string;
    full_name: string | null;
    email: string | null;
    count: number;
    first_seen: Date;
    last_seen: Date;
  }>(
    `SELECT iu.user_id AS id, u.full_name, u.email, iu.count, iu.first_seen, iu.last_seen
       FROM issue_users iu LEFT JOIN users u ON u.id = iu.user_id
      WHERE iu.issue_id = $1 ORDER BY iu.last_seen DESC, iu.user_id LIMIT $2`,
    [id, limit],
  );
}

/** The newest events of an issue (for the report's browsers and the detail page). */
export async function getIssueEvents(tx: Queryable, id: string, limit = 500): Promise<LogEntry[]> {
  return tx.query<LogEntry>(
    `SELECT ${LOG_COLUMNS} FROM user_activity_logs WHERE issue_id = $1
      ORDER BY created_at DESC, id DESC LIMIT $2`,
    [id, limit],
  );
}

/** What a user did up to and including one event: the timeline a bug report shows. */
export async function getTimelineBefore(tx: Queryable, entry: LogEntry, limit = 20): Promise<LogEntry[]> {
  const rows = await tx.query<LogEntry>(
    `SELECT ${LOG_COLUMNS} FROM user_activity_logs
      WHERE user_id = $1 AND (created_at, id) <= ($2, $3)
      ORDER BY created_at DESC, id DESC LIMIT $4`,
    [entry.user_id, entry.created_at, entry.id, limit],
  );
  return rows.reverse();
}

/** Sets an issue's status; returns the updated issue or null if there is none with that id. */
export async function setIssueStatus(
  tx: Queryable,
  id: string,
  status: IssueStatus,
): Promise<IssueSummary | null> {
  const rows = await tx.query<IssueSummary>(
    `UPDATE issues i SET status = $2, status_changed_at = now() WHERE i.id = $1 RETURNING ${SUMMARY}`,
    [id, status],
  );
  return rows[0] ?? null;
}
