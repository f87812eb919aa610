import type { AcceptedEvent, UserBlock } from "@usertrail/core";
import type { Database } from "./db.ts";
import type { UserSource } from "./events-write.ts";
import { IngestWriter, type StoreStatus } from "./ingest-writer.ts";
import { migrate } from "./migrate.ts";
import { openPglite } from "./pglite.ts";
import { keepStatisticsFresh } from "./pglite-analyze.ts";
import { openPostgres } from "./postgres.ts";
import { upsertUserIn } from "./user-create.ts";

export * from "./accounts.ts";
export * from "./alerts.ts";
export * from "./audit.ts";
export type { Database, Queryable, Row } from "./db.ts";
export * from "./erasure.ts";
export { insertEvents, type UserSource } from "./events-write.ts";
export * from "./health-write.ts";
export {
  type CommitListener,
  IngestWriter,
  type IngestWriterOptions,
  type StoreStatus,
} from "./ingest-writer.ts";
export * from "./jobs.ts";
export * from "./live-read.ts";
export * from "./logs-export.ts";
export * from "./logs-read.ts";
export { migrate } from "./migrate.ts";
export * from "./overview-read.ts";
export { type Listener, type ListenOptions, listenPostgres } from "./pg-listen.ts";
export { openPglite } from "./pglite.ts";
export { openPostgres } from "./postgres.ts";
export * from "./retention.ts";
export * from "./settings.ts";
export * from "./staff-scope.ts";
export * from "./stats-read.ts";
export { isDatabaseUnavailable, WriterBusyError } from "./unavailable.ts";
export * from "./user-create.ts";
export * from "./users-read.ts";

export interface StoreOptions {
  /** Folder of the embedded database; used when no databaseUrl is given. */
  dataDir?: string;
  /** A PostgreSQL server; when set, the embedded database is not used. */
  databaseUrl?: string;
  /** Ingest group transactions in flight at once on PostgreSQL (default 1; see IngestWriterOptions). */
  ingestTransactions?: number;
}

export interface Store {
  db: Database;
  writer: IngestWriter;
  /** Stores judged events through the group-commit writer. */
  ingest(events: AcceptedEvent[]): Promise<StoreStatus[]>;
  /** Creates or updates one user; logs USER_CREATED if new. Returns whether it was created. */
  upsertUser(id: string, block: UserBlock | null, source: UserSource): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the database the options name, brings its schema up to date, and starts the writer. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const db = options.databaseUrl
    ? await openPostgres(options.databaseUrl)
    : await openPglite(options.dataDir ?? "./data");
  if (options.databaseUrl) {
    // The pool gives up on a statement after 30 s, as requests should; a migration on a big install
    // (a new column over 1M users, an index over 10M events) takes longer, so it gets a client of
    // its own without those limits.
    const migrator = await openPostgres(options.databaseUrl, {
      max: 1,
      statementTimeoutMs: 0,
      queryTimeoutMs: 0,
    });
    await migrate(migrator).finally(() => migrator.close());
  } else {
    await migrate(db);
  }
  // PGlite runs one transaction at a time, so groups in flight at once would only queue there.
  const writer = new IngestWriter(db, {
    maxInFlight: db.kind === "postgres" ? (options.ingestTransactions ?? 1) : 1,
  });
  const analyzing = db.kind === "pglite" ? await keepStatisticsFresh(db, writer) : async () => {};
  return {
    db,
    writer,
    ingest: (events) => writer.write(events),
    upsertUser: (id, block, source) => db.transaction((tx) => upsertUserIn(tx, id, block, source)),
    async close() {
      await writer.idle();
      await analyzing();
      await db.close();
    },
  };
}
export * from "./analytics-read.ts";
export * from "./anomaly-read.ts";
export * from "./issues-read.ts";
export { draftIssues, type IssueDraft, issueIdOf } from "./issues-write.ts";
