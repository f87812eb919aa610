import { badRequest } from "../errors.ts";

/** A whole number in [min, max] from a query string, or the default; anything else is a 400. */
export function intParam(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
) {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!/^\d{1,9}$/.test(value) || !Number.isInteger(n) || n < min || n > max) {
    throw badRequest(`${name} must be a whole number from ${min} to ${max}.`);
  }
  return n;
}

/** One of a fixed list of words, or the default. */
export function oneOf<T extends string>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
  fallback: T | undefined,
): T | undefined {
  if (value === undefined || value === "") return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${name} must be one of ${allowed.join(", ")}.`);
  }
  return value as T;
}

/** A date in ISO 8601, or the default. */
export function dateParam(value: string | undefined, name: string, fallback: Date): Date {
  if (value === undefined || value === "") return fallback;
  const d = new Date(value);
  if (value.length > 64 || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) {
    throw badRequest(`${name} is not a valid date; use ISO 8601 like 2025-12-21 or 2025-12-21T16:00:00Z.`);
  }
  return d;
}

const DAY = 86_400_000;

/** A period from `from`/`to` (default: the last `defaultDays` days), at most `maxDays` long. */
export function periodParams(
  query: { from?: string; to?: string },
  defaultDays: number,
  maxDays = 366,
): { from: Date; to: Date } {
  const to = dateParam(query.to, "to", new Date());
  const from = dateParam(query.from, "from", new Date(to.getTime() - defaultDays * DAY));
  if (from > to) throw badRequest("from is after to.");
  if (to.getTime() - from.getTime() > maxDays * DAY)
    throw badRequest(`The period may span at most ${maxDays} days.`);
  return { from, to };
}

/** An id from the path: bounded, no NUL bytes. */
export function idParam(value: string, name: string, max = 128): string {
  if (value.length > max) throw badRequest(`${name} is longer than ${max} characters.`);
  return value.replaceAll("\u0000", "");
}
