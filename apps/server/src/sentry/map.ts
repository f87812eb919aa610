import { type EventInput, LIMITS, type Severity } from "@usertrail/core";
import { type Bounds, bound, clip, obj, str } from "./bound.ts";
import { parseUserAgent } from "./ua.ts";

/**
 * A usertrail event input (the shape of one event in POST /api/events) made from a Sentry event.
 * `user_id` is null when the Sentry event names no user: the route keeps such events elsewhere.
 */
export type MappedEvent = Omit<EventInput, "user_id"> & { user_id: string | null };

export type MapResult = { ok: true; event: MappedEvent } | { ok: false; error: string };

const LEVELS: Record<string, Severity> = {
  fatal: "critical",
  critical: "critical",
  error: "error",
  warning: "warning",
  warn: "warning",
  info: "info",
  log: "info",
  debug: "debug",
};

/** The room metadata may take; below core's limit so cleaning and escaping never tip it over. */
const METADATA_BUDGET = LIMITS.metadataBytes - 4096;
const SKEW_MS = 24 * 3600 * 1000;
/** Headers that carry credentials; never stored even if an SDK forwards them. */
const SECRET_HEADERS =
  /^(cookie|set-cookie|authorization|proxy-authorization|x-sentry-auth|x-usertrail-key)$/i;
/** Platforms and SDKs whose errors happen on the end user's device, not on a server. */
const CLIENT_SDK =
  /^sentry\.(javascript\.(browser|react-native|capacitor|electron)|cocoa|java\.android|dart|unity)/;

interface Level {
  frames: number;
  crumbs: number;
  bounds: Bounds;
}

/** Ever smaller cuts, tried in order until the metadata fits its budget. */
const CUTS: Level[] = [
  { frames: 50, crumbs: 100, bounds: { depth: 6, string: 2000, keys: 50, items: 50 } },
  { frames: 30, crumbs: 30, bounds: { depth: 4, string: 500, keys: 30, items: 20 } },
  { frames: 10, crumbs: 10, bounds: { depth: 3, string: 200, keys: 20, items: 10 } },
  { frames: 5, crumbs: 0, bounds: { depth: 2, string: 100, keys: 10, items: 5 } },
];

/** Turns Sentry's 32-hex event id into the UUID form usertrail stores; undefined if it is neither. */
export function sentryIdToUuid(id: unknown): string | undefined {
  if (typeof id !== "string") return undefined;
  const hex = id.replaceAll("-", "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Sentry's timestamp (seconds as a number, or an ISO string) as an ISO date we can trust, or undefined. */
export function sentryTimestamp(value: unknown, now: number): string | undefined {
  let ms: number;
  if (typeof value === "number") ms = value * 1000;
  else if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value)) ms = Date.parse(value);
  else return undefined;
  if (!Number.isFinite(ms) || ms > now + SKEW_MS || ms < Date.UTC(2000, 0, 1)) return undefined;
  return new Date(ms).toISOString();
}

function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  const values = obj(value)?.values;
  return Array.isArray(values) ? values : [];
}

function frameLine(frame: Record<string, unknown>): string {
  const where = [str(frame.filename) ?? str(frame.abs_path) ?? str(frame.module) ?? "?"];
  if (str(frame.lineno)) where.push(String(frame.lineno));
  if (str(frame.colno)) where.push(String(frame.colno));
  const fn = str(frame.function);
  return fn ? `    at ${fn} (${where.join(":")})` : `    at ${where.join(":")}`;
}

function mapException(value: Record<string, unknown>, cut: Level) {
  const frames = list(obj(value.stacktrace)?.frames)
    .map(obj)
    .filter((f) => f !== undefined)
    .slice(-cut.frames)
    .map((f) => ({
      filename: str(f.filename),
      abs_path: str(f.abs_path),
      function: str(f.function),
      module: str(f.module),
      lineno: typeof f.lineno === "number" ? f.lineno : undefined,
      colno: typeof f.colno === "number" ? f.colno : undefined,
      in_app: typeof f.in_app === "boolean" ? f.in_app : undefined,
      context_line: str(f.context_line),
    }));
  const mechanism = obj(value.mechanism);
  const s = (v: unknown) => {
    const text = str(v);
    return text === undefined ? undefined : clip(text, cut.bounds.string * 2);
  };
  return {
    type: s(value.type),
    value: s(value.value),
    module: s(value.module),
    mechanism: mechanism ? { type: str(mechanism.type), handled: mechanism.handled } : undefined,
    stacktrace: { frames: bound(frames, cut.bounds) as typeof frames },
  };
}

/** Renders an exception like a JavaScript stack (innermost frame first), for readers of `stack`. */
function renderStack(exception: ReturnType<typeof mapException>, max: number): string {
  const head = [exception.type, exception.value].filter(Boolean).join(": ");
  const lines = [...exception.stacktrace.frames].reverse().map(frameLine);
  return clip([head, ...lines].join("\n"), max);
}

function messageText(event: Record<string, unknown>): string | undefined {
  const logentry = obj(event.logentry);
  const message = event.message;
  return (
    str(logentry?.formatted) ??
    str(logentry?.message) ??
    str(message) ??
    str(obj(message)?.formatted) ??
    str(obj(message)?.message)
  );
}

/**
 * captureMessage with attachStacktrace (the Node SDK's default) sends the message as a synthetic,
 * typeless exception carrying a stack; it is still a message, not an error.
 */
function isSyntheticMessage(event: Record<string, unknown>): boolean {
  const main = obj(list(event.exception).at(-1));
  return (
    obj(main?.mechanism)?.synthetic === true &&
    str(main?.type) === undefined &&
    messageText(event) !== undefined
  );
}

function isClientSide(event: Record<string, unknown>, userAgent: string | undefined): boolean {
  const sdkName = str(obj(event.sdk)?.name) ?? "";
  if (CLIENT_SDK.test(sdkName)) return true;
  const contexts = obj(event.contexts);
  if (contexts?.runtime) return false; // Node, Deno, Bun, edge runtimes all name themselves here
  const platform = str(event.platform);
  if (platform === "cocoa" || platform === "objc") return true;
  return platform === "javascript" && (contexts?.browser !== undefined || userAgent !== undefined);
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return str(value);
  return undefined;
}

function buildMetadata(event: Record<string, unknown>, cut: Level): Record<string, unknown> {
  const b = cut.bounds;
  const s = (v: unknown) => {
    const text = str(v);
    return text === undefined ? undefined : clip(text, b.string);
  };
  const sdk = obj(event.sdk);
  const request = obj(event.request);
  const reqHeaders = obj(request?.headers);
  const userAgent = headerValue(reqHeaders, "user-agent");
  const exceptions = list(event.exception)
    .map(obj)
    .filter((e) => e !== undefined)
    .slice(-10)
    .map((e) => mapException(e, cut));
  const main = exceptions.at(-1);
  const contexts = (bound(obj(event.contexts) ?? {}, b) ?? {}) as Record<string, unknown>;
  const ua = userAgent ? parseUserAgent(userAgent) : {};
  if (!contexts.browser && ua.browser) contexts.browser = ua.browser;
  if (!contexts.os && ua.os) contexts.os = ua.os;
  const summary = (ctx: unknown) => {
    const c = obj(ctx);
    return c ? [s(c.name), s(c.version)].filter(Boolean).join(" ") || undefined : undefined;
  };
  const headers = reqHeaders
    ? Object.fromEntries(Object.entries(reqHeaders).filter(([k]) => !SECRET_HEADERS.test(k)))
    : undefined;
  const crumbs = cut.crumbs === 0 ? [] : list(event.breadcrumbs).slice(-cut.crumbs);
  const user = obj(event.user);
  const userExtra = user
    ? Object.fromEntries(
        Object.entries(user).filter(([k]) => !["id", "email", "name", "username"].includes(k)),
      )
    : {};
  return {
    source: "sentry",
    sentry_event_id: s(event.event_id),
    platform: s(event.platform),
    sdk: sdk ? { name: s(sdk.name), version: s(sdk.version) } : undefined,
    level: s(event.level),
    release: s(event.release),
    environment: s(event.environment),
    dist: s(event.dist),
    server_name: s(event.server_name),
    transaction: s(event.transaction),
    logger: s(event.logger),
    message: main ? s(messageText(event)) : undefined,
    exception: exceptions.length > 0 ? exceptions : undefined,
    stack: main ? renderStack(main, b.string * 4) : undefined,
    breadcrumbs: crumbs.length > 0 ? bound(crumbs.map(mapBreadcrumb), b) : undefined,
    tags: event.tags ? bound(event.tags, b) : undefined,
    extra: event.extra ? bound(event.extra, b) : undefined,
    contexts: Object.keys(contexts).length > 0 ? contexts : undefined,
    browser: summary(contexts.browser),
    os: summary(contexts.os),
    runtime: summary(contexts.runtime),
    url: s(request?.url),
    user_agent: s(userAgent),
    request: request
      ? bound({ url: request.url, method: request.method, query_string: request.query_string, headers }, b)
      : undefined,
    user: Object.keys(userExtra).length > 0 ? bound(userExtra, b) : undefined,
    fingerprint: Array.isArray(event.fingerprint) ? bound(event.fingerprint, b) : undefined,
  };
}

function mapBreadcrumb(raw: unknown): unknown {
  const crumb = obj(raw);
  if (!crumb) return null;
  const ts = typeof crumb.timestamp === "number" ? new Date(crumb.timestamp * 1000) : undefined;
  return {
    timestamp: ts && !Number.isNaN(ts.getTime()) ? ts.toISOString() : str(crumb.timestamp),
    type: str(crumb.type),
    category: str(crumb.category),
    level: str(crumb.level),
    message: str(crumb.message),
    data: crumb.data,
  };
}

/** Drops undefined fields so the stored JSON (and its size) holds only what was sent. */
function compact(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

function fitMetadata(event: Record<string, unknown>): Record<string, unknown> {
  for (const cut of CUTS) {
    const metadata = compact(buildMetadata(event, cut));
    if (Buffer.byteLength(JSON.stringify(metadata)) <= METADATA_BUDGET) return metadata;
  }
  const types = list(event.exception).map((e) => clip(str(obj(e)?.type) ?? "?", 100));
  const platform = str(event.platform);
  return compact({
    source: "sentry",
    platform: platform ? clip(platform, 100) : undefined,
    exception_types: types.slice(-10),
    truncated: true,
  });
}

function userOf(event: Record<string, unknown>): { id: string | null; email?: string; full_name?: string } {
  const user = obj(event.user);
  if (!user) return { id: null };
  const id = str(user.id)?.trim();
  const rawEmail = str(user.email)?.trim();
  const email = rawEmail && rawEmail.length <= LIMITS.emailLength ? rawEmail : undefined;
  const name = (str(user.name) ?? str(user.username))?.trim();
  return {
    id: id || email || null,
    email,
    full_name: name ? clip(name, LIMITS.nameLength) : undefined,
  };
}

/**
 * Maps one Sentry event (an `event` item's JSON, or a /store/ body) to a usertrail event input:
 * an exception becomes CLIENT_ERROR (browser and other client SDKs) or API_ERROR (server SDKs),
 * a message becomes MESSAGE; Sentry's level becomes the severity; the exception with its frames,
 * breadcrumbs, tags, release, environment, contexts and request go into metadata.
 * `fallbackId` is the envelope header's event_id, used when the event itself has none.
 */
export function mapSentryEvent(raw: unknown, fallbackId?: unknown, now = Date.now()): MapResult {
  const event = obj(raw);
  if (!event) return { ok: false, error: "the event is not a JSON object" };
  const metadata = fitMetadata(event);
  const exceptions = list(event.exception).filter((e) => obj(e) !== undefined);
  const isError = exceptions.length > 0 && !isSyntheticMessage(event);
  const level = str(event.level)?.toLowerCase();
  const severity: Severity = (level && LEVELS[level]) || (isError ? "error" : "info");
  const main = obj(exceptions.at(-1));
  const text = isError
    ? [str(main?.type), str(main?.value)].filter(Boolean).join(": ") || messageText(event) || "Error"
    : (messageText(event) ?? str(main?.value) ?? str(event.transaction) ?? "Sentry event without a message");
  const userAgent = headerValue(obj(obj(event.request)?.headers), "user-agent");
  const eventType = isError ? (isClientSide(event, userAgent) ? "CLIENT_ERROR" : "API_ERROR") : "MESSAGE";
  const category = isError || severity === "error" || severity === "critical" ? "error" : "activity";
  const user = userOf(event);
  const block = user.email || user.full_name ? { email: user.email, full_name: user.full_name } : undefined;
  return {
    ok: true,
    event: {
      event_id: sentryIdToUuid(event.event_id) ?? sentryIdToUuid(fallbackId),
      user_id: user.id,
      user: block,
      event_type: eventType,
      event_category: category,
      message: clip(text, LIMITS.messageLength),
      metadata,
      severity,
      created_at: sentryTimestamp(event.timestamp, now),
    },
  };
}
