/** The HTTP load generator shared by the ingest and memory benchmarks: undici keep-alive, many senders. */
import { Pool } from "undici";
import { INGEST_KEY, sleep } from "./lib.ts";

export interface LoadResult {
  requests: number;
  failures: number;
  seconds: number;
  latenciesMs: number[];
}

export function pool(url: string, connections: number): Pool {
  return new Pool(url, { connections, keepAliveTimeout: 60_000, pipelining: 1 });
}

/** Sends one POST /api/events body; answers its latency in ms, or throws on a non-2xx answer. */
export async function post(p: Pool, body: string): Promise<number> {
  const started = performance.now();
  const res = await p.request({
    method: "POST",
    path: "/api/events",
    headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
    body,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${res.statusCode}: ${text.slice(0, 200)}`);
  return performance.now() - started;
}

/** Closed loop: `senders` loops, each sending its next batch as soon as the last is answered. */
export async function closedLoop(
  p: Pool,
  senders: number,
  seconds: number,
  batch: () => string,
): Promise<LoadResult> {
  const result: LoadResult = { requests: 0, failures: 0, seconds: 0, latenciesMs: [] };
  const started = performance.now();
  const until = started + seconds * 1000;
  const sender = async () => {
    while (performance.now() < until) {
      try {
        result.latenciesMs.push(await post(p, batch()));
        result.requests++;
      } catch (error) {
        if (result.failures++ < 3) console.error(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** Open loop: requests start at a fixed rate whatever the answers do, so latency is measured honestly. */
export async function openLoop(
  p: Pool,
  perSecond: number,
  seconds: number,
  batch: () => string,
): Promise<LoadResult> {
  const result: LoadResult = { requests: 0, failures: 0, seconds: 0, latenciesMs: [] };
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    while (sent < due) {
      sent++;
      const scheduled = started + (sent / perSecond) * 1000;
      const one = post(p, batch())
        // Latency counts from when the request was due, so a stalled generator cannot hide a queue.
        .then((ms) => {
          result.latenciesMs.push(Math.max(ms, performance.now() - scheduled));
          result.requests++;
        })
        .catch((error) => {
          if (result.failures++ < 3) console.error(String(error));
        })
        .finally(() => inFlight.delete(one));
      inFlight.add(one);
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
