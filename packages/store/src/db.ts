/** A row as the drivers return it: column name to parsed value. */
export type Row = Record<string, unknown>;

/** How to run one statement. */
export interface QueryOptions {
  /**
   * Keep the statement prepared under this name on each server connection, so PostgreSQL parses
   * and plans it once rather than on every call. Only for hot statements whose text never changes
   * (one name, one text); PGlite ignores it.
   */
  prepare?: string;
}

/** What a query needs: run one parameterised statement. */
export interface Queryable {
  query<T = Row>(sql: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs several statements at once, with no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `COPY table (columns) FROM STDIN` with `text` as its data (COPY's text format).
   * Offered inside transactions by both drivers; the ingest path falls back to INSERT without it.
   */
  copyIn?(copySql: string, text: string): Promise<void>;
}

/** The one small interface both drivers offer: embedded PGlite and a PostgreSQL server. */
export interface Database extends Queryable {
  readonly kind: "pglite" | "postgres";
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** int8 fits a JavaScript number for every count and id this product will see (< 2^53). */
export const parseInt8 = (value: string): number => Number(value);
