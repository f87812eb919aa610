import { type AcceptedEvent, judgeEvent } from "@usertrail/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getUserActivityLogs, getUserActivityStats, openStore, type Store } from "../src/index.ts";
import { DATABASE_KINDS, freshDatabase, type TestDatabase } from "./databases.ts";

function event(input: Record<string, unknown>): AcceptedEvent {
  const judged = judgeEvent({ message: "m", event_type: "LOGIN", ...input });
  if (!judged.ok) throw new Error(judged.error);
  return judged.event;
}

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
    expect(await store.ingest([e])).toEqual(["stored"]);
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
});
