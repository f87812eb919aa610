import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../../../packages/store/test/databases.ts";
import { ADMIN, INGEST_KEY, PUBLIC_KEY } from "./helpers.ts";
import { openLive } from "./live-client.ts";
import { type ServerProcess, spawnServer } from "./spawn-server.ts";

// Cross-process delivery is what LISTEN/NOTIFY is for, so this runs on PostgreSQL only; embedded
// PGlite is one process by design (its in-process delivery is tested in live.test.ts).
describe("live updates across two server processes on one PostgreSQL", () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let token: string;

  beforeAll(async () => {
    database = await freshDatabase("postgres");
    const env = {
      DATABASE_URL: database.options.databaseUrl as string,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      INGEST_KEY,
      PUBLIC_KEY,
    };
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    const res = await fetch(`${b.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    token = (await res.json()).token;
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  const ingestInto = async (server: ServerProcess, userId: string, message: string) => {
    const res = await fetch(`${server.url}/api/events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${INGEST_KEY}` },
      body: JSON.stringify({
        events: [{ user_id: userId, event_type: "API_ERROR", message, severity: "critical" }],
      }),
    });
    expect(res.status).toBe(200);
  };

  it("delivers an event ingested by one process to a subscriber of the other within one second", async () => {
    const live = await openLive(`${b.url.replace("http", "ws")}/api/live?userId=cross-1&token=${token}`);
    expect(live.messages.find((m) => m.type === "ready")?.cross_process).toBe(true);
    const started = Date.now();
    await ingestInto(a, "cross-1", "from process A");
    const got = await live.waitFor((m) => m.message === "from process A", 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(got).toMatchObject({ user_id: "cross-1", event_type: "API_ERROR", severity: "critical" });
    await live.close();
  });

  it("reconnects its LISTEN connection when the database drops it, and fills the gap", async () => {
    const live = await openLive(`${b.url.replace("http", "ws")}/api/live?token=${token}`);
    const admin = new pg.Client({ connectionString: database.options.databaseUrl });
    await admin.connect();
    try {
      const killed = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'usertrail-live-listen' AND datname = current_database()",
      );
      // Only process B has subscribers, and a hub starts listening with its first subscriber.
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    // Stored while the listeners are gone: the catch-up after reconnecting delivers it.
    await ingestInto(a, "cross-2", "while disconnected");
    await live.waitFor((m) => m.message === "while disconnected", 10_000);
    await ingestInto(a, "cross-2", "after reconnect");
    await live.waitFor((m) => m.message === "after reconnect", 5000);
    expect(live.messages.filter((m) => m.message === "while disconnected")).toHaveLength(1);
    await live.close();
  });
});
