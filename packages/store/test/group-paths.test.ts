import type { AcceptedEvent } from "@usertrail/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeGroupInOneStatement } from "../src/events-one-statement.ts";
import { storeEventGroup } from "../src/events-write.ts";
import { type Database, IngestWriter, migrate, openPglite, openPostgres } from "../src/index.ts";
import { DATABASE_KINDS, testEvent as event, freshDatabase, type TestDatabase } from "./databases.ts";

const STACK = `TypeError: Cannot read properties of null (reading 'play')
    at Player.start (https://app.example.com/assets/player.3f2a9c1b.js:10:5)
    at onClick (https://app.example.com/assets/main.3f2a9c1b.js:20:7)`;

/** A group with everything a group can hold: new and known users, profiles, errors, duplicates. */
function mixedGroup(known: AcceptedEvent): AcceptedEvent[] {
  const error = event({
    user_id: "g-anna",
    event_type: "CLIENT_ERROR",
    severity: "error",
    message: "boom",
    metadata: { stack: STACK },
  });
  return [
    event({ user_id: "g-anna", user: { email: "anna@example.com", full_name: "Anna" } }),
    error,
    { ...error },
    event({
      user_id: "g-boris",
      event_type: "API_ERROR",
      severity: "critical",
      message: "GET /api/x answered 500",
    }),
    event({
      user_id: "g-boris",
      event_type: "CLIENT_ERROR",
      severity: "error",
      message: "boom",
      metadata: { stack: STACK },
    }),
    known,
    event({ user_id: "g-known", user: { phone: "+7 701 123 45 67" } }),
    event({ user_id: "g-vera", severity: "warning" }),
  ];
}

/** Every row a group writes, minus what differs by nature (generated ids, write times). */
async function snapshot(db: Database) {
  return {
    users: await db.query(
      "SELECT id, email, phone, full_name, created_at FROM users WHERE id LIKE 'g-%' ORDER BY id",
    ),
    logs: await db.query(
      `SELECT CASE WHEN event_type = 'USER_CREATED' THEN NULL ELSE event_id END AS event_id, user_id,
              event_type, event_category, message, metadata, severity, created_at, issue_id
         FROM user_activity_logs WHERE user_id LIKE 'g-%' ORDER BY user_id, created_at, message, event_id`,
    ),
    stats: await db.query("SELECT * FROM user_stats WHERE user_id LIKE 'g-%' ORDER BY user_id"),
    issues: await db.query(
      `SELECT id, fingerprint, title, exception_type, event_type, frames, sample_stack, count, users,
              first_seen, last_seen, status FROM issues ORDER BY id`,
    ),
    issueUsers: await db.query("SELECT * FROM issue_users ORDER BY issue_id, user_id"),
  };
}

const RESET = "TRUNCATE users, user_activity_logs, user_stats, issues, issue_users";

describe.each(DATABASE_KINDS)("ingest group paths on %s", (kind) => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    db = database.options.databaseUrl
      ? await openPostgres(database.options.databaseUrl)
      : await openPglite(database.options.dataDir as string);
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it("one statement (small groups) writes exactly what the step-by-step transaction writes", async () => {
    const known = event({ user_id: "g-known" });
    const group = mixedGroup(known);
    const results: Awaited<ReturnType<typeof snapshot>>[] = [];
    const freshIds: string[][] = [];
    for (const store of [
      (events: AcceptedEvent[]) => db.transaction((tx) => storeEventGroup(tx, events)),
      (events: AcceptedEvent[]) => storeGroupInOneStatement(db, events),
    ]) {
      await db.exec(RESET);
      // A user and an event stored before: the group must treat both as known.
      await store([known]);
      const fresh = await store(group);
      freshIds.push(group.map((e) => e.event_id).filter((id) => fresh.has(id)));
      results.push(await snapshot(db));
    }
    expect(results[1]).toEqual(results[0]);
    expect(freshIds[1]).toEqual(freshIds[0]);
    // And what both wrote is right: the duplicate and the event stored before are not new.
    const [first] = results as [Awaited<ReturnType<typeof snapshot>>];
    expect(new Set(freshIds[0])).toHaveProperty("size", 6);
    expect(first.logs.filter((l) => l.event_type === "USER_CREATED")).toHaveLength(4);
    expect(first.stats).toMatchObject([
      { user_id: "g-anna", total_events: 3, errors: 1, critical: 0 },
      { user_id: "g-boris", total_events: 3, errors: 2, critical: 1 },
      { user_id: "g-known", total_events: 3, errors: 0, critical: 0 },
      { user_id: "g-vera", total_events: 2, errors: 0, critical: 0 },
    ]);
    expect(first.users.find((u) => u.id === "g-known")).toMatchObject({ phone: "+7 701 123 45 67" });
    const boom = first.issues.find((i) => i.event_type === "CLIENT_ERROR");
    expect(boom).toMatchObject({ count: 2, users: 2 });
  });

  it("one statement leaves nothing behind when it fails", async () => {
    await db.exec(RESET);
    const good = event({ user_id: "g-rollback" });
    // A user id the database's own check refuses (longer than 128) fails the whole statement.
    const bad = { ...event({ user_id: "g-x" }), user_id: `g-${"x".repeat(200)}` };
    await expect(storeGroupInOneStatement(db, [good, bad])).rejects.toThrow();
    expect(await db.query("SELECT 1 FROM users WHERE id LIKE 'g-%'")).toEqual([]);
    expect(await db.query("SELECT 1 FROM user_activity_logs")).toEqual([]);
    expect(await db.query("SELECT 1 FROM user_stats")).toEqual([]);
  });

  it("the writer groups a burst of writes made in one turn into one statement", async () => {
    await db.exec(RESET);
    const { counted, calls } = counting(db);
    const writer = new IngestWriter(counted);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => writer.write([event({ user_id: `g-burst-${i % 4}` })])),
    );
    expect(answers.flat()).toEqual(Array(20).fill("stored"));
    expect(calls.statements).toBe(1);
  });
});

describe("ingest writer on PostgreSQL", () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await freshDatabase("postgres");
    db = await openPostgres(database.options.databaseUrl as string);
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it("with several transactions in flight, keeps at most that many and counts every event once", async () => {
    await db.exec(RESET);
    const { counted, calls } = counting(db);
    const writer = new IngestWriter(counted, { maxInFlight: 2 });
    const shared = event({ user_id: "g-par-0", severity: "error" });
    const writes: Promise<unknown>[] = [];
    for (let round = 0; round < 30; round++) {
      writes.push(writer.write([event({ user_id: `g-par-${round % 3}`, severity: "error" })]));
      // The same id in many groups at once: stored once, a duplicate everywhere else.
      if (round % 10 === 0) writes.push(writer.write([shared]));
      await new Promise((r) => setImmediate(r));
    }
    const answers = (await Promise.all(writes)).flat();
    expect(answers.filter((a) => a === "stored")).toHaveLength(31);
    expect(calls.maxConcurrent).toBe(2);
    const stats = await db.query<{ user_id: string; total_events: number; errors: number }>(
      "SELECT user_id, total_events, errors FROM user_stats ORDER BY user_id",
    );
    // 10 events each, 11 for g-par-0 (the shared one), plus each user's USER_CREATED.
    expect(stats).toEqual([
      { user_id: "g-par-0", total_events: 12, errors: 11 },
      { user_id: "g-par-1", total_events: 11, errors: 10 },
      { user_id: "g-par-2", total_events: 11, errors: 10 },
    ]);
  });
});

/** The real database, with its statements counted (how many, and how many ran at once). */
function counting(db: Database) {
  const calls = { statements: 0, running: 0, maxConcurrent: 0 };
  const counted: Database = {
    ...db,
    kind: db.kind,
    async query<T>(sql: string, params?: unknown[], options?: { prepare?: string }) {
      calls.statements++;
      calls.running++;
      calls.maxConcurrent = Math.max(calls.maxConcurrent, calls.running);
      // Slow enough that groups started together overlap for sure.
      await new Promise((r) => setTimeout(r, 20));
      try {
        return await db.query<T>(sql, params, options);
      } finally {
        calls.running--;
      }
    },
  };
  return { counted, calls };
}
