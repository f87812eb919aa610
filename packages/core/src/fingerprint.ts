/**
 * Error grouping: the same bug seen by many users, with different ids in its message and from
 * different deploys, must land in one group; a different bug must not. Pure functions, no I/O.
 */

/** One frame of a parsed stack trace. */
export interface StackFrame {
  fn: string;
  file: string;
  line: number | null;
  col: number | null;
}

/** What an error event is grouped by, and how its group is shown. */
export interface ErrorFingerprint {
  /** Readable key: type, normalised message and top app frames, joined by " | ". */
  fingerprint: string;
  /** `Type: normalised message`, for lists. */
  title: string;
  type: string;
  message: string;
  /** The top app frames the fingerprint used, as `fn (file)`. */
  frames: string[];
  /** The raw stack, if the event carried one (for the bug report). */
  stack: string | null;
}

const MAX_MESSAGE = 300;
const TOP_FRAMES = 3;

/** Placeholders for the parts of a message that vary between occurrences of one bug. */
const NORMALISERS: [RegExp, string][] = [
  // URLs: keep scheme, host and path (the path is normalised below), drop query and fragment.
  [/\b(https?:\/\/[^\s?#'"]+)[?#][^\s'"]*/gi, "$1?<query>"],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, "<email>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  // Hashes, object ids, tokens: long hex runs with at least one digit.
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{12,}\b/gi, "<hex>"],
  // Opaque ids with letters and digits mixed, like session tokens (8+ chars, both kinds present).
  [/\b(?=[A-Za-z_-]*\d)(?=\d*[A-Za-z])[A-Za-z0-9_-]{16,}\b/g, "<id>"],
  [/\d+(?:\.\d+)?/g, "<n>"],
];

/** Replaces ids, numbers, UUIDs, emails, query strings and hex with placeholders. */
export function normaliseMessage(message: string): string {
  // Only the head of the first line counts; the cap also bounds the regexes' work on hostile input.
  let out = (message.split("\n", 1)[0] ?? "").slice(0, 2 * MAX_MESSAGE);
  for (const [pattern, replacement] of NORMALISERS) out = out.replace(pattern, replacement);
  out = out.replace(/\s+/g, " ").trim();
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}

const LINE_COL = /:(\d{1,9})(?::(\d{1,9}))?$/;

/** `file:line:col` (or `file:line`) into its parts; null when there is no line number. */
function location(loc: string): { file: string; line: number; col: number | null } | null {
  const m = LINE_COL.exec(loc);
  if (!m) return null;
  return { file: loc.slice(0, m.index), line: Number(m[1]), col: m[2] ? Number(m[2]) : null };
}

/** One stack line in V8's `at fn (file:1:2)` / `at file:1:2` or Firefox's `fn@file:1:2` form. */
function parseFrame(raw: string): StackFrame | null {
  const line = raw.trim();
  let fn = "";
  let loc: string;
  if (line.startsWith("at ")) {
    // Parsed by hand, not by one regex: nested optional spaces made the regex backtrack for seconds.
    const rest = line
      .slice(3)
      .trim()
      .replace(/^async /, "");
    const open = rest.endsWith(")") ? rest.lastIndexOf(" (") : -1;
    if (open >= 0) {
      fn = rest.slice(0, open).trim();
      loc = rest.slice(open + 2, -1);
    } else loc = rest;
  } else {
    const at = line.indexOf("@");
    if (at < 0) return null;
    fn = line.slice(0, at);
    loc = line.slice(at + 1);
  }
  const where = location(loc);
  if (!where) return null;
  return { fn: fn.replace(/^new /, "") || "<anonymous>", file: where.file, line: where.line, col: where.col };
}

/** Parses V8 (Chrome, Node, Edge) and SpiderMonkey/JavaScriptCore (Firefox, Safari) stack lines. */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  // The top 60 lines hold the frames that matter; capped lines bound the work on hostile input.
  for (const raw of stack.split("\n", 60)) {
    const frame = parseFrame(raw.length > 1000 ? raw.slice(0, 1000) : raw);
    if (frame) frames.push(frame);
  }
  return frames;
}

const NOT_APP_FILE =
  /node_modules|\/vendor\/|\/vendors?[-.~][^/]*$|bower_components|^node:|^internal\/|^native$|<anonymous>|^(chrome|moz|safari(-web)?)-extension:|\/\/(cdn\.|cdnjs\.|unpkg\.com|ajax\.googleapis|www\.gstatic|www\.googletagmanager|connect\.facebook|static\.cloudflareinsights)/i;

/**
 * Whether a frame is the app's own code rather than a library, the runtime or a CDN script.
 * Bundlers put libraries in vendor chunks (`vendor-react.js`, `vendors~main.js`): those are libraries.
 */
export function isAppFrame(frame: StackFrame): boolean {
  return frame.file !== "" && !NOT_APP_FILE.test(frame.file);
}

/** A file name stable across deploys: no origin, query, or content hash in bundle names. */
export function stableFile(file: string): string {
  let f = file.replace(/^[a-z][\w+.-]*:\/\/[^/]*/i, "").replace(/[?#].*$/, "");
  f = f.replace(/^webpack:\/\/\/?/, "").replace(/^file:\/\//, "");
  // main.3f2a9c1b.js, index-BxY2_k9a.js, chunk.abc123.mjs → main.js, index.js, chunk.mjs
  f = f.replace(/[.-](?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{6,}(?=\.m?[jt]sx?$)/, "");
  return f.split("/").slice(-2).join("/");
}

const TYPE_PREFIX = /^\s*((?:[A-Z][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception|Rejection|Fault)|Error)(?::\s*|$)/;

function text(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

interface Extracted {
  type: string | null;
  value: string | null;
  stack: string | null;
  frames: StackFrame[] | null;
}

/** Sentry-style `{type, value, stacktrace: {frames}}` (frames oldest first, so reversed here). */
function fromSentryException(ex: Record<string, unknown>): Extracted {
  const st = ex.stacktrace as { frames?: unknown } | undefined;
  const list = Array.isArray(st?.frames) ? (st.frames as Record<string, unknown>[]) : null;
  const frames = list
    ? list
        .filter((f) => f && typeof f === "object" && f.in_app !== false)
        .map((f) => ({
          fn: text(f.function) ?? "<anonymous>",
          file: text(f.filename) ?? text(f.abs_path) ?? text(f.module) ?? "",
          line: typeof f.lineno === "number" ? f.lineno : null,
          col: typeof f.colno === "number" ? f.colno : null,
        }))
        .reverse()
    : null;
  return { type: text(ex.type), value: text(ex.value), stack: text(ex.stack), frames };
}

/** Finds the exception type, value and stack wherever SDKs put them in metadata. */
function extract(metadata: Record<string, unknown>): Extracted {
  const out: Extracted = { type: null, value: null, stack: text(metadata.stack), frames: null };
  const ex = metadata.exception ?? metadata.error;
  if (typeof ex === "string") out.stack ??= ex;
  else if (ex && typeof ex === "object") {
    const values = (ex as { values?: unknown }).values;
    const first = Array.isArray(values) ? values[values.length - 1] : ex;
    if (first && typeof first === "object") {
      const e = fromSentryException(first as Record<string, unknown>);
      const named = first as { name?: unknown; message?: unknown };
      out.type = e.type ?? text(named.name);
      out.value = e.value ?? text(named.message);
      out.stack ??= e.stack;
      out.frames = e.frames;
    }
  }
  out.type ??= text(metadata.errorType) ?? text(metadata.error_type);
  return out;
}

/**
 * Computes the group key of an error event from its type, message and metadata
 * (`stack`, `exception` as a stack string, a `{name, message, stack}` object, or Sentry's shape).
 */
export function fingerprintError(event: {
  event_type: string;
  message: string;
  metadata: Record<string, unknown>;
}): ErrorFingerprint {
  const found = extract(event.metadata ?? {});
  const stack = found.stack;
  const stackHead = stack ? TYPE_PREFIX.exec(stack.split("\n")[0] ?? "") : null;
  let message = found.value ?? event.message;
  const prefix = TYPE_PREFIX.exec(message);
  const type = found.type ?? prefix?.[1] ?? stackHead?.[1] ?? event.event_type;
  if (prefix && prefix[1] === type) message = message.slice(prefix[0].length);
  const normalised = normaliseMessage(message) || "(no message)";
  const frames = (found.frames ?? (stack ? parseStack(stack) : []))
    .filter(isAppFrame)
    .slice(0, TOP_FRAMES)
    .map((f) => `${f.fn} (${stableFile(f.file)})`);
  return {
    fingerprint: [type, normalised, ...frames].join(" | "),
    title: `${type}: ${normalised}`.slice(0, 400),
    type,
    message: normalised,
    frames,
    stack,
  };
}

/** Which events are errors that belong in a group. */
export function isGroupedError(event: { event_type: string; severity: string }): boolean {
  return (
    event.severity === "error" ||
    event.severity === "critical" ||
    event.event_type === "CLIENT_ERROR" ||
    event.event_type === "API_ERROR"
  );
}
