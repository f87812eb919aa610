export { extractPublicKey, keyFromAuthHeader, keyFromDsn, keyMatches } from "./auth.ts";
export { decodeBody } from "./decode.ts";
export { type Envelope, type EnvelopeItem, parseEnvelope } from "./envelope.ts";
export { SENTRY_LIMITS, SentryRequestError } from "./errors.ts";
export { type MappedEvent, mapSentryEvent, sentryIdToUuid, sentryTimestamp } from "./map.ts";
export { RateLimiter, type RateLimitOptions, rateLimitHeaders } from "./ratelimit.ts";
export { readEnvelopeRequest, readStoreRequest, type SentryBatch } from "./request.ts";
