/** Realistic events for the ingest and memory benchmarks: ~300 bytes of metadata, 10,000 users. */
import { randomUUID } from "node:crypto";

const TYPES = [
  "VIDEO_VIEW",
  "VIDEO_VIEW",
  "LOGIN",
  "LESSON_COMPLETE",
  "HOMEWORK_SUBMIT",
  "CLIENT_ERROR",
  "API_ERROR",
];
const UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
export const USER_POOL = 10_000;

let counter = 0;

/** One event as an SDK sends it; `phase` is kept in metadata so stored rows can be counted per phase. */
export function makeEvent(phase: string) {
  const n = counter++;
  const type = TYPES[n % TYPES.length] as string;
  const isError = type.endsWith("_ERROR");
  const user = n % USER_POOL;
  return {
    event_id: randomUUID(),
    user_id: `user-${user}`,
    // Now and then the SDK sends who the user is, as Sentry's user context does.
    user: n % 50 === 0 ? { email: `student${user}@school.example`, full_name: `Student ${user}` } : undefined,
    event_type: type,
    message: isError
      ? `Request failed: GET /api/lessons/${n % 5000} answered 500`
      : `${type} on lesson ${n % 5000}`,
    severity: isError ? (n % 10 === 0 ? "critical" : "error") : "info",
    created_at: new Date().toISOString(),
    metadata: {
      url: `https://app.example.com/courses/${n % 40}/lessons/${n % 5000}`,
      userAgent: UA,
      lesson_id: n % 5000,
      duration_ms: (n * 37) % 90_000,
      session: randomUUID(),
      release: `2025.12.${n % 30}`,
      phase,
    },
  };
}

/** The same event as a row of COPY's text format, for the COPY baseline (same columns the server writes). */
export function copyLine(e: ReturnType<typeof makeEvent>): string {
  const category = e.event_type.endsWith("_ERROR") ? "error" : e.event_type === "LOGIN" ? "auth" : "content";
  const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");
  return `${[e.event_id, e.user_id, e.event_type, category, esc(e.message), esc(JSON.stringify(e.metadata)), e.severity, e.created_at].join("\t")}\n`;
}

export const COPY_COLUMNS =
  "event_id, user_id, event_type, event_category, message, metadata, severity, created_at";

let requestNo = 0;

/**
 * A request body factory: `size` events serialised once, each call stamping fresh event ids into a
 * copy, so the load generator spends its CPU on sending rather than on building JSON.
 */
export function bodies(phase: string, size: number): () => string {
  const events = Array.from({ length: size }, (_, i) => ({
    ...makeEvent(phase),
    event_id: `RQRQRQRQ-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
  }));
  const template = JSON.stringify({ events });
  return () => template.replaceAll("RQRQRQRQ", (requestNo++ + 0x10000000).toString(16));
}
