import type { UsertrailClient } from "./client.ts";

export type UserIdOf<Req> = (
  req: Req,
) => string | number | null | undefined | Promise<string | number | null | undefined>;

/** Options shared by the Fastify plugin and the Express middleware. */
export interface ApiErrorOptions<Req> {
  /** Your app's user id for this request (from its session or token); may be async. */
  getUserId: UserIdOf<Req>;
  /** User id for errors of signed-out callers; without it those are not logged (counted as no_user). */
  anonymousUserId?: string;
  /** Return false to skip a response, e.g. 404s of bots (default: every 4xx and 5xx). */
  shouldLog?: (statusCode: number, req: Req) => boolean;
}

/** How much of an error response body is kept. */
export const SNIPPET_LENGTH = 500;

/** What one failed response looked like. */
export interface FailedResponse {
  method: string;
  url: string;
  route?: string;
  statusCode: number;
  response: string;
  userAgent?: string;
  ip?: string;
  error?: string;
}

/** The first SNIPPET_LENGTH characters of a body, whatever form it was written in. */
export function snippetOf(body: unknown): string {
  if (typeof body === "string") return body.slice(0, SNIPPET_LENGTH);
  if (body instanceof Uint8Array)
    return Buffer.from(body.subarray(0, SNIPPET_LENGTH * 4))
      .toString("utf8")
      .slice(0, SNIPPET_LENGTH);
  return body == null ? "" : "[stream]";
}

/**
 * Logs a 4xx/5xx response as API_ERROR for the request's user (the seed's userActivityErrorLogger).
 * Resolving the user id may be async; nothing here throws or delays the response.
 */
export function logApiError<Req>(
  client: UsertrailClient,
  opts: ApiErrorOptions<Req>,
  req: Req,
  r: FailedResponse,
) {
  try {
    if (opts.shouldLog && !opts.shouldLog(r.statusCode, req)) return;
    Promise.resolve()
      .then(() => opts.getUserId(req))
      .catch(() => undefined)
      .then((id) => {
        const userId = id == null || id === "" ? opts.anonymousUserId : id;
        if (userId == null) return client.countDropped("no_user");
        const path = r.url.split("?")[0];
        client.logUserActivity({
          userId,
          eventType: "API_ERROR",
          category: "error",
          severity: r.statusCode >= 500 ? "error" : "warning",
          message: `${r.method} ${path} failed with ${r.statusCode}${r.error ? `: ${r.error}` : ""}`,
          metadata: { ...r },
        });
      });
  } catch {
    // never let logging break the response
  }
}
