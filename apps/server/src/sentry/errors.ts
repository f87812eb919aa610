/**
 * A Sentry request the caller got wrong. `status` is what the route answers (4xx only), and
 * `message` is the sentence put in `{"error": ...}`, so it must make sense to the sender.
 */
export class SentryRequestError extends Error {
  readonly status: 400 | 401 | 413 | 415;

  constructor(status: 400 | 401 | 413 | 415, message: string) {
    super(message);
    this.name = "SentryRequestError";
    this.status = status;
  }
}

/** Sizes that bound what one Sentry request may cost the server. */
export const SENTRY_LIMITS = {
  /** Body as it arrives on the wire (compressed or not). */
  bodyBytes: 1024 * 1024,
  /** Body after Content-Encoding is undone; a gzip bomb stops here. */
  decodedBytes: 10 * 1024 * 1024,
  /** Layers of Content-Encoding (e.g. "gzip, gzip"); more is never legitimate. */
  encodingLayers: 2,
  /** Items in one envelope; the SDKs send a handful. */
  items: 100,
  /** One event item's JSON; Sentry's own limit for an event is 1 MiB too. */
  eventBytes: 1024 * 1024,
} as const;
