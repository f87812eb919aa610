import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOutage } from "../../../bench/lib/outage.ts";
import { createCluster, type ThrowawayCluster } from "../../../bench/lib/pg-cluster.ts";
import { buildServer } from "../src/index.ts";
import { INGEST_KEY } from "./helpers.ts";

// The 30-second version with a server process is bench/outage.ts; this one stops the database for 5 s.
describe("PostgreSQL outage under load", () => {
  let cluster: ThrowawayCluster;
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    cluster = await createCluster();
    app = await buildServer({ databaseUrl: cluster.url, ingestKey: INGEST_KEY });
    url = await app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await app?.close();
    cluster?.destroy();
  });

  it("answers 503 + Retry-After, never hangs, recovers by itself, and loses nothing a retrying client sent", async () => {
    const result = await runOutage({
      serverUrl: url,
      cluster,
      ingestKey: INGEST_KEY,
      outageMs: 5000,
      steadyMs: 2000,
    });
    expect(result.healthDuringOutage).toMatchObject({ status: 503, retryAfter: "5" });
    expect(result.statuses["503"]).toBeGreaterThan(0);
    expect(result.retryAfterOn503).toBe(true);
    // A request waits at most for the pool's connection timeout (5 s), never until the database is back.
    expect(result.maxWaitMs).toBeLessThan(15_000);
    expect(result.recoverySeconds).toBeGreaterThanOrEqual(0);
    expect(result.missing).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.storedOnce).toBe(result.sent);
    expect(result.sdk).toMatchObject({ delivered: true, dropped: {}, stored: result.sdk.logged });
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
  });
});
