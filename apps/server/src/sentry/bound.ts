/** How much of an arbitrary JSON value to keep. */
export interface Bounds {
  depth: number;
  string: number;
  keys: number;
  items: number;
}

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/** Cuts a string to `max` characters, marking the cut so a reader knows text is missing. */
export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Copies SDK-supplied JSON (tags, extra, contexts, breadcrumb data) into plain objects within
 * `bounds`, so that one chatty field cannot push an event past the metadata limits. Values that
 * are not JSON become null; what is cut is marked rather than silently dropped.
 */
export function bound(value: unknown, bounds: Bounds, depth = 0): unknown {
  if (typeof value === "string") return clip(value, bounds.string);
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean" || value === null) return value;
  if (typeof value !== "object") return null;
  if (depth >= bounds.depth) return "[depth limit]";
  if (Array.isArray(value)) {
    const out = value.slice(0, bounds.items).map((v) => bound(v, bounds, depth + 1));
    if (value.length > bounds.items) out.push(`[${value.length - bounds.items} more]`);
    return out;
  }
  const out: Record<string, unknown> = {};
  let kept = 0;
  let total = 0;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    total++;
    if (FORBIDDEN.has(key) || kept >= bounds.keys) continue;
    out[clip(key, 200)] = bound(inner, bounds, depth + 1);
    kept++;
  }
  if (total > kept && kept >= bounds.keys) out["…"] = `${total - kept} more keys`;
  return out;
}

/** Reads a plain-object field, or undefined when it is missing or not an object. */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Reads a non-empty string field (numbers are accepted and turned into text). */
export function str(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
