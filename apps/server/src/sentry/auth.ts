import { createHash, timingSafeEqual } from "node:crypto";

/** Where the Sentry SDKs may put the public key; the first one present wins, in this order. */
export interface KeySources {
  /** The `sentry_key` query parameter (browser SDK, and the Node SDK's default transport). */
  query?: unknown;
  /** The `X-Sentry-Auth` header: `Sentry sentry_version=7, sentry_key=<key>, ...`. */
  sentryAuth?: unknown;
  /** The `Authorization` header, which older SDKs fill with the same `Sentry ...` value. */
  authorization?: unknown;
  /** The envelope header's `dsn`: `http://<key>@host:port/1`. */
  dsn?: unknown;
}

const MAX_KEY = 256;

function oneString(value: unknown): string | undefined {
  if (Array.isArray(value)) return oneString(value[0]);
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Reads `sentry_key` out of a `Sentry k=v, k=v` auth header value. */
export function keyFromAuthHeader(value: unknown): string | undefined {
  const header = oneString(value);
  if (!header || header.length > 4096) return undefined;
  const match = /^\s*sentry\s+(.*)$/is.exec(header);
  if (!match?.[1]) return undefined;
  for (const pair of match[1].split(",")) {
    const eq = pair.indexOf("=");
    if (eq === -1) continue;
    if (pair.slice(0, eq).trim().toLowerCase() === "sentry_key") {
      const key = pair.slice(eq + 1).trim();
      return key.length > 0 ? key : undefined;
    }
  }
  return undefined;
}

/** Reads the public key (the URL's user part) out of a DSN string. */
export function keyFromDsn(value: unknown): string | undefined {
  const dsn = oneString(value);
  if (!dsn || dsn.length > 2048) return undefined;
  try {
    const key = decodeURIComponent(new URL(dsn).username);
    return key.length > 0 ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds the public key a Sentry SDK sent, looking where the SDKs put it: query, X-Sentry-Auth,
 * Authorization, then the envelope's `dsn`. Returns undefined when there is none.
 */
export function extractPublicKey(sources: KeySources): string | undefined {
  const key =
    oneString(sources.query) ??
    keyFromAuthHeader(sources.sentryAuth) ??
    keyFromAuthHeader(sources.authorization) ??
    keyFromDsn(sources.dsn);
  return key && key.length <= MAX_KEY ? key : undefined;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Compares a sent key with the configured one in constant time, whatever their lengths. */
export function keyMatches(sent: string | undefined, expected: string): boolean {
  if (!sent || expected.length === 0) return false;
  return timingSafeEqual(digest(sent), digest(expected));
}
