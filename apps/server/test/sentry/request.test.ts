import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { SentryRequestError } from "../../src/sentry/errors.ts";
import { readEnvelopeRequest, readStoreRequest } from "../../src/sentry/request.ts";
import { BROWSER_EXCEPTION, envelope, NODE_EXCEPTION } from "./testdata.ts";

const header = { event_id: NODE_EXCEPTION.event_id, dsn: "http://pk@localhost:3000/1", sdk: { name: "x" } };

async function refusal(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SentryRequestError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("readEnvelopeRequest", () => {
  it("maps event items and skips every other item type without failing", async () => {
    const body = envelope(header, [
      [{ type: "session" }, { sid: "s", status: "ok" }],
      [{ type: "event" }, NODE_EXCEPTION],
      [{ type: "client_report" }, { discarded_events: [] }],
      [{ type: "attachment", filename: "a.txt" }, Buffer.from("line1\nline2\n")],
      [{ type: "transaction" }, { spans: [] }],
      [{ type: "replay_recording" }, Buffer.from([0, 1, 2, 10, 255])],
      [{ type: "brand_new_type" }, { whatever: true }],
    ]);
    const batch = await readEnvelopeRequest(zlib.gzipSync(body), "gzip");
    expect(batch.eventId).toBe(NODE_EXCEPTION.event_id);
    expect(batch.dsn).toBe(header.dsn);
    expect(batch.events).toHaveLength(1);
    expect(batch.events[0]?.event_type).toBe("API_ERROR");
    expect(batch.skipped).toEqual({
      session: 1,
      client_report: 1,
      attachment: 1,
      transaction: 1,
      replay_recording: 1,
      brand_new_type: 1,
    });
  });

  it("keeps the good event when another event item in the same envelope is garbage", async () => {
    const body = envelope({}, [
      [{ type: "event" }, Buffer.from("{not json")],
      [{ type: "event" }, BROWSER_EXCEPTION],
      [{ type: "event" }, [1, 2]],
    ]);
    const batch = await readEnvelopeRequest(body, undefined);
    expect(batch.events.map((e) => e.event_type)).toEqual(["CLIENT_ERROR"]);
    expect(batch.rejected).toEqual([
      "item 1 (event) is not valid JSON",
      "item 3 (event): the event is not a JSON object",
    ]);
    expect(batch.eventId).toBe(BROWSER_EXCEPTION.event_id);
  });

  it("answers 400 when every event item was unusable, and accepts envelopes of sessions only", async () => {
    const bad = envelope({}, [[{ type: "event" }, Buffer.from("nope")]]);
    expect(await refusal(readEnvelopeRequest(bad, undefined))).toEqual({
      status: 400,
      message: "item 1 (event) is not valid JSON",
    });
    const sessions = await readEnvelopeRequest(
      envelope({}, [[{ type: "sessions" }, { aggregates: [] }]]),
      undefined,
    );
    expect(sessions).toMatchObject({ events: [], rejected: [], eventId: undefined });
  });

  it("refuses an event item over 1 MiB while keeping its neighbours", async () => {
    const big = { message: "x".repeat(1024 * 1024) };
    const batch = await readEnvelopeRequest(
      zlib.gzipSync(
        envelope({}, [
          [{ type: "event" }, big],
          [{ type: "event" }, BROWSER_EXCEPTION],
        ]),
      ),
      "gzip",
    );
    expect(batch.events).toHaveLength(1);
    expect(batch.rejected[0]).toContain("larger than");
  });
});

describe("readStoreRequest", () => {
  it("reads a JSON event, and the old base64 deflated form", async () => {
    const json = Buffer.from(JSON.stringify(BROWSER_EXCEPTION));
    expect((await readStoreRequest(json, undefined)).events[0]?.event_type).toBe("CLIENT_ERROR");
    const legacy = Buffer.from(zlib.deflateSync(json).toString("base64"));
    const batch = await readStoreRequest(legacy, undefined);
    expect(batch.eventId).toBe(BROWSER_EXCEPTION.event_id);
    expect((await readStoreRequest(zlib.gzipSync(json), "gzip")).events).toHaveLength(1);
  });

  it.each([
    ["", 400],
    ["   ", 400],
    ["{oops", 400],
    ["[]", 400],
    ["bm90IGRlZmxhdGU=", 400],
  ])("refuses %j with %i", async (body, status) => {
    expect((await refusal(readStoreRequest(Buffer.from(body), undefined))).status).toBe(status);
  });

  it("refuses a decompressed event over 1 MiB with 413", async () => {
    const big = zlib.gzipSync(Buffer.from(JSON.stringify({ message: "x".repeat(2 * 1024 * 1024) })));
    expect((await refusal(readStoreRequest(big, "gzip"))).status).toBe(413);
  });
});
