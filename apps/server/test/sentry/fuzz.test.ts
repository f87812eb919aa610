import { randomBytes } from "node:crypto";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DATABASE_KINDS,
  freshDatabase,
  type TestDatabase,
} from "../../../../packages/store/test/databases.ts";
import { PUBLIC_KEY, type RunningServer, STARTUP_MS, startServer } from "./harness.ts";
import { envelope } from "./testdata.ts";

type Item = [Record<string, unknown>, unknown];
const USER = "fuzz-user";
const hex = () => randomBytes(16).toString("hex");
const validEvent = (message: string, id = hex()) => ({
  event_id: id,
  message,
  platform: "javascript",
  user: { id: USER, email: "fuzz@example.com" },
});
const validItem = (message: string): Item => [{ type: "event" }, validEvent(message)];
const good = (...items: Item[]) => envelope({ event_id: hex() }, items);

interface Case {
  name: string;
  body: Buffer;
  status: number;
  encoding?: string;
  path?: string;
  /** Replaces the default `?sentry_key=` query (which wins over every other key source). */
  query?: string;
  headers?: Record<string, string>;
  /** Messages of valid events in the same request that must be stored although the request was bad. */
  stored?: string[];
}

const deep = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
const bombOf = (mb: number) => Buffer.alloc(mb * 1024 * 1024, 0x20);

function refusedCases(): Case[] {
  const base = good(validItem("x"));
  return [
    { name: "empty body", body: Buffer.alloc(0), status: 400 },
    { name: "only whitespace", body: Buffer.from("   \n  \n"), status: 400 },
    { name: "header not JSON", body: Buffer.from('{"event_id":\n{"type":"event"}\n{}'), status: 400 },
    { name: "header is an array", body: Buffer.from('[1]\n{"type":"event"}\n{}'), status: 400 },
    { name: "header is a string", body: Buffer.from('"hi"\n'), status: 400 },
    { name: "header is null", body: Buffer.from("null\n"), status: 400 },
    { name: "raw NUL in header", body: Buffer.from('{"a":"\u0000"}\n'), status: 400 },
    { name: "item header garbled", body: Buffer.from('{}\n{"type":"ev\n{}'), status: 400 },
    { name: "item header without type", body: Buffer.from('{}\n{"length":2}\n{}'), status: 400 },
    { name: "item type is a number", body: Buffer.from('{}\n{"type":7}\n{}'), status: 400 },
    { name: "item type too long", body: Buffer.from(`{}\n{"type":"${"e".repeat(100)}"}\n{}`), status: 400 },
    { name: "negative length", body: Buffer.from('{}\n{"type":"event","length":-5}\n{}'), status: 400 },
    { name: "fractional length", body: Buffer.from('{}\n{"type":"event","length":2.5}\n{}'), status: 400 },
    { name: "length as text", body: Buffer.from('{}\n{"type":"event","length":"2"}\n{}'), status: 400 },
    { name: "huge length", body: Buffer.from('{}\n{"type":"event","length":1e300}\n{}'), status: 400 },
    { name: "length past the end", body: Buffer.from('{}\n{"type":"event","length":900}\n{}'), status: 400 },
    { name: "truncated mid-payload", body: base.subarray(0, base.length - 20), status: 400 },
    {
      name: "payload longer than length",
      body: Buffer.from('{}\n{"type":"event","length":1}\n{}'),
      status: 400,
    },
    { name: "event not JSON", body: good([{ type: "event" }, Buffer.from("{nope")]), status: 400 },
    { name: "event is an array", body: good([{ type: "event" }, [1, 2]]), status: 400 },
    { name: "event is null", body: good([{ type: "event" }, null]), status: 400 },
    { name: "event empty", body: Buffer.from('{}\n{"type":"event","length":0}\n'), status: 400 },
    {
      name: "event deeper than JSON.parse minds",
      body: good([{ type: "event" }, Buffer.from("[".repeat(100_000))]),
      status: 400,
    },
    { name: "gzip label on plain bytes", body: base, encoding: "gzip", status: 400 },
    { name: "truncated gzip", body: zlib.gzipSync(base).subarray(0, 30), encoding: "gzip", status: 400 },
    { name: "gzip bomb", body: zlib.gzipSync(bombOf(20)), encoding: "gzip", status: 413 },
    { name: "deflate bomb", body: zlib.deflateSync(bombOf(20)), encoding: "deflate", status: 413 },
    { name: "brotli bomb", body: zlib.brotliCompressSync(bombOf(20)), encoding: "br", status: 413 },
    {
      name: "nested gzip bomb",
      body: zlib.gzipSync(zlib.gzipSync(bombOf(64))),
      encoding: "gzip, gzip",
      status: 413,
    },
    { name: "1.5 MB on the wire", body: good(validItem("y".repeat(1_500_000))), status: 413 },
    { name: "unknown encoding", body: base, encoding: "zstd", status: 415 },
    {
      name: "three gzip layers",
      body: zlib.gzipSync(zlib.gzipSync(zlib.gzipSync(base))),
      encoding: "gzip,gzip,gzip",
      status: 400,
    },
    {
      name: "101 items",
      body: good(...Array.from({ length: 101 }, (): Item => [{ type: "session" }, {}])),
      status: 413,
    },
    { name: "no key anywhere", body: base, query: "", status: 401 },
    { name: "wrong key in query", body: base, query: "?sentry_key=nope", status: 401 },
    {
      name: "wrong key in dsn",
      body: envelope({ dsn: "http://nope@h/1" }, [validItem("x")]),
      query: "",
      status: 401,
    },
    { name: "dsn that is not a URL", body: envelope({ dsn: 12 }, [validItem("x")]), query: "", status: 401 },
    {
      name: "wrong key in X-Sentry-Auth",
      body: base,
      query: "",
      headers: { "x-sentry-auth": "Sentry sentry_key=nope, sentry_version=7" },
      status: 401,
    },
    { name: "bad project id", body: base, path: `/api/${"p".repeat(80)}/envelope/`, status: 400 },
    { name: "store: garbage", body: Buffer.from("\x00\x01garbage"), path: "/api/1/store/", status: 400 },
    { name: "store: array", body: Buffer.from("[]"), path: "/api/1/store/", status: 400 },
    { name: "store: truncated JSON", body: Buffer.from('{"message":"x'), path: "/api/1/store/", status: 400 },
    {
      name: "store: gzip bomb",
      body: zlib.gzipSync(bombOf(20)),
      encoding: "gzip",
      path: "/api/1/store/",
      status: 413,
    },
  ];
}

function alongsideCases(): Case[] {
  const longId = { ...validEvent("long id"), user: { id: "u".repeat(500) } };
  const big = zlib.gzipSync(
    good([{ type: "event" }, { message: "z".repeat(2_000_000) }], validItem("beside big")),
  );
  const surrogates = Buffer.from(
    `{"event_id":"${hex()}","message":"lone \\ud800 surrogate \\u0000","tags":{"k\\udfff":"\\ud83d"}}`,
  );
  return [
    {
      name: "no user, lone surrogates and NUL (to the health log), beside valid",
      body: good([{ type: "event" }, surrogates], validItem("beside surrogates")),
      status: 200,
      stored: ["beside surrogates"],
    },
    {
      name: "garbled event, then valid",
      body: good([{ type: "event" }, Buffer.from("{bad")], validItem("after garbled")),
      status: 200,
      stored: ["after garbled"],
    },
    {
      name: "valid, then array event",
      body: good(validItem("before array"), [{ type: "event" }, [1]]),
      status: 200,
      stored: ["before array"],
    },
    {
      name: "oversized event beside valid",
      body: big,
      encoding: "gzip",
      status: 200,
      stored: ["beside big"],
    },
    {
      name: "unknown and binary items around valid",
      body: good(
        [{ type: "attachment", filename: "a.bin" }, Buffer.from([0, 10, 10, 255, 123, 10])],
        [{ type: "sessions" }, { aggregates: [] }],
        validItem("among others"),
        [{ type: "replay_recording" }, Buffer.from("\n\n\n")],
        [{ type: "made_up" }, "?"],
      ),
      status: 200,
      stored: ["among others"],
    },
    {
      name: "user id core refuses, beside valid",
      body: good([{ type: "event" }, longId], validItem("beside long id")),
      status: 200,
      stored: ["beside long id"],
    },
    {
      name: "invalid UTF-8, NUL escapes and deep extra in a valid event",
      body: good([
        { type: "event" },
        Buffer.concat([
          Buffer.from(`{"event_id":"${hex()}","user":{"id":"${USER}"},"message":"odd bytes \\u0000 `),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from(`","extra":${deep(5000)}}`),
        ]),
      ]),
      status: 200,
      stored: ["odd bytes  \ufffd\ufffd\ufffd"],
    },
  ];
}

/** A small seeded PRNG, so a failing mutation can be replayed from its seed and index. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(body: Buffer, rnd: () => number): Buffer {
  const at = () => Math.floor(rnd() * body.length);
  const bytes = Buffer.from(body);
  switch (Math.floor(rnd() * 8)) {
    case 0:
      for (let i = 0; i < 1 + rnd() * 5; i++) bytes[at()] = Math.floor(rnd() * 256);
      return bytes;
    case 1:
      return bytes.subarray(0, at());
    case 2: {
      const i = at();
      return Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + Math.floor(rnd() * 40))]);
    }
    case 3: {
      const i = at();
      return Buffer.concat([
        bytes.subarray(0, i),
        randomBytes(1 + Math.floor(rnd() * 30)),
        bytes.subarray(i),
      ]);
    }
    case 4:
      return Buffer.from(
        bytes.toString("latin1").replace(/"length":\d+/, `"length":${Math.floor(rnd() * 2000) - 10}`),
        "latin1",
      );
    case 5: {
      const lines = bytes.toString("latin1").split("\n");
      const i = Math.floor(rnd() * lines.length);
      lines.splice(i, 0, lines[Math.floor(rnd() * lines.length)] ?? "");
      return Buffer.from(lines.join("\n"), "latin1");
    }
    case 6:
      return Buffer.from(bytes.toString("latin1").replaceAll("\n", rnd() < 0.5 ? "\r\n" : ""), "latin1");
    default:
      return Buffer.from(
        bytes.toString("latin1").replace(/[{}[\]":,]/, () => '{}[]":,'[Math.floor(rnd() * 7)] ?? ""),
        "latin1",
      );
  }
}

describe.each(DATABASE_KINDS)("hostile Sentry requests (%s)", (kind) => {
  let db: TestDatabase;
  let server: RunningServer;
  const sentValid: string[] = [];

  async function post(c: Omit<Case, "name" | "status">): Promise<Response> {
    const headers: Record<string, string> = { "content-type": "application/x-sentry-envelope", ...c.headers };
    if (c.encoding) headers["content-encoding"] = c.encoding;
    const query = c.query ?? `?sentry_key=${PUBLIC_KEY}`;
    return fetch(`${server.url}${c.path ?? "/api/1/envelope/"}${query}`, {
      method: "POST",
      headers,
      body: new Uint8Array(c.body),
    });
  }

  async function sendValid(message: string) {
    const res = await post({ body: good(validItem(message)) });
    expect(res.status).toBe(200);
    sentValid.push(message);
  }

  beforeAll(async () => {
    db = await freshDatabase(kind);
    server = await startServer({ ...db.options, sentryRateLimit: { burst: 1e6, perSecond: 1e6 } });
  }, STARTUP_MS);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("answers each refused case with its 4xx and a reason, and keeps taking valid events", async () => {
    const cases = refusedCases();
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const wrong: string[] = [];
    for (const [i, c] of cases.entries()) {
      const res = await post(c);
      const body = (await res.json()) as { error?: string };
      if (res.status !== c.status || typeof body.error !== "string" || body.error.length < 5) {
        wrong.push(`${c.name}: ${res.status} ${JSON.stringify(body)}`);
      }
      await sendValid(`after refused case ${i}`);
    }
    expect(wrong).toEqual([]);
  });

  it("keeps the valid events that came in the same envelope as bad items", async () => {
    for (const c of alongsideCases()) {
      const res = await post(c);
      expect(res.status, c.name).toBe(c.status);
      sentValid.push(...(c.stored ?? []));
    }
    const health = await server.health();
    expect(health.some((h) => h.source === "sentry" && String(h.metadata.rejected).includes("user_id"))).toBe(
      true,
    );
    expect(health.some((h) => h.message === "lone \ufffd surrogate ")).toBe(true);
  });

  it("survives a few hundred seeded random mutations without a 5xx", async () => {
    const seed = 20251126;
    const rnd = mulberry32(seed);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      // Ids come from the seeded PRNG too, so a run replays byte for byte.
      const id = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join("");
      const base = envelope({ event_id: id }, [
        [{ type: "event" }, { ...validEvent(`mutant ${i}`, id), user: { id: `mutant-${i % 7}` } }],
        [{ type: "session" }, { sid: id, status: "ok" }],
      ]);
      const gz = rnd() < 0.2;
      const body = gz ? mutate(zlib.gzipSync(base), rnd) : mutate(base, rnd);
      const res = await post({ body, encoding: gz ? "gzip" : undefined });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `seed ${seed}, mutation ${i}`).toBeLessThan(500);
      await res.json();
      if (i % 50 === 0) await sendValid(`during mutations ${i}`);
    }
    expect([...statuses.keys()].every((s) => [200, 400, 401, 413, 415].includes(s))).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(50);
    await sendValid("after mutations");
  });

  it("stored every valid event that was answered with 200", async () => {
    const logs = await server.waitForLogs(USER, sentValid.length, (l) => l.event_type !== "USER_CREATED");
    const messages = new Set(logs.map((l) => l.message));
    expect(sentValid.filter((m) => !messages.has(m))).toEqual([]);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});

describe("rate limit", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ sentryRateLimit: { burst: 2, perSecond: 0.1 } });
  }, STARTUP_MS);
  afterAll(async () => server?.close());

  it("answers 429 with Retry-After and X-Sentry-Rate-Limits once the bucket is empty", async () => {
    const send = () =>
      fetch(`${server.url}/api/1/envelope/?sentry_key=${PUBLIC_KEY}`, {
        method: "POST",
        body: new Uint8Array(good(validItem("rate"))),
      });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("x-sentry-rate-limits")).toMatch(/^\d+::key/);
    expect(limited.headers.get("access-control-allow-origin")).toBe("*");
    expect(((await limited.json()) as { error: string }).error).toMatch(/Too many/);
  });
});
