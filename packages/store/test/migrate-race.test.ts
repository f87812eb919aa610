import { afterAll, beforeAll, expect, it } from "vitest";
import { type Database, migrate, openPostgres } from "../src/index.ts";
import { freshDatabase, type TestDatabase } from "./databases.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await freshDatabase("postgres");
});
afterAll(async () => {
  await database?.drop();
});

// Two server processes started together on an empty database (the live test does this) once failed
// with a duplicate pg_type row: both created schema_migrations at the same moment.
it("several servers migrating one empty PostgreSQL database at once all succeed, and each file runs once", async () => {
  const url = database.options.databaseUrl as string;
  const pools = await Promise.all(Array.from({ length: 4 }, () => openPostgres(url, { max: 2 })));
  try {
    const results = await Promise.all(pools.map((db) => migrate(db)));
    const applied = results.flat();
    expect(new Set(applied).size).toBe(applied.length);
    const [first] = pools as [Database];
    const [row] = await first.query<{ n: number }>("SELECT count(*)::int AS n FROM schema_migrations");
    expect(row?.n).toBe(applied.length);
    expect(applied.length).toBeGreaterThan(5);
  } finally {
    await Promise.all(pools.map((db) => db.close()));
  }
});
