import {
  clean,
  cleanMetadata,
  createQueue,
  eventTypeOf,
  type Queue,
  type Stats,
  type WireEvent,
} from "@usertrail/sdk-core";
import { type Crumb, type FailedRequest, watch } from "./breadcrumbs.ts";

export type { Stats, WireEvent };
export type Severity = "critical" | "error" | "warning" | "info" | "debug";

/** The person using the page; `id` is your app's user id. */
export interface User {
  id: string | number;
  email?: string;
  phone?: string;
  full_name?: string;
}

export interface Options {
  /** Where the usertrail server is, e.g. "https://usertrail.example.com". */
  endpoint: string;
  /** The server's PUBLIC_KEY (safe to ship to browsers; it can only add events). */
  publicKey: string;
  user?: User | null;
  /** Change an event or return null to drop it; runs before scrubbing. */
  beforeSend?: (event: WireEvent) => WireEvent | null;
  /** How many breadcrumbs an error carries (default 20). */
  maxBreadcrumbs?: number;
  /** Most events kept while offline, in memory and in localStorage (default 100). */
  maxQueue?: number;
  /** The same error within this many ms is sent once (default 5000). */
  dedupeWindow?: number;
  /** Log failed requests (network errors and 5xx) as CLIENT_ERROR (default true). */
  captureRequests?: boolean;
}

let opts: Options | undefined;
let queue: Queue | undefined;
let crumbs: () => Crumb[] = () => [];
/** fetch as it was before the SDK wrapped it, so the SDK's own requests are not breadcrumbs. */
let rawFetch: typeof fetch;
const recent = new Map<string, number>();

/** crypto.randomUUID exists only in secure contexts (https, localhost); plain-http pages get a v4 UUID by hand. */
function uuid(): string {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 15) | 64;
  b[8] = ((b[8] ?? 0) & 63) | 128;
  const h = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Runs `fn`, swallowing anything it throws: the SDK must never break the page it watches. */
function safe<A extends unknown[], R>(fn: (...a: A) => R) {
  return (...a: A): R | undefined => {
    try {
      return fn(...a);
    } catch {
      queue?.drop("internal_error");
    }
  };
}

function enqueue(
  type: string,
  message: unknown,
  metadata: unknown,
  severity: Severity,
  fingerprint?: string,
) {
  const q = queue;
  const o = opts;
  if (!q || !o) return;
  const now = Date.now();
  if (fingerprint) {
    if (now - (recent.get(fingerprint) ?? -1e9) < (o.dedupeWindow ?? 5000)) return q.drop("duplicate");
    if (recent.size > 100) recent.clear();
    recent.set(fingerprint, now);
  }
  const u = o.user;
  const userId = u?.id == null ? "" : String(u.id).slice(0, 128);
  if (!userId && type !== "CLIENT_ERROR") return q.drop("no_user");
  let ev: WireEvent | null = {
    event_id: uuid(),
    user_id: userId,
    event_type: eventTypeOf(type),
    message: String(message ?? "").slice(0, 10_000) || type,
    metadata: metadata as Record<string, unknown>,
    severity,
    created_at: new Date(now).toISOString(),
  };
  if (u && (u.email || u.phone || u.full_name))
    ev.user = { email: u.email, phone: u.phone, full_name: u.full_name };
  if (!ev.event_type) return q.drop("invalid");
  if (o.beforeSend) {
    try {
      ev = o.beforeSend(ev);
    } catch {
      return q.drop("before_send_error");
    }
    if (!ev) return q.drop("before_send");
  }
  // Scrub what people wrote (message, metadata, user), never the ids and dates the server checks.
  ev.message = clean(ev.message) as string;
  ev.metadata = cleanMetadata(ev.metadata);
  if (ev.user) ev.user = cleanMetadata(ev.user);
  if (ev.user_id) q.add(ev);
  else anonymous(o, ev);
}

/** An error before any user is known goes, best effort, to the client-error route (system health). */
function anonymous(o: Options, ev: WireEvent) {
  const m = ev.metadata ?? {};
  rawFetch(keyed(o, "/api/tripwire/debug/client-error"), {
    method: "POST",
    keepalive: true,
    body: JSON.stringify({
      message: ev.message,
      stack: m.stack,
      url: m.url,
      userAgent: m.userAgent,
      context: { ...(m.context as object), breadcrumbs: m.breadcrumbs },
      severity: ev.severity,
    }),
  }).catch(() => queue?.drop("send_failed"));
}

/** Logs an error as CLIENT_ERROR with stack, page, browser, user email and the recent breadcrumbs. */
function report(error: unknown, source: string, context?: unknown, severity: Severity = "error") {
  const err = error instanceof Error ? error : null;
  const message = err
    ? `${err.name}: ${err.message}`
    : typeof error === "string"
      ? error
      : JSON.stringify(clean(error));
  const stack = err?.stack ?? "";
  enqueue(
    "CLIENT_ERROR",
    message,
    {
      source,
      stack,
      url: location.href,
      userAgent: navigator.userAgent,
      context: cleanMetadata(context),
      userEmail: opts?.user?.email,
      breadcrumbs: crumbs(),
    },
    severity,
    `${message}|${stack.split("\n", 3).join("|")}`,
  );
}

/** A public route's URL with the public key as `?key=` (sendBeacon and simple CORS requests cannot set headers). */
const keyed = (o: Options, path: string) =>
  `${o.endpoint.replace(/\/+$/, "")}${path}?key=${encodeURIComponent(o.publicKey)}`;
const storeKey = (o: Options) => `usertrail:${o.publicKey}`;

/** Reads the queue a previous page left in localStorage (events that were not sent yet). */
function loadStored(o: Options): WireEvent[] {
  try {
    const v = JSON.parse(localStorage.getItem(storeKey(o)) ?? "[]");
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** Hands what is queued to the browser as the page goes away; the events stay stored until a fetch confirms them. */
function beacon() {
  const o = opts;
  const items = queue?.items();
  if (!o || !items?.length || !navigator.sendBeacon) return;
  navigator.sendBeacon(keyed(o, "/api/events"), JSON.stringify({ events: items.slice(0, 50) }));
}

/**
 * Starts usertrail in this page: catches uncaught errors, rejected promises and failed requests,
 * keeps breadcrumbs, and sends events in batches. Calling it again only updates the options.
 */
export const init = safe((options: Options) => {
  const first = !opts;
  opts = { ...options };
  if (!first) return;
  const o = opts;
  rawFetch = window.fetch.bind(window);
  queue = createQueue({
    maxQueue: o.maxQueue ?? 100,
    batchSize: 50,
    flushDelay: 1000,
    initial: loadStored(o),
    onChange: (items) => localStorage.setItem(storeKey(o), JSON.stringify(items)),
    send: async (events) => {
      const body = JSON.stringify({ events });
      // A "simple" CORS request (key in the query, text/plain body) needs no preflight: one round
      // trip instead of two, and keepalive requests cannot always wait for a preflight.
      const r = await rawFetch(keyed(o, "/api/events"), {
        method: "POST",
        // keepalive lets the request outlive the page, but caps the body at 64 KB.
        keepalive: body.length < 60_000,
        body,
      });
      return {
        status: r.status,
        retryAfter: r.headers.get("retry-after"),
        results: (await r.json().catch(() => ({}))).results,
      };
    },
  });
  crumbs = watch(
    o.maxBreadcrumbs ?? 20,
    o.endpoint,
    safe((r: FailedRequest) => {
      if (opts?.captureRequests === false) return;
      const msg = `${r.method} ${r.url} ${r.status ? `failed with ${r.status}` : "failed (network error)"}`;
      const error = Object.assign(new Error(msg), { name: "RequestError" });
      error.stack = `${error.name}: ${msg}\n${r.stack}`;
      report(error, "request", { method: r.method, url: r.url, status: r.status });
    }),
  );
  addEventListener(
    "error",
    safe((e: ErrorEvent) =>
      report(e.error ?? e.message, "onerror", { filename: e.filename, line: e.lineno, column: e.colno }),
    ),
  );
  addEventListener(
    "unhandledrejection",
    safe((e: PromiseRejectionEvent) => report(e.reason, "unhandledrejection")),
  );
  addEventListener("pagehide", safe(beacon));
  addEventListener(
    "visibilitychange",
    safe(() => document.visibilityState === "hidden" && beacon()),
  );
  addEventListener("online", () => queue?.retryNow());
  if (queue.items().length) void queue.flush();
});

/** Sets (or, with null, clears) the user that later events belong to. */
export const setUser = safe((user: User | null) => {
  if (opts) opts.user = user;
});

/** Logs a caught error as CLIENT_ERROR; `context` is any extra detail worth seeing next to it. */
export const captureException = safe((error: unknown, context?: unknown) =>
  report(error, "captureException", context),
);

/** Logs an activity event of your own, e.g. track("VIDEO_VIEW", "Lesson 3 video", { lessonId: 3 }). */
export const track = safe(
  (eventType: string, message?: string, metadata?: unknown, severity: Severity = "info") =>
    enqueue(eventType, message ?? eventType, cleanMetadata(metadata), severity),
);

/** Sends what is queued now; resolves true when the queue is empty. */
export const flush = (timeout?: number): Promise<boolean> => queue?.flush(timeout) ?? Promise.resolve(true);

/** What the SDK has sent and dropped, by reason (duplicate, queue_full, rejected, no_user, before_send…). */
export const getStats = (): Stats => queue?.stats() ?? { queued: 0, sent: 0, dropped: {} };
