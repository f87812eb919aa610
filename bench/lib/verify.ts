import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, openPglite, openPostgres } from "@usertrail/store";

export interface StoredCheck {
  /** Acknowledged ids found exactly once. */
  once: number;
  /** Acknowledged ids not in the database. */
  missing: string[];
  /** Ids stored more than once (anywhere in the table). */
  duplicated: number;
  /** Rows of the load's own users, whoever acknowledged them. */
  rows: number;
}

/** Counts, for each acknowledged id, how often it is stored. */
export async function checkStored(db: Database, ids: Iterable<string>, userPrefix: string) {
  const wanted = [...ids];
  const found = new Map<string, number>();
  for (let i = 0; i < wanted.length; i += 20_000) {
    const rows = await db.query<{ id: string; n: number }>(
      "SELECT event_id::text AS id, count(*)::int AS n FROM user_activity_logs WHERE event_id = ANY($1::uuid[]) GROUP BY 1",
      [wanted.slice(i, i + 20_000)],
    );
    for (const r of rows) found.set(r.id, r.n);
  }
  const [dup] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM (SELECT event_id FROM user_activity_logs GROUP BY 1 HAVING count(*) > 1) d",
  );
  const [total] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM user_activity_logs WHERE user_id LIKE $1",
    [`${userPrefix}-%`],
  );
  return {
    once: wanted.filter((id) => found.get(id) === 1).length,
    missing: wanted.filter((id) => !found.has(id)),
    duplicated: dup?.n ?? 0,
    rows: total?.n ?? 0,
  } satisfies StoredCheck;
}

/**
 * Checks a database the server is not using right now. An embedded data directory is copied first,
 * so the check opens (and recovers) the copy and the server later recovers the untouched original.
 */
export async function checkDatabase(
  target: { dataDir?: string; databaseUrl?: string },
  ids: Iterable<string>,
  userPrefix: string,
): Promise<StoredCheck> {
  if (target.databaseUrl) {
    const db = await openPostgres(target.databaseUrl, { max: 2 });
    try {
      return await checkStored(db, ids, userPrefix);
    } finally {
      await db.close();
    }
  }
  const copy = mkdtempSync(join(tmpdir(), "usertrail-crash-copy-"));
  try {
    cpSync(target.dataDir as string, copy, { recursive: true });
    const db = await openPglite(copy);
    try {
      return await checkStored(db, ids, userPrefix);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
