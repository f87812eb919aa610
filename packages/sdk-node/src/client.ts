import { randomUUID } from "node:crypto";
import {
  cleanMetadata,
  createQueue,
  eventTypeOf,
  SDK_LIMITS,
  type Stats,
  scrubText,
  type WireEvent,
} from "@usertrail/sdk-core";

export type Severity = "critical" | "error" | "warning" | "info" | "debug";
export type Category = "error" | "auth" | "content" | "activity";
const SEVERITIES = new Set(["critical", "error", "warning", "info", "debug"]);
const CATEGORIES = new Set(["error", "auth", "content", "activity"]);
const UPPER_SNAKE = /^[A-Z][A-Z0-9_]{0,63}$/;

export interface ClientOptions {
  /** Where the usertrail server is, e.g. "http://127.0.0.1:3000" (default: env USERTRAIL_URL). */
  endpoint?: string;
  /** The server's INGEST_KEY, a secret kept on the server (default: env USERTRAIL_INGEST_KEY). */
  ingestKey?: string;
  /** Most events per request (default 100). */
  batchSize?: number;
  /** How long an event may wait for a batch to fill, in ms (default 1000). */
  flushInterval?: number;
  /** Most events held in memory while the server is slow or down (default 10000; oldest dropped first). */
  maxQueue?: number;
  /** Per-request timeout in ms (default 10000). */
  requestTimeout?: number;
  /** How long shutdown() and the automatic flush at process exit keep trying, in ms (default 10000). */
  shutdownTimeout?: number;
}

/** What happened to whom: the seed's logUserActivity() arguments. */
export interface Activity {
  userId: string | number;
  /** UPPER_SNAKE_CASE, e.g. LOGIN or VIDEO_VIEW (other spellings are converted). */
  eventType: string;
  message?: string;
  metadata?: Record<string, unknown>;
  severity?: Severity;
  category?: Category;
  /** Creates or updates the user, as Sentry's user context does. */
  user?: { email?: string; phone?: string; full_name?: string };
}

type Extra = Record<string, unknown>;
/** Metadata the typed helpers suggest; any other field may be added. */
export interface LoginMetadata extends Extra {
  method?: string;
  ip?: string;
  userAgent?: string;
}
export interface VideoViewMetadata extends Extra {
  videoId: string | number;
  lessonId?: string | number;
  watchedSeconds?: number;
}
export interface HomeworkSubmitMetadata extends Extra {
  homeworkId: string | number;
  lessonId?: string | number;
  score?: number;
}
export interface LessonCompleteMetadata extends Extra {
  lessonId: string | number;
  courseId?: string | number;
  durationMs?: number;
}

/** A typed shortcut for one known event type. */
export type Helper<M extends Extra = Extra> = (
  userId: string | number,
  metadata?: M,
  message?: string,
) => void;

/**
 * Creates a usertrail client. logUserActivity() only queues (microseconds, never throws, never
 * waits); batches go out when full or after flushInterval, are retried with backoff, and what is
 * left is delivered when the process exits or shutdown() is awaited.
 */
export function createClient(options: ClientOptions = {}) {
  const endpoint = options.endpoint ?? process.env.USERTRAIL_URL;
  const url = `${String(endpoint).replace(/\/+$/, "")}/api/events`;
  const auth = `Bearer ${options.ingestKey ?? process.env.USERTRAIL_INGEST_KEY}`;
  const timeout = options.requestTimeout ?? 10_000;
  const shutdownTimeout = options.shutdownTimeout ?? 10_000;
  let closed = false;

  const queue = createQueue({
    batchSize: options.batchSize ?? 100,
    flushDelay: options.flushInterval ?? 1000,
    maxQueue: options.maxQueue ?? 10_000,
    send: async (events) => {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: auth },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(timeout),
      });
      const body = (await r.json().catch(() => ({}))) as { results?: Array<{ status?: string }> };
      return { status: r.status, retryAfter: r.headers.get("retry-after"), results: body.results };
    },
  });

  // A script that logs and ends without shutdown() still delivers: beforeExit fires when the
  // event loop empties, and the flush's requests keep the process alive until they finish.
  let exiting = false;
  const onBeforeExit = () => {
    if (exiting || queue.stats().queued === 0) return;
    exiting = true;
    void queue.flush(shutdownTimeout).finally(() => {
      exiting = false;
    });
  };
  process.on("beforeExit", onBeforeExit);

  function logUserActivity(a: Activity) {
    try {
      if (closed) return queue.drop("closed");
      if (!endpoint) return queue.drop("not_configured");
      if (a === null || typeof a !== "object") return queue.drop("invalid");
      const id = a.userId;
      const userId =
        typeof id === "string" || typeof id === "number" ? String(id).slice(0, SDK_LIMITS.userIdLength) : "";
      const type =
        typeof a.eventType === "string" && UPPER_SNAKE.test(a.eventType)
          ? a.eventType
          : eventTypeOf(a.eventType);
      if (!userId.trim() || !type) return queue.drop("invalid");
      const ev: WireEvent = {
        event_id: randomUUID(),
        user_id: userId,
        event_type: type,
        message: a.message == null ? type : scrubText(String(a.message), SDK_LIMITS.messageLength),
        severity: SEVERITIES.has(a.severity as string) ? (a.severity as string) : "info",
        created_at: new Date().toISOString(),
      };
      if (a.metadata != null) ev.metadata = cleanMetadata(a.metadata);
      if (CATEGORIES.has(a.category as string)) ev.event_category = a.category;
      if (a.user != null && typeof a.user === "object") ev.user = cleanMetadata(a.user) as WireEvent["user"];
      queue.add(ev);
    } catch {
      queue.drop("invalid");
    }
  }

  const helper =
    <M extends Extra>(eventType: string): Helper<M> =>
    (userId, metadata, message) =>
      logUserActivity({ userId, eventType, metadata, message });

  return {
    logUserActivity,
    logLogin: helper<LoginMetadata>("LOGIN"),
    logLogout: helper<Extra>("LOGOUT"),
    logVideoView: helper<VideoViewMetadata>("VIDEO_VIEW"),
    logHomeworkSubmit: helper<HomeworkSubmitMetadata>("HOMEWORK_SUBMIT"),
    logLessonComplete: helper<LessonCompleteMetadata>("LESSON_COMPLETE"),
    /** Sends everything queued now; true once delivered, false if `timeoutMs` passed first. */
    flush: (timeoutMs = shutdownTimeout) => queue.flush(timeoutMs),
    /** Delivers everything queued and stops accepting events; true when nothing was lost. */
    async shutdown(timeoutMs = shutdownTimeout): Promise<boolean> {
      closed = true;
      process.off("beforeExit", onBeforeExit);
      return queue.flush(timeoutMs);
    },
    /** Counts of sent, queued and dropped events (by reason: invalid, queue_full, rejected, closed…). */
    stats: (): Stats => queue.stats(),
    /** Counts an event the integrations chose not to send (shown in stats().dropped). */
    countDropped: (reason: string) => queue.drop(reason),
  };
}

export type UsertrailClient = ReturnType<typeof createClient>;
