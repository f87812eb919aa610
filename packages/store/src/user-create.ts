import type { UserBlock } from "@usertrail/core";
import type { Queryable } from "./db.ts";
import { insertEvents, type UserSource, userCreatedEvents } from "./events-write.ts";
import { upsertUsers } from "./users-write.ts";

/**
 * Creates or updates one user in the caller's transaction and logs USER_CREATED if it is new, so
 * a caller can commit the user together with its own bookkeeping (the worker's job row).
 * Returns whether the user was created.
 */
export async function upsertUserIn(
  tx: Queryable,
  id: string,
  block: UserBlock | null,
  source: UserSource,
): Promise<boolean> {
  const touch = { id, block, seenAt: new Date() };
  const created = await upsertUsers(tx, [touch]);
  await insertEvents(tx, userCreatedEvents(created, [touch], source));
  return created.has(id);
}

/**
 * Serialises everything that creates a user with this email until the transaction ends: the
 * route that queues the job and the worker that makes the user check-and-act under the same lock,
 * so one email never gets two users.
 */
export async function lockEmail(tx: Queryable, email: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('user-email:' || lower($1)))", [email]);
}

/** Who already holds this email: an existing user's id, or a queued or running creation job. */
export async function emailHolder(
  tx: Queryable,
  email: string,
  exceptUserId?: string,
): Promise<{ userId: string } | { jobId: number } | null> {
  const users = await tx.query<{ id: string }>(
    "SELECT id FROM users WHERE lower(email) = lower($1) AND id IS DISTINCT FROM $2 LIMIT 1",
    [email, exceptUserId ?? null],
  );
  if (users[0]) return { userId: users[0].id };
  const jobs = await tx.query<{ id: number }>(
    `SELECT id FROM jobs WHERE kind = 'user.create' AND state IN ('queued', 'running')
        AND lower(payload->>'email') = lower($1) AND payload->>'user_id' IS DISTINCT FROM $2 LIMIT 1`,
    [email, exceptUserId ?? null],
  );
  return jobs[0] ? { jobId: jobs[0].id } : null;
}
