import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INGEST_KEY, PUBLIC_KEY, startTestServer, type TestServer } from "./helpers.ts";

const PER_USER = 20;
const PER_IP = 120;

/** One browser-style request: public key, one user's events, from a given address. */
function send(s: TestServer, ip: string, userId: string, n = 1) {
  const events = Array.from({ length: n }, (_, i) => ({
    user_id: userId,
    event_type: "PAGE_VIEW",
    message: `view ${i}`,
  }));
  return s.app.inject({
    method: "POST",
    url: "/api/events",
    remoteAddress: ip,
    headers: { "x-usertrail-key": PUBLIC_KEY },
    payload: { events },
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await fn();
  return [result, performance.now() - t0];
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0;

describe("flood on the public ingest routes", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("pglite", { ingestRateLimitPerUser: PER_USER, ingestRateLimitPerIp: PER_IP });
  });
  afterAll(() => s?.close());

  it("limits one user at 100x the normal rate with 429 + Retry-After while others flow at normal latency", async () => {
    // Normal traffic first, to know what normal latency is here.
    const baseline: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < 8; u++) {
        const [res, ms] = await timed(() => send(s, `10.1.0.${u}`, `calm-${u}`));
        expect(res.statusCode).toBe(200);
        baseline.push(ms);
      }
    }
    // The flooder: 10 requests at a time, 200 in all (the per-user limit is 20 a minute).
    const flood = (async () => {
      const statuses: number[] = [];
      const limited: { headers: Record<string, unknown>; body: string }[] = [];
      for (let i = 0; i < 20; i++) {
        const answers = await Promise.all(Array.from({ length: 10 }, () => send(s, "10.9.9.9", "flooder")));
        for (const a of answers) {
          statuses.push(a.statusCode);
          if (a.statusCode === 429) limited.push({ headers: a.headers, body: a.body });
        }
      }
      return { statuses, limited };
    })();
    const during: number[] = [];
    const calm = (async () => {
      for (let round = 0; round < 3; round++) {
        for (let u = 0; u < 8; u++) {
          const [res, ms] = await timed(() => send(s, `10.1.0.${u}`, `calm-${u}`));
          expect(res.statusCode, `calm-${u} during the flood`).toBe(200);
          during.push(ms);
        }
      }
    })();
    const [{ statuses, limited }] = await Promise.all([flood, calm]);
    expect(statuses.filter((c) => c === 200)).toHaveLength(PER_USER);
    expect(statuses.filter((c) => c === 429)).toHaveLength(200 - PER_USER);
    expect(Number(limited[0]?.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(limited[0]?.body ?? "{}").error).toMatch(/Too many requests for this user/);
    // Refused requests cost no database work, so the others keep near their normal latency
    // (generous bound: the test machine is shared).
    console.log(
      `calm users' p95 latency: ${p95(baseline).toFixed(1)} ms before, ${p95(during).toFixed(1)} ms during the flood`,
    );
    expect(p95(during)).toBeLessThan(p95(baseline) * 5 + 250);
    // Everything the calm users sent is stored.
    const admin = await s.login();
    for (let u = 0; u < 8; u++) {
      const stats = await s.as(admin, { url: `/api/tripwire/debug/user-stats/calm-${u}` });
      expect(stats.json().total_events).toBe(1 + 6); // USER_CREATED + 6 page views
    }
  });

  it("limits one address rotating user ids, and not other addresses", async () => {
    const codes: number[] = [];
    for (let i = 0; i < PER_IP + 10; i += 10) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          s.app
            .inject({
              method: "POST",
              url: "/api/events",
              remoteAddress: "10.8.8.8",
              headers: { "x-usertrail-key": PUBLIC_KEY },
              payload: { events: [] },
            })
            .then((r) => ({ r, j })),
        ),
      );
      for (const { r } of answers) codes.push(r.statusCode);
    }
    expect(codes.filter((c) => c === 429).length).toBe(10);
    const limited = await send(s, "10.8.8.8", `rotating-${Date.now()}`);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBeDefined();
    expect(limited.json().error).toMatch(/from this address/);
    expect((await send(s, "10.8.8.9", "neighbour")).statusCode).toBe(200);
  });

  it("limits the client-error route per user too, sharing the allowance with /api/events", async () => {
    const post = (ip: string) =>
      s.app.inject({
        method: "POST",
        url: `/api/tripwire/debug/client-error?key=${PUBLIC_KEY}`,
        remoteAddress: ip,
        payload: { message: "boom", user_id: "crashy" },
      });
    const codes: number[] = [];
    for (let i = 0; i < PER_USER + 5; i++) codes.push((await post(`10.2.0.${i % 200}`)).statusCode);
    expect(codes.slice(0, PER_USER).every((c) => c === 202)).toBe(true);
    expect(codes.slice(PER_USER)).toEqual([429, 429, 429, 429, 429]);
  });

  it("never limits the host app's backend (INGEST_KEY), which speaks for every user from one address", async () => {
    const codes = new Set<number>();
    for (let i = 0; i < PER_IP + 20; i += 20) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          s.app.inject({
            method: "POST",
            url: "/api/events",
            remoteAddress: "10.7.7.7",
            headers: { authorization: `Bearer ${INGEST_KEY}` },
            // One user's id (what the per-user limit counts) in an event the judge refuses before any
            // database work: quick, and the answer is 400, never 429.
            payload: { events: [{ user_id: "backend-user" }] },
          }),
        ),
      );
      for (const a of answers) codes.add(a.statusCode);
    }
    expect([...codes]).toEqual([400]);
  });

  it("answers 413 for a batch or body over the size limit, on both content types and both routes", async () => {
    const big = (mb: number) => JSON.stringify({ events: [{ message: "x".repeat(mb * 1024 * 1024) }] });
    for (const type of ["application/json", "text/plain"]) {
      const res = await s.app.inject({
        method: "POST",
        url: `/api/events?key=${PUBLIC_KEY}`,
        remoteAddress: "10.3.0.1",
        headers: { "content-type": type },
        payload: big(9),
      });
      expect(res.statusCode, type).toBe(413);
      expect(res.json().error).toMatch(/too large/);
      const clientError = await s.app.inject({
        method: "POST",
        url: `/api/tripwire/debug/client-error?key=${PUBLIC_KEY}`,
        remoteAddress: "10.3.0.2",
        headers: { "content-type": type },
        payload: JSON.stringify({ message: "m", stack: "s".repeat(1100 * 1024) }),
      });
      expect(clientError.statusCode, type).toBe(413);
    }
    const batch = await s.app.inject({
      method: "POST",
      url: `/api/events?key=${PUBLIC_KEY}`,
      remoteAddress: "10.3.0.3",
      payload: { events: Array(1001).fill({ user_id: "u", event_type: "LOGIN", message: "m" }) },
    });
    expect(batch.statusCode).toBe(413);
    expect(batch.json().error).toMatch(/at most 1000 events/);
  });
});
