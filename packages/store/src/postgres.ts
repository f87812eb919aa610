import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { type Database, parseInt8, type Queryable } from "./db.ts";

pg.types.setTypeParser(pg.types.builtins.INT8, parseInt8);

export interface PostgresOptions {
  /** Connections in the pool; ingest groups commits, so a few are enough. */
  max?: number;
  /** A request waits at most this long for the database before it is answered 503. */
  connectionTimeoutMs?: number;
  statementTimeoutMs?: number;
}

/** Connects a pool to a PostgreSQL server at `url`. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
  });
  // An idle client losing its server (a restart) must not crash the process.
  pool.on("error", () => {});
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params as unknown[])).rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  const wrapClient = (client: pg.PoolClient): Queryable => ({
    ...wrap(client),
    async copyIn(copySql: string, text: string) {
      await pipeline([text], client.query(copyFrom(copySql)));
    },
  });
  const root = wrap(pool);
  await root.query("SELECT 1");
  return {
    kind: "postgres",
    query: root.query,
    exec: root.exec,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(wrapClient(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
