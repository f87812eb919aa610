/** A token bucket per key (an IP address): `burst` requests at once, then `perSecond` a second. */
export interface RateLimitOptions {
  burst: number;
  perSecond: number;
  /** Keys remembered at most; the oldest are forgotten first, so a flood of IPs costs bounded memory. */
  maxKeys?: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-key token buckets for the Sentry endpoints. Sentry SDKs honour `Retry-After` and
 * `X-Sentry-Rate-Limits`, so a client that floods us backs off instead of retrying at once.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(private readonly options: RateLimitOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Takes one token for `key`, or says how many whole seconds until one is free. */
  take(key: string, now = Date.now()): RateDecision {
    const { burst, perSecond } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    const refilled = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    this.buckets.delete(key); // re-inserted below, so Map order is least recently used first
    if (refilled >= 1) {
      this.buckets.set(key, { tokens: refilled - 1, at: now });
      this.evict();
      return { ok: true };
    }
    this.buckets.set(key, { tokens: refilled, at: now });
    this.evict();
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - refilled) / perSecond)) };
  }

  private evict(): void {
    while (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) return;
      this.buckets.delete(oldest);
    }
  }
}

/** The headers a Sentry SDK reads on a 429: plain Retry-After and Sentry's own, for all categories. */
export function rateLimitHeaders(retryAfterSeconds: number): Record<string, string> {
  return {
    "retry-after": String(retryAfterSeconds),
    "x-sentry-rate-limits": `${retryAfterSeconds}::key:usertrail_rate_limit`,
  };
}
