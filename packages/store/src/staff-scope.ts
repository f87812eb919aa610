import type { Database, Queryable } from "./db.ts";

/**
 * Runs `fn` as the database role usertrail_staff with the caller's role in `usertrail.role`,
 * so row-level security decides what it may see. A caller who is not admin or sales gets no rows,
 * even from a route that forgot to check.
 */
export function asStaff<T>(db: Database, role: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    // set_config('role', ..., true) is SET LOCAL ROLE; one statement saves a round trip per read.
    await tx.query(
      "SELECT set_config('role', 'usertrail_staff', true), set_config('usertrail.role', $1, true)",
      [role],
    );
    return fn(tx);
  });
}
