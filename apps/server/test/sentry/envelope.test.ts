import { describe, expect, it } from "vitest";
import { parseEnvelope } from "../../src/sentry/envelope.ts";
import { SentryRequestError } from "../../src/sentry/errors.ts";
import { envelope } from "./testdata.ts";

function failure(body: string | Buffer): { status: number; message: string } {
  try {
    parseEnvelope(Buffer.isBuffer(body) ? body : Buffer.from(body));
  } catch (error) {
    if (error instanceof SentryRequestError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error("expected the envelope to be refused");
}

describe("parseEnvelope", () => {
  it("reads items with and without length, keeping binary payloads intact", () => {
    const binary = Buffer.from([0x00, 0x0a, 0xff, 0x0a, 0x0a, 0x7b]);
    const body = envelope({ event_id: "a".repeat(32) }, [
      [{ type: "event" }, { message: "hi" }],
      [{ type: "attachment", filename: "x.bin" }, binary],
    ]);
    const parsed = parseEnvelope(body);
    expect(parsed.header.event_id).toBe("a".repeat(32));
    expect(parsed.items.map((i) => i.header.type)).toEqual(["event", "attachment"]);
    expect(parsed.items[1]?.payload).toEqual(binary);
    const noLength = envelope({}, [[{ type: "event" }, { message: "hi" }]], false);
    expect(JSON.parse(parseEnvelope(noLength).items[0]?.payload.toString() ?? "")).toEqual({ message: "hi" });
  });

  it("accepts a missing final newline, CRLF and blank lines between items", () => {
    const body = '{}\r\n{"type":"event"}\r\n{"a":1}\r\n\n{"type":"session","length":2}\n{}';
    const parsed = parseEnvelope(Buffer.from(body));
    expect(parsed.items).toHaveLength(2);
    expect(parsed.items[1]?.payload.toString()).toBe("{}");
  });

  it("accepts an envelope with a header only, and an item with an empty payload", () => {
    expect(parseEnvelope(Buffer.from("{}\n")).items).toEqual([]);
    const parsed = parseEnvelope(Buffer.from('{}\n{"type":"event","length":0}\n'));
    expect(parsed.items[0]?.payload.length).toBe(0);
  });

  it.each([
    ["", "empty"],
    ["not json\n", "envelope header"],
    ["[1,2]\n", "not a JSON object"],
    ['{}\n{"type":\n{}\n', "header of item 1"],
    ['{}\n{"length":2}\n{}\n', 'no "type"'],
    ['{}\n{"type":""}\n{}\n', 'no "type"'],
    ['{}\n{"type":5}\n{}\n', 'no "type"'],
    ['{}\n{"type":"event","length":-1}\n{}\n', "whole number"],
    ['{}\n{"type":"event","length":1.5}\n{}\n', "whole number"],
    ['{}\n{"type":"event","length":"2"}\n{}\n', "whole number"],
    ['{}\n{"type":"event","length":500}\n{}\n', "truncated"],
    ['{}\n{"type":"event","length":1}\n{}\n', "longer than its declared length"],
  ])("refuses %j with a 400 that names the problem (%s)", (body, reason) => {
    const { status, message } = failure(body);
    expect(status).toBe(400);
    expect(message).toContain(reason);
  });

  it("refuses more items than the limit with 413", () => {
    const body = envelope(
      {},
      Array.from(
        { length: 101 },
        () => [{ type: "client_report" }, {}] as [Record<string, unknown>, unknown],
      ),
    );
    expect(failure(body).status).toBe(413);
  });
});
