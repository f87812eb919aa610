import type { UserBlock } from "@usertrail/core";
import type { Queryable } from "./db.ts";

/** A user named by an event or an upsert, with whatever profile fields came along. */
export interface UserTouch {
  id: string;
  block: UserBlock | null;
  /** When this user was first seen: the earliest event time in the batch. */
  seenAt: Date;
}

/**
 * Two CTEs, `bare` and `profiled`, that insert or update the users listed in the CTE `input`
 * (id, email, phone, full_name, created_at) and return their ids, `profiled` with `inserted`.
 * Shared by upsertUsers and the one-statement group (events-one-statement.ts), so a user is written
 * the same way on both paths.
 */
export function upsertUsersFrom(input: string): string {
  return `bare AS (
       INSERT INTO users (id, created_at)
       SELECT id, least(created_at, now()) FROM ${input}
        WHERE email IS NULL AND phone IS NULL AND full_name IS NULL
       ON CONFLICT (id) DO NOTHING
       RETURNING id
     ), profiled AS (
       INSERT INTO users (id, email, phone, full_name, created_at)
       SELECT id, email, phone, full_name, least(created_at, now()) FROM ${input}
        WHERE email IS NOT NULL OR phone IS NOT NULL OR full_name IS NOT NULL
       ON CONFLICT (id) DO UPDATE SET
         email = coalesce(excluded.email, users.email),
         phone = coalesce(excluded.phone, users.phone),
         full_name = coalesce(excluded.full_name, users.full_name),
         updated_at = now()
       WHERE (excluded.email IS NOT NULL AND excluded.email IS DISTINCT FROM users.email)
          OR (excluded.phone IS NOT NULL AND excluded.phone IS DISTINCT FROM users.phone)
          OR (excluded.full_name IS NOT NULL AND excluded.full_name IS DISTINCT FROM users.full_name)
       RETURNING id, (xmax = 0) AS inserted
     )`;
}

/**
 * Inserts users not seen before and fills profile fields from user blocks.
 * Returns the ids of users this call created, which is what USER_CREATED is logged for.
 * Touches without a block never rewrite the row, so plain events cost no user update.
 */
export async function upsertUsers(tx: Queryable, touches: UserTouch[]): Promise<Set<string>> {
  if (touches.length === 0) return new Set();
  const rows = userRows(touches);
  // Touches without a profile (most events) only insert a missing user: ON CONFLICT DO NOTHING takes
  // no row lock, where DO UPDATE locks (and writes WAL for) every existing row even when its WHERE is false.
  const created = await tx.query<{ id: string; inserted: boolean }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS x(id text, email text, phone text, full_name text, created_at timestamptz)
     ), ${upsertUsersFrom("input")}
     SELECT id, true AS inserted FROM bare UNION ALL SELECT id, inserted FROM profiled`,
    [JSON.stringify(rows)],
    { prepare: "ingest_upsert_users" },
  );
  return new Set(created.filter((r) => r.inserted).map((r) => r.id));
}

/** Touches as the upsert's input rows, sorted by id so concurrent writers lock users in one order. */
export function userRows(touches: UserTouch[]) {
  return touches
    .slice()
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((t) => ({
      id: t.id,
      email: t.block?.email ?? null,
      phone: t.block?.phone ?? null,
      full_name: t.block?.full_name ?? null,
      created_at: t.seenAt.toISOString(),
    }));
}

/** Merges the touches of one batch per user: the latest non-empty field wins, the earliest time counts. */
export function mergeTouches(touches: UserTouch[]): UserTouch[] {
  const byId = new Map<string, UserTouch>();
  for (const t of touches) {
    const seen = byId.get(t.id);
    if (!seen) {
      byId.set(t.id, { ...t, block: t.block ? { ...t.block } : null });
      continue;
    }
    if (t.seenAt < seen.seenAt) seen.seenAt = t.seenAt;
    if (t.block) {
      seen.block = {
        email: t.block.email ?? seen.block?.email ?? null,
        phone: t.block.phone ?? seen.block?.phone ?? null,
        full_name: t.block.full_name ?? seen.block?.full_name ?? null,
      };
    }
  }
  return [...byId.values()];
}
