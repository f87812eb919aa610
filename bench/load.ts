/** The HTTP load generator shared by the ingest and memory benchmarks: keep-alive sockets, many senders. */
import { LoadClient } from "./http-client.ts";
import { INGEST_KEY, sleep } from "./lib.ts";

export interface LoadResult {
  requests: number;
  failures: number;
  seconds: number;
  latenciesMs: number[];
  /** Open loop only: how late the generator sent each request (its own stalls, part of latency). */
  sendLateMs?: number[];
}

/** `connections` keep-alive sockets that POST event batches to /api/events with the ingest key. */
export function pool(url: string, connections: number): Promise<LoadClient> {
  return LoadClient.open(`${url}/api/events`, connections, {
    Authorization: `Bearer ${INGEST_KEY}`,
    "Content-Type": "application/json",
  });
}

/** Closed loop: `senders` loops, each sending its next batch as soon as the last is answered. */
export async function closedLoop(
  p: LoadClient,
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
        result.latenciesMs.push(await p.post(batch()));
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
  p: LoadClient,
  perSecond: number,
  seconds: number,
  batch: () => string,
): Promise<LoadResult> {
  const result: LoadResult = { requests: 0, failures: 0, seconds: 0, latenciesMs: [], sendLateMs: [] };
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    while (sent < due) {
      sent++;
      const scheduled = started + (sent / perSecond) * 1000;
      result.sendLateMs?.push(performance.now() - scheduled);
      const one = p
        .post(batch())
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
