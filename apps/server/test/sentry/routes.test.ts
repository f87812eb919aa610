import { request as httpRequest } from "node:http";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dsnFor } from "../../src/routes/sentry.ts";
import { PUBLIC_KEY, type RunningServer, STARTUP_MS, startServer } from "./harness.ts";
import { BROWSER_EXCEPTION, envelope, NODE_EXCEPTION } from "./testdata.ts";

describe("dsnFor", () => {
  it("puts the public key in front of the public URL, keeping a path prefix", () => {
    expect(dsnFor("k1", "http://127.0.0.1:3000")).toBe("http://k1@127.0.0.1:3000/1");
    expect(dsnFor("k1", "https://track.school.example/ut/")).toBe("https://k1@track.school.example/ut/1");
    expect(dsnFor("k1", "http://0.0.0.0:3000", "usertrail.lan:3000")).toBe("http://k1@usertrail.lan:3000/1");
  });
});

describe("the Sentry endpoints over HTTP", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  }, STARTUP_MS);
  afterAll(async () => server?.close());

  const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : new Uint8Array(body),
    });

  it("shows the DSN to staff only", async () => {
    expect(server.dsn).toBe(`http://${PUBLIC_KEY}@${server.url.slice(7)}/1`);
    const anonymous = await fetch(`${server.url}/api/settings/dsn`);
    expect(anonymous.status).toBe(401);
  });

  it("takes the key from the envelope's dsn, answers the event id, and stores a retry once", async () => {
    const event = { ...NODE_EXCEPTION, user: { id: "retry-user" } };
    const body = envelope({ event_id: event.event_id, dsn: server.dsn }, [[{ type: "event" }, event]]);
    for (let i = 0; i < 3; i++) {
      const res = await post("/api/1/envelope/", body, { "content-type": "application/x-sentry-envelope" });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: event.event_id });
    }
    const logs = await server.waitForLogs("retry-user", 1, (l) => l.event_type === "API_ERROR");
    expect(logs).toHaveLength(1);
    expect(logs[0]?.event_id).toBe("dae7d382-844c-4f71-87f9-b28fdd96671d");
  });

  it("reads a legacy /store/ event with X-Sentry-Auth or Authorization, gzip or not", async () => {
    const event = {
      ...BROWSER_EXCEPTION,
      event_id: "0123456789abcdef0123456789abcdef",
      user: { id: "store-user" },
    };
    const json = JSON.stringify(event);
    const auth = `Sentry sentry_version=7, sentry_client=raven-js/3.27.0, sentry_key=${PUBLIC_KEY}`;
    const res = await post("/api/1/store/", json, {
      "content-type": "application/json",
      "x-sentry-auth": auth,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: event.event_id });
    const second = { ...event, event_id: "1123456789abcdef0123456789abcdef" };
    const gz = zlib.gzipSync(JSON.stringify(second));
    const res2 = await post("/api/1/store", gz, { "content-encoding": "gzip", authorization: auth });
    expect(res2.status).toBe(200);
    expect(await server.waitForLogs("store-user", 2, (l) => l.event_type === "CLIENT_ERROR")).toHaveLength(2);
  });

  it("reads a chunked body without any Content-Type, as @sentry/node sends it", async () => {
    const event = {
      ...NODE_EXCEPTION,
      event_id: "2123456789abcdef0123456789abcdef",
      user: { id: "chunk-user" },
    };
    const body = envelope({ event_id: event.event_id }, [[{ type: "event" }, event]]);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}/api/1/envelope/?sentry_key=${PUBLIC_KEY}`,
        { method: "POST" },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.write(body.subarray(0, 100));
      req.end(body.subarray(100));
    });
    expect(status).toBe(200);
    expect(await server.waitForLogs("chunk-user", 1, (l) => l.event_type === "API_ERROR")).toHaveLength(1);
  });

  it("accepts an envelope of sessions only, answering without an id", async () => {
    const body = envelope({ sent_at: new Date().toISOString() }, [
      [{ type: "session" }, { sid: "a", status: "ok" }],
    ]);
    const res = await post(`/api/1/envelope/?sentry_key=${PUBLIC_KEY}`, body, {
      "content-type": "text/plain",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });

  it("puts CORS headers on refusals too, so a browser SDK can read the status", async () => {
    const origin = { origin: "https://school.example" };
    const tooBig = await post(
      `/api/1/envelope/?sentry_key=${PUBLIC_KEY}`,
      Buffer.alloc(2 * 1024 * 1024, 0x61),
      origin,
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get("access-control-allow-origin")).toBe("https://school.example");
    const badKey = await post("/api/1/envelope/?sentry_key=wrong", "{}\n", origin);
    expect(badKey.status).toBe(401);
    expect(badKey.headers.get("access-control-allow-origin")).toBe("https://school.example");
    expect(((await badKey.json()) as { error: string }).error).toMatch(/public key/);
  });
});
