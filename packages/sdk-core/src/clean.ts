/**
 * Limits the SDKs apply before sending, so an event is never refused for size. They mirror
 * LIMITS in @usertrail/core (a test checks that they agree); the SDKs do not import it because
 * the browser build cannot carry zod.
 */
export const SDK_LIMITS = {
  userIdLength: 128,
  eventTypeLength: 64,
  messageLength: 10_000,
  /** Longest string kept inside metadata; stacks and response snippets fit. */
  stringLength: 4000,
  depth: 8,
  keys: 100,
  items: 100,
} as const;

export const FILTERED = "[Filtered]";

/** Field names whose values are secrets whatever they hold. */
const SECRET_KEY =
  /passw|pwd|secret|token|authorization|cookie|card|cvv|cvc|(^|[^a-z])pan([^a-z]|$)|api.?key/i;
/** `password=...`, `token: ...`, `Bearer ...` inside free text such as URLs or messages. */
const SECRET_IN_TEXT =
  /((?:password|passwd|pwd|secret|token|api_?key|authorization)["']?\s*[=:]\s*["']?(?:bearer\s+)?|bearer\s+)[^\s&"',;]+/gi;
/**
 * Runs of 13–19 digits, optionally split by spaces or dashes, that might be card numbers; not runs
 * that are part of a longer word, hex id or UUID (no lookbehind: older Safari cannot parse it).
 */
const DIGIT_RUN = /(^|[^\w-])(\d(?:[ -]?\d){12,18})(?![\w-])/g;

/** Luhn check, so timestamps and ids that merely are long are not taken for card numbers. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = +(digits[digits.length - 1 - i] as string) * (i % 2 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return sum % 10 === 0;
}

/** Hides secrets that travel inside text: `token=…` pairs, bearer tokens and card-number-looking digits. */
export function scrubText(text: string, max: number = SDK_LIMITS.stringLength): string {
  const s = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return s
    .replace(SECRET_IN_TEXT, `$1${FILTERED}`)
    .replace(DIGIT_RUN, (all, before: string, run: string) =>
      luhn(run.replace(/\D/g, "")) ? before + FILTERED : all,
    );
}

/**
 * Copies any value into plain JSON that is safe to send: secrets scrubbed by field name and by
 * shape, cycles and depth cut, strings and collections bounded, errors and dates made readable.
 * Never throws, whatever it is given (getters that throw, proxies, cycles).
 */
export function clean(value: unknown, depth = 0, seen: unknown[] = []): unknown {
  try {
    if (typeof value === "string") return scrubText(value);
    if (typeof value === "number") return Number.isFinite(value) ? value : null;
    if (typeof value === "boolean" || value == null) return value ?? null;
    if (typeof value === "bigint") return String(value);
    if (typeof value !== "object") return null;
    if (depth >= SDK_LIMITS.depth) return "[Deep]";
    if (seen.includes(value)) return "[Circular]";
    if (value instanceof Date) return Number.isNaN(+value) ? null : value.toISOString();
    if (value instanceof Error) {
      return { name: value.name, message: scrubText(String(value.message)), stack: clean(value.stack) };
    }
    seen.push(value);
    let out: unknown;
    if (Array.isArray(value)) {
      out = value.slice(0, SDK_LIMITS.items).map((item) => clean(item, depth + 1, seen));
    } else {
      const obj: Record<string, unknown> = {};
      let n = 0;
      for (const key in value) {
        if (n++ >= SDK_LIMITS.keys) break;
        if (key === "__proto__" || !Object.hasOwn(value, key)) continue;
        const v = clean((value as Record<string, unknown>)[key], depth + 1, seen);
        obj[key] = SECRET_KEY.test(key) && v !== null ? FILTERED : v;
      }
      out = obj;
    }
    seen.pop();
    return out;
  } catch {
    return "[Unreadable]";
  }
}

/** Metadata as an object, whatever was passed (a bare value becomes `{ value }`). */
export function cleanMetadata(metadata: unknown): Record<string, unknown> {
  const c = clean(metadata);
  return c !== null && typeof c === "object" && !Array.isArray(c)
    ? (c as Record<string, unknown>)
    : c == null
      ? {}
      : { value: c };
}

/** Turns any name into UPPER_SNAKE_CASE, the only form the server accepts; "" when nothing is left. */
export function eventTypeOf(name: unknown): string {
  const s = String(name ?? "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^[^A-Z]+|_+$/g, "");
  return s.slice(0, SDK_LIMITS.eventTypeLength);
}
