import { promisify } from "node:util";
import zlib from "node:zlib";
import { SENTRY_LIMITS, SentryRequestError } from "./errors.ts";

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

export interface DecodeLimits {
  bodyBytes: number;
  decodedBytes: number;
}

function isTooLarge(error: unknown): boolean {
  return (
    error instanceof RangeError || (error as NodeJS.ErrnoException | null)?.code === "ERR_BUFFER_TOO_LARGE"
  );
}

async function undo(encoding: string, body: Buffer, maxOutputLength: number): Promise<Buffer> {
  const options = { maxOutputLength };
  try {
    switch (encoding) {
      case "gzip":
      case "x-gzip":
        return await gunzip(body, options);
      case "deflate":
        // HTTP says "deflate" is zlib-wrapped, but some clients send raw deflate; accept both.
        try {
          return await inflate(body, options);
        } catch (error) {
          if (isTooLarge(error)) throw error;
          return await inflateRaw(body, options);
        }
      case "br":
        return await brotli(body, options);
      default:
        throw new SentryRequestError(
          415,
          `Content-Encoding "${encoding.slice(0, 40)}" is not supported; use gzip, deflate or br`,
        );
    }
  } catch (error) {
    if (error instanceof SentryRequestError) throw error;
    if (isTooLarge(error)) {
      throw new SentryRequestError(413, `the body decompresses to more than ${maxOutputLength} bytes`);
    }
    throw new SentryRequestError(400, `the body is not valid ${encoding} data`);
  }
}

/**
 * Undoes the request's Content-Encoding (gzip, deflate, br; several layers in order), refusing
 * bodies that are too large on the wire or once decompressed, so a decompression bomb costs
 * at most `decodedBytes` of memory. Runs zlib off the main thread.
 */
export async function decodeBody(
  body: Buffer,
  contentEncoding: string | undefined,
  limits: DecodeLimits = SENTRY_LIMITS,
): Promise<Buffer> {
  if (body.length > limits.bodyBytes) {
    throw new SentryRequestError(413, `the body is larger than ${limits.bodyBytes} bytes`);
  }
  const layers = (contentEncoding ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0 && s !== "identity");
  if (layers.length > SENTRY_LIMITS.encodingLayers) {
    throw new SentryRequestError(400, `more than ${SENTRY_LIMITS.encodingLayers} Content-Encoding layers`);
  }
  let out = body;
  // Encodings are listed in the order they were applied, so they are undone last first.
  for (const encoding of layers.reverse()) out = await undo(encoding, out, limits.decodedBytes);
  return out;
}
