import type { Queryable } from "./db.ts";
import { LOG_COLUMNS, type LogEntry, type LogFilter, logWhere } from "./logs-read.ts";

/** Where the next export page starts: just older than this entry. */
export interface ExportPosition {
  createdAt: Date;
  id: number;
}

/**
 * One page of a user's logs for an export, newest first, keyset-paged by (created_at, id) like
 * the log page, so each page is one short index range scan and memory does not grow with the
 * export's size. Pass the last entry of a page as `after` to get the next one. Call it inside a
 * transaction (asStaff): it steers that transaction's planner.
 */
export async function getExportPage(
  tx: Queryable,
  userId: string,
  filter: LogFilter,
  after: ExportPosition | null,
  pageSize: number,
): Promise<LogEntry[]> {
  const where = logWhere(userId, filter);
  const params = [...where.params];
  let sql = where.sql;
  if (after) {
    params.push(after.createdAt, after.id);
    sql += ` AND (created_at, id) < ($${params.length - 1}, $${params.length})`;
  }
  params.push(pageSize);
  // Without fresh statistics (PGlite never auto-analyzes; PostgreSQL not yet after a bulk load)
  // the planner guesses a user has a few hundred rows and reads all of them into a sort, for
  // every page: quadratic over an export. Walking the (user_id, created_at, id) index in order
  // is right for any size, so the sort and bitmap plans are ruled out for this transaction.
  await tx.exec("SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off");
  return tx.query<LogEntry>(
    `SELECT ${LOG_COLUMNS} FROM user_activity_logs WHERE ${sql}
      ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
}
