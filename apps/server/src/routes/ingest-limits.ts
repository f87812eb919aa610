import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { carriesIngestKey } from "../auth/ingest-auth.ts";
import type { AppContext } from "../context.ts";
import { HttpError } from "../errors.ts";

/** Requests per minute the public ingest routes take from one address and for one user id. */
export interface IngestLimits {
  perIpPerMinute: number;
  perUserPerMinute: number;
  /** Addresses/users remembered at once (least recently seen forgotten first): memory stays bounded. */
  remembered: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  perIpPerMinute: 1200,
  perUserPerMinute: 120,
  remembered: 10_000,
};

/** The host app's backend (INGEST_KEY) sends everyone's events from one address; it is trusted. */
const isServerCaller = carriesIngestKey;

/** The user a public request speaks for: the first event's user_id, or a client error's user. */
function userKeyOf(request: FastifyRequest): string {
  const body = request.body as Record<string, unknown> | null | undefined;
  if (!body || typeof body !== "object") return "";
  if (Array.isArray(body.events)) {
    const first = body.events.find(
      (e): e is { user_id: string } => typeof (e as { user_id?: unknown })?.user_id === "string",
    );
    return first ? first.user_id.slice(0, 200) : "";
  }
  const id = typeof body.user_id === "string" ? body.user_id : body.user_email;
  return typeof id === "string" ? id.slice(0, 320) : "";
}

/**
 * A pre-handler that limits the public (browser, PUBLIC_KEY) ingest routes per address and per user
 * id, answering 429 with Retry-After. Make it once and hand it to every public ingest route (the
 * Sentry envelope route too), so one sender cannot multiply its allowance across routes. It runs as
 * a pre-handler because the user id is in the parsed body. (The plugin's own `rateLimit()` hooks
 * cannot be stacked: the second one on a request is skipped, so both checks live here.)
 */
export function publicIngestLimits(
  app: FastifyInstance,
  ctx: AppContext,
  limits: IngestLimits,
): preHandlerAsyncHookHandler {
  // `cache` sizes each limiter's own LRU store (the plugin reads it at runtime; its types omit it).
  type Options = NonNullable<Parameters<FastifyInstance["createRateLimit"]>[0]>;
  const perIp = app.createRateLimit({
    max: limits.perIpPerMinute,
    timeWindow: 60_000,
    cache: limits.remembered,
    keyGenerator: (req) => `ip:${req.ip}`,
  } as Options);
  const perUser = app.createRateLimit({
    max: limits.perUserPerMinute,
    timeWindow: 60_000,
    cache: limits.remembered,
    keyGenerator: (req: FastifyRequest) => `user:${userKeyOf(req)}`,
    // Without a user id only the address limit applies.
    allowList: (_req: FastifyRequest, key: string) => key === "user:",
  } as Options);
  return async (request, reply) => {
    if (isServerCaller(ctx, request)) return;
    for (const [limiter, what] of [
      [perIp, "from this address"],
      [perUser, "for this user"],
    ] as const) {
      const state = await limiter(request);
      if (state.isAllowed || !state.isExceeded) continue;
      const seconds = Math.max(1, state.ttlInSeconds);
      reply.header("retry-after", String(seconds));
      throw new HttpError(429, `Too many requests ${what}; slow down and try again in ${seconds} seconds.`);
    }
  };
}
