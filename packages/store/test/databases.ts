import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AcceptedEvent, judgeEvent } from "@usertrail/core";
import pg from "pg";

/** The shared PostgreSQL server of the test machine; each test file makes a database of its own on it. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  kind: "pglite" | "postgres";
  /** Options for openStore/buildServer pointing at a fresh, empty database. */
  options: { dataDir?: string; databaseUrl?: string };
  drop(): Promise<void>;
}

/** A fresh database on the shared server, named so that the guard below can tell it is a test one. */
async function freshPostgres(): Promise<TestDatabase> {
  const name = `usertrail_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    kind: "postgres",
    options: { databaseUrl: url.toString() },
    async drop() {
      // Refuse to drop anything that is not a database this helper made.
      if (!name.startsWith("usertrail_test_")) throw new Error(`refusing to drop ${name}`);
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

function freshPglite(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), "usertrail-test-"));
  return {
    kind: "pglite",
    options: { dataDir: dir },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Both kinds of database every storage test runs against. */
export const DATABASE_KINDS = ["pglite", "postgres"] as const;

export function freshDatabase(kind: (typeof DATABASE_KINDS)[number]): Promise<TestDatabase> {
  return kind === "pglite" ? Promise.resolve(freshPglite()) : freshPostgres();
}

/** A judged event for tests: a LOGIN with message "m" unless `input` says otherwise. */
export function testEvent(input: Record<string, unknown>): AcceptedEvent {
  const judged = judgeEvent({ message: "m", event_type: "LOGIN", ...input });
  if (!judged.ok) throw new Error(judged.error);
  return judged.event;
}

/** The fields of a log entry, as the seed's example has them plus event_id and issue_id: the API contract. */
export const LOG_ENTRY_KEYS = [
  "created_at",
  "event_category",
  "event_id",
  "event_type",
  "id",
  "issue_id",
  "message",
  "metadata",
  "severity",
  "user_id",
];
