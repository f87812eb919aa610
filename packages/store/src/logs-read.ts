import type { Queryable } from "./db.ts";
import { likeLiteral } from "./users-read.ts";

/** A log entry shaped like the seed's example. */
export interface LogEntry {
  id: number;
  user_id: string;
  event_id: string;
  event_type: string;
  event_category: string;
  message: string;
  metadata: Record<string, unknown>;
  severity: string;
  created_at: Date;
  /** The error group this entry belongs to, if it is an error. */
  issue_id: string | null;
}

export interface LogFilter {
  limit?: number;
  eventTypes?: string[];
  severities?: string[];
  categories?: string[];
  startDate?: Date;
  endDate?: Date;
  /** Text that the message must contain, case-insensitive. */
  text?: string;
  cursor?: string;
}

export interface LogPage {
  logs: LogEntry[];
  next_cursor: string | null;
}

export const LOG_COLUMNS =
  "id, user_id, event_id::text AS event_id, event_type, event_category, message, metadata, severity, created_at, issue_id";

/** The position after an entry, opaque to callers: newest-first keyset paging by (created_at, id). */
export function encodeCursor(entry: { created_at: Date; id: number }): string {
  return Buffer.from(`${entry.created_at.toISOString()}|${entry.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: number } | null {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  const n = Number(id);
  if (Number.isNaN(createdAt.getTime()) || !Number.isSafeInteger(n)) return null;
  return { createdAt, id: n };
}

/** Builds the WHERE clause shared by the log page and the export, every value a parameter. */
export function logWhere(userId: string, filter: LogFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [userId];
  const clauses = ["user_id = $1"];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  if (filter.eventTypes?.length) add((p) => `event_type = ANY(${p}::text[])`, filter.eventTypes);
  if (filter.severities?.length) add((p) => `severity = ANY(${p}::text[])`, filter.severities);
  if (filter.categories?.length) add((p) => `event_category = ANY(${p}::text[])`, filter.categories);
  if (filter.startDate) add((p) => `created_at >= ${p}`, filter.startDate);
  if (filter.endDate) add((p) => `created_at <= ${p}`, filter.endDate);
  if (filter.text) add((p) => `message ILIKE ${p}`, `%${likeLiteral(filter.text)}%`);
  return { sql: clauses.join(" AND "), params };
}

/** The seed's getUserActivityLogs: newest first, filtered, one page at a time. */
export async function getUserActivityLogs(
  tx: Queryable,
  userId: string,
  filter: LogFilter = {},
): Promise<LogPage> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
  const types = [...new Set(filter.eventTypes ?? [])];
  const where = logWhere(userId, { ...filter, eventTypes: undefined });
  const params = [...where.params];
  let sql = where.sql;
  const after = filter.cursor ? decodeCursor(filter.cursor) : null;
  if (after) {
    params.push(after.createdAt, after.id);
    sql += ` AND (created_at, id) < ($${params.length - 1}, $${params.length})`;
  }
  params.push(limit + 1);
  const take = `ORDER BY created_at DESC, id DESC LIMIT $${params.length}`;
  // With event types, each type is its own newest-first range of the (user, type, time) index,
  // read only as far as one page, then merged: rare and common types alike cost one page each.
  const branches = types.map((type) => {
    params.push(type);
    return `(SELECT ${LOG_COLUMNS} FROM user_activity_logs WHERE ${sql} AND event_type = $${params.length} ${take})`;
  });
  const query =
    branches.length > 0
      ? `SELECT * FROM (${branches.join(" UNION ALL ")}) AS page ${take}`
      : `SELECT ${LOG_COLUMNS} FROM user_activity_logs WHERE ${sql} ${take}`;
  const rows = await tx.query<LogEntry>(query, params);
  const logs = rows.slice(0, limit);
  const last = logs[logs.length - 1];
  return { logs, next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}
