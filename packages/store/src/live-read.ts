import type { Queryable } from "./db.ts";
import { LOG_COLUMNS, type LogEntry } from "./logs-read.ts";

/** Entries with the given ids (a live notification names only ids), oldest first. */
export function getLogsByIds(tx: Queryable, ids: number[]): Promise<LogEntry[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return tx.query<LogEntry>(
    `SELECT ${LOG_COLUMNS} FROM user_activity_logs WHERE id = ANY($1::bigint[]) ORDER BY id`,
    [ids],
  );
}

/**
 * Entries stored after `afterId`, oldest first, optionally for one user: what a live client that
 * reconnects has missed. Ids grow with each insert, so "after" is a plain comparison.
 */
export function getLogsAfter(
  tx: Queryable,
  afterId: number,
  options: { userId?: string; limit: number },
): Promise<LogEntry[]> {
  const params: unknown[] = [afterId, options.limit];
  let where = "id > $1";
  if (options.userId !== undefined) {
    params.push(options.userId);
    where += " AND user_id = $3";
  }
  return tx.query<LogEntry>(
    `SELECT ${LOG_COLUMNS} FROM user_activity_logs WHERE ${where} ORDER BY id LIMIT $2`,
    params,
  );
}

/** The newest entry id, or 0 when there are none (where a live tail starts). */
export async function latestLogId(tx: Queryable): Promise<number> {
  const rows = await tx.query<{ id: number | null }>("SELECT max(id) AS id FROM user_activity_logs");
  return rows[0]?.id ?? 0;
}
