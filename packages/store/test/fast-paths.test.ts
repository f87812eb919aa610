import type { AcceptedEvent } from "@usertrail/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  asStaff,
  findUsers,
  getUserActivityLogs,
  getUserActivityStats,
  IngestWriter,
  migrate,
  openPglite,
  openStore,
  type Store,
} from "../src/index.ts";
import { keepStatisticsFresh } from "../src/pglite-analyze.ts";
import { DATABASE_KINDS, testEvent as event, freshDatabase, type TestDatabase } from "./databases.ts";

/** The COPY ingest path and the per-type log query (issue 5) keep the old behaviour exactly. */
describe.each(DATABASE_KINDS)("fast paths on %s", (kind) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    store = await openStore(database.options);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("stores text that COPY's format must escape exactly as sent", async () => {
    const nasty = "tab\there\nnew line\r\\N back\\slash \\. end";
    const e = event({
      user_id: `copy\tuser\\N`,
      message: nasty,
      metadata: { nasty, nested: { list: ["\\", "\t", "\n"] }, quote: '"' },
    });
    // Groups of 100 or more go through COPY; fillers make this one such a group.
    const fillers = Array.from({ length: 120 }, () => event({ user_id: "filler" }));
    expect((await store.ingest([e, ...fillers]))[0]).toBe("stored");
    const { logs } = await getUserActivityLogs(store.db, `copy\tuser\\N`, { eventTypes: ["LOGIN"] });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ message: nasty, metadata: e.metadata, event_id: e.event_id });
  });

  it("counts each event once: duplicates in a batch, stored before, or in concurrent requests", async () => {
    const first = event({ user_id: "dup-user", severity: "error" });
    const again = { ...first, message: "second copy" };
    expect(await store.ingest([first, again])).toEqual(["stored", "duplicate"]);
    const fresh = event({ user_id: "dup-user", severity: "critical" });
    const answers = await Promise.all([store.ingest([first, fresh]), store.ingest([fresh])]);
    expect(answers.flat().filter((a) => a === "stored")).toHaveLength(1);
    // USER_CREATED, the error and the critical one.
    expect(await getUserActivityStats(store.db, "dup-user")).toMatchObject({
      total_events: 3,
      errors: 2,
      critical: 1,
    });
    const { logs } = await getUserActivityLogs(store.db, "dup-user");
    expect(logs.map((l) => l.message)).not.toContain("second copy");
    // The same through COPY (a group of 100+): one stored before, one twice in the batch.
    const big = Array.from({ length: 110 }, () => event({ user_id: "dup-big" }));
    const answers2 = await store.ingest([...big, first, big[0] as AcceptedEvent]);
    expect(answers2.filter((a) => a === "stored")).toHaveLength(110);
    expect(answers2.slice(-2)).toEqual(["duplicate", "duplicate"]);
    expect((await getUserActivityStats(store.db, "dup-big")).total_events).toBe(111);
    expect((await getUserActivityStats(store.db, "dup-user")).total_events).toBe(3);
  });

  it("pages several event types newest first, a type named twice counted once", async () => {
    const base = Date.parse("2025-12-01T00:00:00Z");
    const types = ["LOGIN", "VIDEO_VIEW", "API_ERROR", "USER_CREATED_LATER"];
    await store.ingest(
      Array.from({ length: 40 }, (_, i) =>
        event({
          user_id: "typed",
          event_type: types[i % 4],
          created_at: new Date(base + i * 60_000).toISOString(),
        }),
      ),
    );
    const filter = { limit: 7, eventTypes: ["API_ERROR", "LOGIN", "API_ERROR"] };
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await getUserActivityLogs(store.db, "typed", { ...filter, cursor });
      seen.push(...page.logs.map((l) => `${l.created_at.toISOString()} ${l.event_type}`));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(seen.every((s) => s.endsWith("API_ERROR") || s.endsWith("LOGIN"))).toBe(true);
  });

  it("search matches across punctuation exactly, its letter stand-ins never matching real letters", async () => {
    const people = [
      ["s1", "ivan.kozlov@mail.ru", "Ivan Kozlov"],
      ["s2", "ivandkozlov@mail.ru", "Ivand Kozlov"],
      ["s3", "a_b+c-d@x.io", "Under Score"],
      ["s4", "aub@x.io", "Aub"],
    ];
    for (const [id, email, full_name] of people) {
      await store.upsertUser(
        id as string,
        { email: email as string, phone: null, full_name: full_name as string },
        {
          kind: "upsert",
        },
      );
    }
    const ids = async (term: string) =>
      (await asStaff(store.db, "admin", (tx) => findUsers(tx, term))).map((u) => u.id).sort();
    expect(await ids("n.k")).toEqual(["s1"]);
    expect(await ids("N.KOZ")).toEqual(["s1"]);
    expect(await ids("a_b+c-d@")).toEqual(["s3"]);
    expect(await ids("a_b")).toEqual(["s3"]);
    expect(await ids("ivan koz")).toEqual(["s1"]);
    expect(await ids("@mail.ru")).toEqual(["s1", "s2"]);
    expect(await ids("%")).toEqual([]);
  });
});

describe("PGlite without autovacuum", () => {
  it("re-analyzes once enough new events arrived, so the planner sees the tables' real size", async () => {
    const database = await freshDatabase("pglite");
    const db = await openPglite(database.options.dataDir as string);
    await migrate(db);
    const writer = new IngestWriter(db);
    const analyzing = await keepStatisticsFresh(db, writer, 200);
    try {
      const reltuples = async () =>
        Number(
          (
            await db.query<{ n: number }>(
              "SELECT reltuples::float8 AS n FROM pg_class WHERE relname = 'user_activity_logs'",
            )
          )[0]?.n,
        );
      expect(await reltuples()).toBeLessThan(1);
      await writer.write(Array.from({ length: 250 }, (_, j) => event({ user_id: `a${j % 5}` })));
      await expect.poll(reltuples, { timeout: 20_000 }).toBeGreaterThan(200);
    } finally {
      await writer.idle();
      await analyzing();
      await db.close();
      await database.drop();
    }
  });
});
