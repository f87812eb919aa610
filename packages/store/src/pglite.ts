import { mkdirSync } from "node:fs";
import { PGlite, types } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { type Database, parseInt8, type Queryable } from "./db.ts";

/** Opens (creating on first use) the embedded database in `dataDir`; `memory://` keeps it in RAM. */
export async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({
    dataDir,
    extensions: { pg_trgm },
    parsers: { [types.INT8]: parseInt8 },
  });
  const wrap = (q: Pick<PGlite, "query" | "exec">): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      return (await q.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
    async copyIn(copySql: string, text: string) {
      // PGlite reads COPY data from a Blob mounted at /dev/blob.
      await q.query(copySql.replace(/FROM STDIN$/, "FROM '/dev/blob'"), [], { blob: new Blob([text]) });
    },
  });
  const root = wrap(pg);
  return {
    kind: "pglite",
    query: root.query,
    exec: root.exec,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    close: () => pg.close(),
  };
}
