import type { Queryable } from "./db.ts";

/** One staff look at a user's data. */
export interface AccessRecord {
  at: Date;
  actorId: string;
  userId: string;
  /** What was looked at: logs, stats, user, export, live. */
  what: string;
}

export interface AuditEntry {
  id: number;
  at: Date;
  action: "view" | "erase";
  detail: string;
  user_id: string;
  actor: { id: string | null; email: string | null; name: string | null };
}

export interface AuditPage {
  entries: AuditEntry[];
  next_cursor: string | null;
}

/** Writes many access records in one statement (the server batches them). */
export async function recordAccesses(tx: Queryable, records: AccessRecord[]): Promise<void> {
  if (records.length === 0) return;
  await tx.query(
    `INSERT INTO audit_log (at, action, detail, actor_id, user_id)
     SELECT at, 'view', what, actor_id, user_id
       FROM jsonb_to_recordset($1::jsonb) AS x(at timestamptz, what text, actor_id uuid, user_id text)`,
    [
      JSON.stringify(
        records.map((r) => ({
          at: r.at.toISOString(),
          what: r.what,
          actor_id: r.actorId,
          user_id: r.userId,
        })),
      ),
    ],
  );
}

/** The audit, newest first, one page at a time; `cursor` is the last id of the page before. */
export async function listAudit(
  tx: Queryable,
  options: { limit: number; cursor?: number; action?: "view" | "erase"; userId?: string },
): Promise<AuditPage> {
  const params: unknown[] = [options.limit + 1];
  const where: string[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (options.cursor !== undefined) add((p) => `a.id < ${p}`, options.cursor);
  if (options.action) add((p) => `a.action = ${p}`, options.action);
  if (options.userId !== undefined) add((p) => `a.user_id = ${p}`, options.userId);
  const rows = await tx.query<{
    id: number;
    at: Date;
    action: "view" | "erase";
    detail: string;
    user_id: string;
    actor_id: string | null;
    actor_email: string | null;
    actor_name: string | null;
  }>(
    `SELECT a.id, a.at, a.action, a.detail, a.user_id, a.actor_id::text AS actor_id,
            s.email AS actor_email, s.name AS actor_name
       FROM audit_log a LEFT JOIN accounts s ON s.id = a.actor_id
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY a.id DESC LIMIT $1`,
    params,
  );
  const entries = rows.slice(0, options.limit).map((r) => ({
    id: r.id,
    at: r.at,
    action: r.action,
    detail: r.detail,
    user_id: r.user_id,
    actor: { id: r.actor_id, email: r.actor_email, name: r.actor_name },
  }));
  const last = entries[entries.length - 1];
  return { entries, next_cursor: rows.length > options.limit && last ? String(last.id) : null };
}
