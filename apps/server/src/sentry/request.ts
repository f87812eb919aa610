import { decodeBody } from "./decode.ts";
import { parseEnvelope } from "./envelope.ts";
import { SENTRY_LIMITS, SentryRequestError } from "./errors.ts";
import { type MappedEvent, mapSentryEvent } from "./map.ts";

/** What one Sentry request carried, ready for the route to judge and store. */
export interface SentryBatch {
  /** The id to answer with (Sentry's 32-hex form), when the request named one. */
  eventId: string | undefined;
  /** The envelope header's `dsn`, one of the places the public key may be. */
  dsn: unknown;
  /** One usertrail event input per Sentry event; user_id null when the event names no user. */
  events: MappedEvent[];
  /** Why event items that could not be used were dropped (the rest of the envelope still counts). */
  rejected: string[];
  /** Item types we do not store (sessions, transactions, attachments...), with how many came. */
  skipped: Record<string, number>;
}

function hexId(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const hex = value.replaceAll("-", "").toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined;
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** A request whose only event items were all bad has nothing left to accept: that is a 400. */
function refuseIfEmpty(batch: SentryBatch): SentryBatch {
  if (batch.events.length === 0 && batch.rejected.length > 0) {
    throw new SentryRequestError(400, batch.rejected.slice(0, 3).join("; "));
  }
  return batch;
}

/**
 * Reads a POST /api/:projectId/envelope/ body: undoes Content-Encoding within the limits, parses
 * the envelope, maps each `event` item and skips every other item type. Throws SentryRequestError
 * (4xx) for bodies that are too large, undecodable or not an envelope.
 */
export async function readEnvelopeRequest(
  body: Buffer,
  contentEncoding: string | undefined,
  now = Date.now(),
): Promise<SentryBatch> {
  const envelope = parseEnvelope(await decodeBody(body, contentEncoding));
  const batch: SentryBatch = {
    eventId: hexId(envelope.header.event_id),
    dsn: envelope.header.dsn,
    events: [],
    rejected: [],
    skipped: {},
  };
  envelope.items.forEach((item, index) => {
    const type = item.header.type;
    if (type !== "event") {
      const key = type.slice(0, 32);
      batch.skipped[key] = (batch.skipped[key] ?? 0) + 1;
      return;
    }
    const where = `item ${index + 1} (event)`;
    if (item.payload.length > SENTRY_LIMITS.eventBytes) {
      batch.rejected.push(`${where} is larger than ${SENTRY_LIMITS.eventBytes} bytes`);
      return;
    }
    const json = parseJson(item.payload);
    if (json === undefined) {
      batch.rejected.push(`${where} is not valid JSON`);
      return;
    }
    const mapped = mapSentryEvent(json, envelope.header.event_id, now);
    if (!mapped.ok) {
      batch.rejected.push(`${where}: ${mapped.error}`);
      return;
    }
    batch.events.push(mapped.event);
    batch.eventId ??= hexId((json as Record<string, unknown>).event_id);
  });
  return refuseIfEmpty(batch);
}

/**
 * Reads a legacy POST /api/:projectId/store/ body: one event as JSON, or (very old SDKs) that
 * JSON deflated and base64-encoded. Same limits and errors as the envelope endpoint.
 */
export async function readStoreRequest(
  body: Buffer,
  contentEncoding: string | undefined,
  now = Date.now(),
): Promise<SentryBatch> {
  let decoded = await decodeBody(body, contentEncoding);
  const firstByte = decoded.toString("latin1", 0, 64).trimStart()[0];
  if (firstByte !== undefined && firstByte !== "{") {
    const raw = Buffer.from(decoded.toString("latin1").trim(), "base64");
    decoded = await decodeBody(raw, "deflate").catch((error: unknown) => {
      if (error instanceof SentryRequestError && error.status === 413) throw error;
      throw new SentryRequestError(400, "the body is neither a JSON event nor base64 deflated JSON");
    });
  }
  if (decoded.length === 0) throw new SentryRequestError(400, "the body is empty");
  if (decoded.length > SENTRY_LIMITS.eventBytes) {
    throw new SentryRequestError(413, `the event is larger than ${SENTRY_LIMITS.eventBytes} bytes`);
  }
  const json = parseJson(decoded);
  if (json === undefined) throw new SentryRequestError(400, "the body is not valid JSON");
  const mapped = mapSentryEvent(json, undefined, now);
  if (!mapped.ok) throw new SentryRequestError(400, mapped.error);
  return {
    eventId: hexId((json as Record<string, unknown>).event_id),
    dsn: undefined,
    events: [mapped.event],
    rejected: [],
    skipped: {},
  };
}
