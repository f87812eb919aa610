import { isCalendarDay } from "./calendar.ts";
/**
 * Fast paths for judgeEvent, because validation was the ingest hot path's biggest CPU cost (zod,
 * then copying and re-serialising metadata: ~40-80 µs per event, most of a core at 20k events/s).
 * Each function here only ever answers "valid, and already clean" for input the full rules accept
 * unchanged; anything else returns null and goes through zod and cleanJson, so the rules and their
 * error messages stay in one place (event.ts, sanitize.ts).
 */
import { CATEGORIES, LIMITS, SEVERITIES } from "./constants.ts";
import type { EventInput } from "./event.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_TYPE = /^[A-Z][A-Z0-9_]*$/;
const DATE_START = /^\d{4}-\d{2}-\d{2}/;
const CATEGORY_SET = new Set<string>(CATEGORIES);
const SEVERITY_SET = new Set<string>(SEVERITIES);
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const text = (v: unknown, max: number) => typeof v === "string" && v.length <= max;
/** Optional in the schema: absent or undefined passes, null does not (zod refuses it). */
const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v);
const nullishText = (v: unknown, max: number) => v === undefined || v === null || text(v, max);

/** The event as zod would parse it, or null when the full check must decide (or explain). */
export function quickEventInput(raw: unknown): EventInput | null {
  if (!isPlain(raw)) return null;
  const { event_id, user_id, user, event_type, event_category, message, metadata, severity, created_at } =
    raw;
  if (!optional(event_id, (v) => typeof v === "string" && UUID.test(v))) return null;
  if (typeof user_id !== "string" || user_id.length < 1 || user_id.length > LIMITS.userIdLength) return null;
  if (user !== undefined && user !== null) {
    if (!isPlain(user)) return null;
    if (!nullishText(user.email, LIMITS.emailLength)) return null;
    if (!nullishText(user.phone, LIMITS.phoneLength)) return null;
    if (!nullishText(user.full_name, LIMITS.nameLength)) return null;
  }
  if (!text(event_type, LIMITS.eventTypeLength) || !EVENT_TYPE.test(event_type as string)) return null;
  if (!optional(event_category, (v) => typeof v === "string" && CATEGORY_SET.has(v))) return null;
  if (!text(message, LIMITS.messageLength)) return null;
  if (!optional(metadata, isPlain)) return null;
  if (!optional(severity, (v) => typeof v === "string" && SEVERITY_SET.has(v))) return null;
  const dateOk = (v: unknown) =>
    typeof v === "string" &&
    v.length <= 64 &&
    DATE_START.test(v) &&
    !Number.isNaN(Date.parse(v)) &&
    isCalendarDay(v);
  if (!optional(created_at, dateOk)) return null;
  return raw as EventInput;
}

/**
 * `metadata` itself when cleanJson would return an equal copy and it is surely under the size
 * limit; null when it needs cleaning, is too deep, or might be too big (then the full path decides).
 * The size bound is generous (every character counted as a 6-byte escape), so the exact byte count
 * is only computed for metadata that might really be near the limit.
 */
export function quickCleanMetadata(metadata: Record<string, unknown>): Record<string, unknown> | null {
  let bound = 2;
  const clean = (value: unknown, depth: number): boolean => {
    if (depth > LIMITS.metadataDepth) return false;
    if (typeof value === "string") {
      bound += value.length * 6 + 3;
      return !value.includes("\u0000") && value.isWellFormed();
    }
    if (typeof value === "number") {
      bound += 25;
      return Number.isFinite(value);
    }
    if (value === null || typeof value === "boolean") {
      bound += 6;
      return true;
    }
    if (Array.isArray(value)) {
      bound += 2;
      for (const item of value) if (!clean(item, depth + 1)) return false;
      return true;
    }
    if (!isPlain(value)) return false;
    bound += 2;
    for (const key in value) {
      if (FORBIDDEN_KEYS.has(key) || key.includes("\u0000") || !key.isWellFormed()) return false;
      bound += key.length * 6 + 4;
      if (!clean(value[key], depth + 1)) return false;
    }
    return true;
  };
  return clean(metadata, 0) && bound <= LIMITS.metadataBytes ? metadata : null;
}
