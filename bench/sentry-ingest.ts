/**
 * Sentry ingest figures: how fast envelopes are parsed and mapped, how cheaply a decompression
 * bomb is refused, and events/s with latency through a real server on an embedded database.
 * Run: node --import tsx bench/sentry-ingest.ts [requests=2000] [concurrency=16]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";
import { readEnvelopeRequest } from "../apps/server/src/sentry/index.ts";
import { buildServer } from "../apps/server/src/server.ts";
import { BROWSER_EXCEPTION, envelope, NODE_EXCEPTION } from "../apps/server/test/sentry/testdata.ts";

const requests = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 16);

async function perSecond(label: string, n: number, fn: () => Promise<unknown>) {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const ms = performance.now() - start;
  console.log(`${label}: ${Math.round((n / ms) * 1000)}/s (${(ms / n).toFixed(3)} ms each)`);
}

const browserBody = envelope({ event_id: BROWSER_EXCEPTION.event_id }, [
  [{ type: "event" }, BROWSER_EXCEPTION],
]);
const bigNode = { ...NODE_EXCEPTION, extra: { blob: "x".repeat(60_000) } };
const nodeGz = zlib.gzipSync(envelope({}, [[{ type: "event" }, bigNode]]));
await perSecond(`parse+map browser envelope (${browserBody.length} B)`, 5000, () =>
  readEnvelopeRequest(browserBody, undefined),
);
await perSecond(`parse+map gzip node envelope (${nodeGz.length} B gz)`, 2000, () =>
  readEnvelopeRequest(nodeGz, "gzip"),
);
const bomb = zlib.gzipSync(Buffer.alloc(100 * 1024 * 1024));
await perSecond(`refuse a 100 MiB gzip bomb (${bomb.length} B on the wire)`, 5, () =>
  readEnvelopeRequest(bomb, "gzip").catch(() => undefined),
);

const dir = mkdtempSync(join(tmpdir(), "usertrail-bench-"));
const app = await buildServer({
  dataDir: dir,
  publicKey: "bench_public_key",
  sentryRateLimit: { burst: 1e9, perSecond: 1e9 },
});
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/1/envelope/?sentry_key=bench_public_key`;
const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

/** Sends `requests` one-event requests, `concurrency` at a time; prints events/s and latency. */
async function load(
  label: string,
  make: (i: number, id: string) => { url: string; body: string; type: string },
) {
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const req = make(i, randomBytes(16).toString("hex"));
        const t = performance.now();
        const res = await fetch(req.url, {
          method: "POST",
          headers: { "content-type": req.type },
          body: req.body,
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        if (res.status !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(1);
  console.log(
    `${label}, concurrency ${concurrency}: ${Math.round(requests / seconds)} events/s, ` +
      `p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, non-200: ${failed}`,
  );
}

await load("Sentry envelopes over HTTP (PGlite)", (i, id) => ({
  url,
  type: "text/plain",
  body: envelope({ event_id: id }, [
    [{ type: "event" }, { ...BROWSER_EXCEPTION, event_id: id, user: { id: `bench-${i % 200}` } }],
  ]).toString(),
}));
// The same events as usertrail's own single-event batches, to tell the Sentry layer's cost from the store's.
await load("for comparison, POST /api/events (PGlite)", (i) => ({
  url: `${base}/api/events?key=bench_public_key`,
  type: "application/json",
  body: JSON.stringify({
    events: [
      {
        user_id: `bench-${i % 200}`,
        event_type: "CLIENT_ERROR",
        message: "RangeError: bad range",
        metadata: { stack: "x" },
      },
    ],
  }),
}));
await app.close();
rmSync(dir, { recursive: true, force: true });
