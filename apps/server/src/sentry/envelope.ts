import { SENTRY_LIMITS, SentryRequestError } from "./errors.ts";

const NEWLINE = 0x0a;

/** One envelope item: its header (always with a `type`) and its payload bytes, untouched. */
export interface EnvelopeItem {
  header: { type: string; length?: number; [key: string]: unknown };
  payload: Buffer;
}

/** A parsed envelope: the first line's JSON object and the items that follow it. */
export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads the bytes up to the next newline (or the end), without the newline itself. */
function readLine(body: Buffer, offset: number): { line: Buffer; next: number } {
  const end = body.indexOf(NEWLINE, offset);
  if (end === -1) return { line: body.subarray(offset), next: body.length };
  return { line: body.subarray(offset, end), next: end + 1 };
}

function parseJsonLine(line: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line.toString("utf8"));
  } catch {
    throw new SentryRequestError(400, `${what} is not valid JSON`);
  }
  if (!isObject(value)) throw new SentryRequestError(400, `${what} is not a JSON object`);
  return value;
}

/** Skips blank lines (and a CR of CRLF endings) between items, as Relay tolerates them. */
function skipBlank(body: Buffer, offset: number): number {
  let at = offset;
  while (at < body.length && (body[at] === NEWLINE || body[at] === 0x0d || body[at] === 0x20)) at++;
  return at;
}

/**
 * Parses a Sentry envelope: a header line, then per item a header line and a payload. With a
 * `length` the payload is exactly that many bytes (binary-safe: attachments may hold newlines);
 * without one it runs to the next newline. Framing errors throw a 400 that says what and where,
 * because once the framing is lost nothing after it can be trusted.
 */
export function parseEnvelope(body: Buffer, maxItems: number = SENTRY_LIMITS.items): Envelope {
  if (body.length === 0) throw new SentryRequestError(400, "the envelope is empty");
  const first = readLine(body, 0);
  const header = parseJsonLine(first.line, "the envelope header (first line)");
  const items: EnvelopeItem[] = [];
  let offset = skipBlank(body, first.next);
  while (offset < body.length) {
    const n = items.length + 1;
    if (items.length >= maxItems) {
      throw new SentryRequestError(413, `the envelope has more than ${maxItems} items`);
    }
    const headerLine = readLine(body, offset);
    const itemHeader = parseJsonLine(headerLine.line, `the header of item ${n}`);
    const type = itemHeader.type;
    if (typeof type !== "string" || type.length === 0 || type.length > 64) {
      throw new SentryRequestError(400, `the header of item ${n} has no "type"`);
    }
    const length = itemHeader.length;
    let payload: Buffer;
    if (length === undefined || length === null) {
      const line = readLine(body, headerLine.next);
      payload = line.line;
      offset = line.next;
    } else {
      if (typeof length !== "number" || !Number.isSafeInteger(length) || length < 0) {
        throw new SentryRequestError(400, `item ${n} has a "length" that is not a whole number of bytes`);
      }
      const remaining = body.length - headerLine.next;
      if (length > remaining) {
        throw new SentryRequestError(
          400,
          `item ${n} (${type.slice(0, 32)}) declares ${length} bytes but only ${Math.max(0, remaining)} remain; the envelope is truncated`,
        );
      }
      payload = body.subarray(headerLine.next, headerLine.next + length);
      offset = headerLine.next + length;
      if (offset < body.length && body[offset] !== NEWLINE && body[offset] !== 0x0d) {
        throw new SentryRequestError(400, `item ${n} is longer than its declared length of ${length} bytes`);
      }
    }
    items.push({ header: { ...itemHeader, type }, payload });
    offset = skipBlank(body, offset);
  }
  return { header, items };
}
