import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createQueue, retryDelay, type WireEvent } from "../src/queue.ts";

/** A loopback server that answers each request with the next scripted reply (then 200). */
async function scripted(replies: Array<[number, Record<string, string>?]>) {
  const received: Array<{ at: number; events: WireEvent[] }> = [];
  const server = createServer((req, res: ServerResponse) => {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      const events = (JSON.parse(raw) as { events: WireEvent[] }).events;
      received.push({ at: Date.now(), events });
      const [status, headers] = replies.shift() ?? [200];
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(
        JSON.stringify({ results: events.map(() => ({ status: status < 207 ? "stored" : "rejected" })) }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const send = async (events: WireEvent[]) => {
    const r = await fetch(url, { method: "POST", body: JSON.stringify({ events }) });
    const body = (await r.json()) as { results: Array<{ status: string }> };
    return { status: r.status, retryAfter: r.headers.get("retry-after"), results: body.results };
  };
  return { received, send, close: () => new Promise((r) => server.close(r)) };
}

const ev = (n: number): WireEvent => ({
  event_id: crypto.randomUUID(),
  user_id: "u1",
  event_type: "TEST",
  message: `event ${n}`,
});

let close: (() => unknown) | undefined;
afterEach(() => close?.());

describe("createQueue", () => {
  it("sends in batches and counts what was sent", async () => {
    const s = await scripted([]);
    close = s.close;
    const q = createQueue({ send: s.send, batchSize: 10, maxQueue: 100, flushDelay: 10_000 });
    for (let i = 0; i < 25; i++) q.add(ev(i));
    expect(await q.flush(5000)).toBe(true);
    expect(s.received.map((r) => r.events.length)).toEqual([10, 10, 5]);
    expect(q.stats()).toEqual({ queued: 0, sent: 25, dropped: {} });
  });

  it("respects Retry-After on 503 and 429, keeping event ids on retry", async () => {
    const s = await scripted([
      [503, { "retry-after": "1" }],
      [429, { "retry-after": "0" }],
    ]);
    close = s.close;
    const q = createQueue({ send: s.send, batchSize: 10, maxQueue: 100, flushDelay: 10_000 });
    q.add(ev(1));
    const started = Date.now();
    expect(await q.flush(10_000)).toBe(true);
    expect(s.received).toHaveLength(3);
    expect((s.received[1]?.at ?? 0) - started).toBeGreaterThanOrEqual(990);
    expect(new Set(s.received.map((r) => r.events[0]?.event_id)).size).toBe(1);
    expect(q.stats().sent).toBe(1);
  });

  it("drops and counts a batch the server refuses, and events it rejects one by one", async () => {
    const s = await scripted([[400], [207]]);
    close = s.close;
    const q = createQueue({ send: s.send, batchSize: 2, maxQueue: 100, flushDelay: 10_000 });
    for (let i = 0; i < 4; i++) q.add(ev(i));
    expect(await q.flush(5000)).toBe(true);
    expect(q.stats().dropped).toEqual({ rejected: 4 });
  });

  it("gives up at the flush deadline but keeps the events for later", async () => {
    const s = await scripted([[503, { "retry-after": "30" }]]);
    close = s.close;
    const q = createQueue({ send: s.send, batchSize: 10, maxQueue: 100, flushDelay: 10_000 });
    q.add(ev(1));
    const started = Date.now();
    expect(await q.flush(500)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(q.stats().queued).toBe(1);
  });

  it("retries network failures with backoff until the server answers", async () => {
    let calls = 0;
    const q = createQueue({
      send: async () => {
        if (++calls < 3) throw new TypeError("fetch failed");
        return { status: 200 };
      },
      batchSize: 10,
      maxQueue: 100,
      flushDelay: 10_000,
    });
    q.add(ev(1));
    expect(await q.flush(10_000)).toBe(true);
    expect(calls).toBe(3);
  });

  it("is bounded: the oldest events go first and are counted", () => {
    const saved: number[] = [];
    const q = createQueue({
      send: async () => ({ status: 0 }),
      batchSize: 10,
      maxQueue: 3,
      flushDelay: 60_000,
      initial: [ev(0), ev(1), ev(2), ev(3)],
      onChange: (items) => saved.push(items.length),
    });
    expect(q.stats().queued).toBe(3);
    q.add(ev(4));
    expect(q.items().map((e) => e.message)).toEqual(["event 2", "event 3", "event 4"]);
    expect(q.stats().dropped).toEqual({ queue_full: 1 });
    expect(saved).toEqual([3]);
  });

  it("computes backoff from Retry-After seconds or dates, else exponentially", () => {
    expect(retryDelay("2", 0)).toBe(2000);
    expect(retryDelay(new Date(Date.now() + 5000).toUTCString(), 0)).toBeGreaterThan(3000);
    expect(retryDelay("9999", 0)).toBe(60_000);
    const d = retryDelay(null, 3);
    expect(d).toBeGreaterThanOrEqual(6400);
    expect(d).toBeLessThanOrEqual(9600);
    expect(retryDelay("garbage", 20, 30_000)).toBeLessThanOrEqual(36_000);
  });
});
