import { judgeEvent } from "@usertrail/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  asStaff,
  createAccount,
  createSession,
  insertHealthLog,
  openStore,
  type Store,
  setSettingOnce,
} from "../src/index.ts";
import { DATABASE_KINDS, freshDatabase, type TestDatabase } from "./databases.ts";

// store.test.ts checks the four seed tables by name. This one walks the catalogue, so a table or view
// that a later migration adds is held to the same rule without anyone remembering to list it:
// whatever usertrail_staff can read is guarded by row-level security, and a caller who is not
// admin or sales gets nothing from any of it.

interface Relation {
  name: string;
  kind: string;
  rls: boolean;
  staff_can_read: boolean;
  security_invoker: boolean;
}

/** A role of this run's own (roles are shared by every database on a server). */
const PROBE = `usertrail_probe_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

const NOT_STAFF = ["student", "", "anonymous", "Admin", "admin ", "sales;", "' OR '1'='1"];

describe.each(DATABASE_KINDS)("row-level security on every table (%s)", (kind) => {
  let database: TestDatabase;
  let store: Store;
  let relations: Relation[];

  beforeAll(async () => {
    database = await freshDatabase(kind);
    store = await openStore(database.options);
    const judged = judgeEvent({ user_id: "rls-user", event_type: "LOGIN", message: "private" });
    if (!judged.ok) throw new Error(judged.error);
    await store.ingest([judged.event]);
    await insertHealthLog(store.db, {
      source: "client",
      message: "private",
      severity: "error",
      metadata: {},
      user_id: "rls-user",
    });
    const account = await createAccount(store.db, {
      email: "rls@example.com",
      name: "R",
      role: "sales",
      passwordHash: "x",
    });
    await createSession(store.db, account?.id as string, 60_000);
    await setSettingOnce(store.db, "rls-probe", "secret");
    relations = await store.db.query<Relation>(
      `SELECT c.relname AS name, c.relkind::text AS kind, c.relrowsecurity AS rls,
              has_table_privilege('usertrail_staff', c.oid, 'SELECT') AS staff_can_read,
              coalesce(c.reloptions::text[] && ARRAY['security_invoker=true','security_invoker=on'], false) AS security_invoker
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
        ORDER BY 1`,
    );
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("every table the staff role can read has row-level security; no view or materialized view bypasses it", () => {
    expect(relations.length).toBeGreaterThanOrEqual(7);
    const unguarded = relations.filter(
      (r) =>
        r.staff_can_read &&
        (((r.kind === "r" || r.kind === "p") && !r.rls) ||
          (r.kind === "v" && !r.security_invoker) ||
          r.kind === "m"),
    );
    expect(unguarded.map((r) => `${r.name} (${r.kind})`)).toEqual([]);
    // Accounts, sessions and settings hold secrets: the staff role has no grant on them at all.
    for (const secret of ["accounts", "sessions", "settings"]) {
      expect(relations.find((r) => r.name === secret)?.staff_can_read, secret).toBe(false);
    }
  });

  it("a caller who is not admin or sales reads no row of any table, directly in SQL", async () => {
    const leaks: string[] = [];
    for (const role of NOT_STAFF) {
      for (const r of relations) {
        try {
          const rows = await asStaff(store.db, role, (tx) => tx.query(`SELECT * FROM "${r.name}" LIMIT 1`));
          if (rows.length > 0) leaks.push(`${r.name} as '${role}'`);
        } catch (error) {
          if (!/permission denied/.test((error as Error).message)) throw error;
        }
      }
    }
    expect(leaks).toEqual([]);
    // The staff can see the probe row, so the empty answers above are the policies at work.
    const seen = await asStaff(store.db, "sales", (tx) => tx.query("SELECT 1 FROM user_activity_logs"));
    expect(seen.length).toBeGreaterThan(0);
  });

  it("a database role without the staff grant reads nothing at all", async () => {
    await store.db.exec(`CREATE ROLE ${PROBE} NOLOGIN`);
    const leaks: string[] = [];
    for (const r of relations) {
      const outcome = await store.db
        .transaction(async (tx) => {
          await tx.query(`SET LOCAL ROLE ${PROBE}`);
          await tx.query("SELECT set_config('usertrail.role', 'admin', true)");
          return tx.query(`SELECT * FROM "${r.name}" LIMIT 1`);
        })
        .then(
          (rows) => (rows.length > 0 ? "rows" : "empty"),
          (error: Error) => (/permission denied/.test(error.message) ? "denied" : error.message),
        );
      if (outcome !== "denied" && outcome !== "empty") leaks.push(`${r.name}: ${outcome}`);
    }
    await store.db.exec(`DROP ROLE ${PROBE}`);
    expect(leaks).toEqual([]);
  });
});
