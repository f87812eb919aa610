import type { FastifyRequest } from "fastify";
import type { AppContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { sameSecret } from "./keys.ts";

export type IngestCaller = "server" | "browser";

/**
 * Which ingest key the request carries: the secret INGEST_KEY as a bearer token (server side),
 * or the PUBLIC_KEY as the X-Usertrail-Key header or `key` query parameter (browsers, sendBeacon).
 */
export function ingestCaller(ctx: AppContext, request: FastifyRequest, allowPublic: boolean): IngestCaller {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ") && sameSecret(header.slice(7).trim(), ctx.keys.ingestKey))
    return "server";
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
