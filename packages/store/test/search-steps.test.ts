import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asStaff, findUsers, NEWEST_WINDOW, openStore, type Store } from "../src/index.ts";
import { DATABASE_KINDS, freshDatabase, type TestDatabase } from "./databases.ts";

/**
 * Search walks the newest users first and falls back to the trigram index when the walk finds fewer
 * than 50 (users-read.ts). With more users than the walk reads, every kind of term must still get
 * exactly the newest 50 matches: common ones, rare ones, ones found only among old users.
 */
describe.each(DATABASE_KINDS)("two-step search on %s", (kind) => {
  let database: TestDatabase;
  let store: Store;
  const USERS = NEWEST_WINDOW + 3_000;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    store = await openStore(database.options);
    // User n is created n minutes after the epoch below, so higher n = newer. Every 7th user has a
    // "common" name, every 400th a "medium" one, the 20 oldest a "oldonly" one, user 5 a unique one.
    await store.db.exec(`
      INSERT INTO users (id, full_name, email, phone, created_at)
      SELECT 'u' || n,
             CASE WHEN n % 7 = 0 THEN 'Commonname ' ELSE 'Person ' END
               || CASE WHEN n % 400 = 0 THEN 'Mediumx ' ELSE '' END
               || CASE WHEN n <= 20 THEN 'Oldonly ' ELSE '' END
               || CASE WHEN n = 5 THEN 'Zyxunique' ELSE '' END,
             'p' || n || '@school.kz',
             '+7 (701) ' || lpad(n::text, 7, '0'),
             timestamptz '2026-01-01' + n * interval '1 minute'
        FROM generate_series(1, ${USERS}) n`);
    await store.db.exec("ANALYZE users");
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  /** The answer by definition: every match, newest first, no index tricks. */
  async function exact(where: string, limit = 50): Promise<string[]> {
    const rows = await store.db.query<{ id: string }>(
      `SELECT id FROM users WHERE ${where} ORDER BY created_at DESC, id LIMIT ${limit}`,
    );
    return rows.map((r) => r.id);
  }
  const found = async (term: string) =>
    (await asStaff(store.db, "admin", (tx) => findUsers(tx, term))).map((u) => u.id);

  it("a common term: the newest 50 matches", async () => {
    const ids = await found("commonname");
    expect(ids).toHaveLength(50);
    expect(ids).toEqual(await exact("full_name ILIKE '%commonname%'"));
  });

  it("a term rarer than the walk can fill (every 400th user): all of them, newest first", async () => {
    const ids = await found("mediumx");
    expect(ids).toEqual(await exact("full_name ILIKE '%mediumx%'"));
    expect(ids.length).toBe(Math.min(50, Math.floor(USERS / 400)));
  });

  it("a term only old users match, beyond the newest-first walk", async () => {
    const ids = await found("oldonly");
    expect(ids).toEqual(await exact("full_name ILIKE '%oldonly%'"));
    expect(ids).toHaveLength(20);
    expect(ids[0]).toBe("u20");
  });

  it("a unique term, an email part with punctuation, and phone digits", async () => {
    expect(await found("zyxunique")).toEqual(["u5"]);
    expect(await found("p12@school")).toEqual(await exact("email ILIKE '%p12@school%'"));
    expect(await found("p12@school")).toEqual(["u12"]);
    expect(await found("701 000-00-05")).toEqual(await exact("phone LIKE '%0000005'"));
    expect(await found("nobody-has-this")).toEqual([]);
  });

  // The search function reads users as their owner, past the row-level policy: it must apply the
  // policy's own check, or a student session (or a forgotten route check) could list everyone.
  it("a caller who is not admin or sales finds nobody, even through the search function", async () => {
    for (const role of ["student", "", "Admin", "admin "]) {
      const rows = await asStaff(store.db, role, (tx) => findUsers(tx, "commonname"));
      expect(rows, `role ${JSON.stringify(role)}`).toEqual([]);
    }
    expect(await found("commonname")).toHaveLength(50);
  });
});
