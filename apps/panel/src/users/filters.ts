import { KNOWN_EVENT_TYPES, SEVERITIES } from "../constants.ts";

/**
 * A user's log filters live in the URL (`?types=A,B&severity=error&from=2025-12-01&to=…&text=…`)
 * so that a pasted link opens exactly the same view. This module turns the URL into filters,
 * filters back into the URL, and filters into the API's query parameters.
 */
export interface LogFilters {
  types: string[];
  severity: string[];
  from: string; // YYYY-MM-DD, local day
  to: string;
  text: string;
}

export const EVENT_TYPES: readonly string[] = KNOWN_EVENT_TYPES;
export const SEVERITY_LIST: readonly string[] = SEVERITIES;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TYPE = /^[A-Z][A-Z0-9_]{0,63}$/;

function list(value: string | null, keep: (s: string) => boolean): string[] {
  if (!value) return [];
  return [...new Set(value.split(",").map((s) => s.trim()))].filter(keep);
}

/** Reads filters from URL parameters, dropping anything malformed instead of failing. */
export function readFilters(params: URLSearchParams): LogFilters {
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  return {
    types: list(params.get("types"), (s) => TYPE.test(s)),
    severity: list(params.get("severity"), (s) => SEVERITY_LIST.includes(s)),
    from: DAY.test(from) ? from : "",
    to: DAY.test(to) ? to : "",
    text: (params.get("text") ?? "").slice(0, 200),
  };
}

/** Writes filters (and any extra keys such as the search query) into a query string. */
export function filtersToSearch(f: LogFilters, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
  if (f.types.length) p.set("types", f.types.join(","));
  if (f.severity.length) p.set("severity", f.severity.join(","));
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  if (f.text) p.set("text", f.text);
  const s = p.toString();
  // Commas are safe in a query and far easier to read in a pasted link.
  return s ? `?${s.replaceAll("%2C", ",")}` : "";
}

/** Start of a local day as an ISO instant. */
export function dayStart(day: string): string {
  return new Date(`${day}T00:00:00`).toISOString();
}

/** End of a local day as an ISO instant. */
export function dayEnd(day: string): string {
  return new Date(`${day}T23:59:59.999`).toISOString();
}

/** A sentence when the filters cannot be right, or null. */
export function filterProblem(f: LogFilters): string | null {
  if (f.from && f.to && f.from > f.to) return "The start date is after the end date; swap them or clear one.";
  return null;
}

/** The API's parameters for these filters. */
export function filtersToApi(f: LogFilters): Record<string, string | undefined> {
  return {
    eventType: f.types.length ? f.types.join(",") : undefined,
    severity: f.severity.length ? f.severity.join(",") : undefined,
    startDate: f.from ? dayStart(f.from) : undefined,
    endDate: f.to ? dayEnd(f.to) : undefined,
    q: f.text || undefined,
  };
}

/** True when any filter narrows the log. */
export function hasFilters(f: LogFilters): boolean {
  return f.types.length > 0 || f.severity.length > 0 || !!f.from || !!f.to || !!f.text;
}
