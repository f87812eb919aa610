import { describe, expect, it } from "vitest";
import { RateLimiter, rateLimitHeaders } from "../../src/sentry/ratelimit.ts";

describe("RateLimiter", () => {
  it("allows a burst, then refuses with a retry time, then refills", () => {
    const limiter = new RateLimiter({ burst: 3, perSecond: 0.5 });
    const t = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take("ip", t).ok)).toEqual([true, true, true]);
    expect(limiter.take("ip", t)).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(limiter.take("other", t).ok).toBe(true);
    expect(limiter.take("ip", t + 2000).ok).toBe(true);
  });

  it("forgets the least recently used keys beyond maxKeys", () => {
    const limiter = new RateLimiter({ burst: 1, perSecond: 0.001, maxKeys: 2 });
    limiter.take("a", 0);
    limiter.take("b", 0);
    limiter.take("c", 0); // "a" is forgotten, so it gets a fresh bucket
    expect(limiter.take("a", 0).ok).toBe(true);
    expect(limiter.take("c", 0).ok).toBe(false);
  });

  it("writes the headers the Sentry SDKs parse", () => {
    expect(rateLimitHeaders(7)).toEqual({
      "retry-after": "7",
      "x-sentry-rate-limits": "7::key:usertrail_rate_limit",
    });
  });
});
