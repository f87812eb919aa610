import type { FastifyRequest } from "fastify";
import type { AppContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { sameSecret } from "./keys.ts";

export type IngestCaller = "server" | "browser";

/** Per request, whether its bearer token is the INGEST_KEY: the rate limiter and the route both ask. */
const bearerChecked = new WeakMap<FastifyRequest, boolean>();

/** Whether the request carries the secret INGEST_KEY as its bearer token (the host app's backend). */
export function carriesIngestKey(ctx: AppContext, request: FastifyRequest): boolean {
  const known = bearerChecked.get(request);
  if (known !== undefined) return known;
  const header = request.headers.authorization;
  const ok = !!header?.startsWith("Bearer ") && sameSecret(header.slice(7).trim(), ctx.keys.ingestKey);
  bearerChecked.set(request, ok);
  return ok;
}

/**
 * Which ingest key the request carries: the secret INGEST_KEY as a bearer token (server side),
 * or the PUBLIC_KEY as the X-Usertrail-Key header or `key` query parameter (browsers, sendBeacon).
 */
export function ingestCaller(ctx: AppContext, request: FastifyRequest, allowPublic: boolean): IngestCaller {
  if (carriesIngestKey(ctx, request)) return "server";
  if (allowPublic) {
    const given =
      (request.headers["x-usertrail-key"] as string | undefined) ?? (request.query as { key?: string })?.key;
    if (typeof given === "string" && sameSecret(given, ctx.keys.publicKey)) return "browser";
  }
  throw new HttpError(
    401,
    allowPublic
      ? "Missing or wrong key: send the ingest key as 'Authorization: Bearer <INGEST_KEY>' or the public key as the X-Usertrail-Key header."
      : "Missing or wrong ingest key: send 'Authorization: Bearer <INGEST_KEY>'.",
  );
}
