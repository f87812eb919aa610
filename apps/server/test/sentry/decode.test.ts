import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeBody } from "../../src/sentry/decode.ts";
import { SentryRequestError } from "../../src/sentry/errors.ts";

const text = Buffer.from('{"event_id":"x"}\n{"type":"event"}\n{}\n');

async function status(promise: Promise<unknown>): Promise<number | "ok"> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (error instanceof SentryRequestError) return error.status;
    throw error;
  }
}

describe("decodeBody", () => {
  it("passes plain bodies through, with or without identity", async () => {
    expect(await decodeBody(text, undefined)).toEqual(text);
    expect(await decodeBody(text, "identity")).toEqual(text);
  });

  it("undoes gzip, zlib deflate, raw deflate and brotli", async () => {
    expect(await decodeBody(zlib.gzipSync(text), "gzip")).toEqual(text);
    expect(await decodeBody(zlib.gzipSync(text), "X-GZIP")).toEqual(text);
    expect(await decodeBody(zlib.deflateSync(text), "deflate")).toEqual(text);
    expect(await decodeBody(zlib.deflateRawSync(text), "deflate")).toEqual(text);
    expect(await decodeBody(zlib.brotliCompressSync(text), "br")).toEqual(text);
  });

  it("undoes stacked encodings last-applied first", async () => {
    const twice = zlib.gzipSync(zlib.deflateSync(text));
    expect(await decodeBody(twice, "deflate, gzip")).toEqual(text);
    expect(await status(decodeBody(twice, "gzip, gzip, gzip"))).toBe(400);
  });

  it("refuses a gzip bomb with 413 without inflating it all", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024)); // ~16 KB on the wire
    expect(bomb.length).toBeLessThan(40 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    expect(await status(decodeBody(bomb, "gzip"))).toBe(413);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(40 * 1024 * 1024);
    expect(await status(decodeBody(zlib.brotliCompressSync(Buffer.alloc(11 * 1024 * 1024)), "br"))).toBe(413);
    expect(await status(decodeBody(zlib.deflateSync(Buffer.alloc(11 * 1024 * 1024)), "deflate"))).toBe(413);
  });

  it("refuses an oversized wire body with 413", async () => {
    expect(await status(decodeBody(Buffer.alloc(1024 * 1024 + 1), undefined))).toBe(413);
    expect(
      await status(decodeBody(Buffer.alloc(100), undefined, { bodyBytes: 99, decodedBytes: 1000 })),
    ).toBe(413);
  });

  it("answers 400 for bytes that are not what the encoding says, 415 for unknown encodings", async () => {
    expect(await status(decodeBody(text, "gzip"))).toBe(400);
    expect(await status(decodeBody(zlib.gzipSync(text).subarray(0, 20), "gzip"))).toBe(400);
    expect(await status(decodeBody(text, "deflate"))).toBe(400);
    expect(await status(decodeBody(text, "br"))).toBe(400);
    expect(await status(decodeBody(text, "zstd"))).toBe(415);
    expect(await status(decodeBody(Buffer.alloc(0), "gzip"))).toBe(400);
  });
});
