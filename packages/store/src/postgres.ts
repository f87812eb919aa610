import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { type Database, parseInt8, type Queryable, type QueryOptions } from "./db.ts";
import { isDatabaseUnavailable } from "./unavailable.ts";

pg.types.setTypeParser(pg.types.builtins.INT8, parseInt8);

export interface PostgresOptions {
  /** Connections in the pool; ingest groups commits, so a few are enough. */
  max?: number;
  /** A request waits at most this long for the database before it is answered 503. */
  connectionTimeoutMs?: number;
  statementTimeoutMs?: number;
  /**
   * Client-side limit on waiting for any answer. statement_timeout is enforced by the server, so a
   * server that is frozen or cut off by the network never sends it; this one fires regardless.
   */
  queryTimeoutMs?: number;
}

/** Connects a pool to a PostgreSQL server at `url`. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    query_timeout: options.queryTimeoutMs ?? (options.statementTimeoutMs ?? 30_000) + 5000,
    // Notices a dead peer on an idle pooled connection instead of keeping it forever.
    keepAlive: true,
  });
  // An idle client losing its server (a restart) must not crash the process.
  pool.on("error", () => {});
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[], options?: QueryOptions) {
      const name = options?.prepare;
      const result = name
        ? await client.query({ name, text: sql, values: params })
        : await client.query(sql, params as unknown[]);
      return result.rows as T[];
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
      // While a client is checked out the pool stops listening for its errors. A connection error
      // between two queries (the server shutting down) would then be an uncaught exception that ends
      // the process; noted here, it fails the next query instead.
      const ignore = () => {};
      client.on("error", ignore);
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        await client.query("BEGIN");
        result = await fn(wrapClient(client));
        await client.query("COMMIT");
      } catch (error) {
        // A connection that lost its server (or timed out) is thrown away, not given back to the pool,
        // and gets no ROLLBACK: that would only wait for the same dead peer again.
        client.off("error", ignore);
        if (isDatabaseUnavailable(error)) {
          client.release(error as Error);
          throw error;
        }
        await client.query("ROLLBACK").catch(() => {});
        client.release();
        throw error;
      }
      client.off("error", ignore);
      client.release();
      return result;
    },
    close: () => pool.end(),
  };
}
