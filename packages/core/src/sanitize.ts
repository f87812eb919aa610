/**
 * PostgreSQL refuses NUL bytes in text and jsonb, and lone UTF-16 surrogates in jsonb.
 * Rather than reject a whole event for one stray byte, we keep the event and make the text
 * storable: NUL bytes are removed, lone surrogates become U+FFFD. This rule is documented.
 */
export function cleanText(value: string): string {
  const noNul = value.includes("\u0000") ? value.replaceAll("\u0000", "") : value;
  return noNul.isWellFormed() ? noNul : noNul.toWellFormed();
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export type CleanResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Copies metadata into plain objects with clean strings, refusing what would hurt:
 * nesting deeper than `maxDepth` and prototype-polluting keys are dropped by name.
 */
export function cleanJson(input: unknown, maxDepth: number): CleanResult {
  let tooDeep = false;
  const walk = (value: unknown, depth: number): unknown => {
    if (depth > maxDepth) {
      tooDeep = true;
      return null;
    }
    if (typeof value === "string") return cleanText(value);
    if (value === null || typeof value === "number" || typeof value === "boolean") {
      return typeof value === "number" && !Number.isFinite(value) ? null : value;
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    if (typeof value === "object") {
      const out: Record<string, unknown> = Object.create(null);
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (FORBIDDEN_KEYS.has(key)) continue;
        out[cleanText(key)] = walk(inner, depth + 1);
      }
      return out;
    }
    return null;
  };
  const value = walk(input, 0);
  if (tooDeep) return { ok: false, error: `metadata is nested deeper than ${maxDepth} levels` };
  return { ok: true, value };
}

/** The digits of a phone number, which is what phone search matches on. */
export function phoneDigits(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D+/g, "");
  return digits.length > 0 ? digits : null;
}
