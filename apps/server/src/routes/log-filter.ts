import { CATEGORIES, isCalendarDay, SEVERITIES } from "@usertrail/core";
import { decodeCursor, type LogFilter } from "@usertrail/store";
import { badRequest } from "../errors.ts";

/** The log filters as they arrive in a query string; every one optional. */
export interface LogQuery {
  limit?: string;
  eventType?: string;
  severity?: string;
  category?: string;
  startDate?: string;
  endDate?: string;
  q?: string;
  cursor?: string;
}

function list(value: string | undefined, name: string, allowed?: readonly string[], pattern?: RegExp) {
  if (value === undefined || value === "") return undefined;
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length > 50) throw badRequest(`${name} lists more than 50 values.`);
  for (const item of items) {
    if ((allowed && !allowed.includes(item)) || (pattern && !pattern.test(item))) {
      throw badRequest(
        allowed
          ? `${name} '${item.slice(0, 40)}' is not one of ${allowed.join(", ")}.`
          : `${name} '${item.slice(0, 40)}' is not a valid event type.`,
      );
    }
  }
  return items;
}

/** ISO 8601 dates and date-times only: JavaScript's Date also reads "' OR '1'='1" as 2001-01-01. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

function date(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const d = new Date(value);
  if (value.length > 64 || !ISO_DATE.test(value) || Number.isNaN(d.getTime()) || !isCalendarDay(value)) {
    throw badRequest(`${name} is not a valid date; use ISO 8601 like 2025-12-21 or 2025-12-21T16:00:00Z.`);
  }
  return d;
}

/** Turns query-string filters into a LogFilter, answering 400 with the reason for a bad one. */
export function parseLogQuery(query: LogQuery, maxLimit = 1000): LogFilter {
  let limit: number | undefined;
  if (query.limit !== undefined && query.limit !== "") {
    limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
      throw badRequest(`limit must be a whole number from 1 to ${maxLimit}.`);
    }
  }
  const startDate = date(query.startDate, "startDate");
  let endDate = date(query.endDate, "endDate");
  // A date picker's "to 2025-12-21" means through the end of that day, not its first instant.
  if (endDate && /^\d{4}-\d{2}-\d{2}$/.test(query.endDate ?? ""))
    endDate = new Date(endDate.getTime() + 86_399_999);
  if (startDate && endDate && startDate > endDate) throw badRequest("startDate is after endDate.");
  if (query.q !== undefined && query.q.length > 200) throw badRequest("q is longer than 200 characters.");
  if (
    query.cursor !== undefined &&
    query.cursor !== "" &&
    (query.cursor.length > 200 || !decodeCursor(query.cursor))
  ) {
    throw badRequest("cursor is not one this server gave out; start again without it.");
  }
  return {
    limit,
    eventTypes: list(query.eventType, "eventType", undefined, /^[A-Z][A-Z0-9_]{0,63}$/),
    severities: list(query.severity, "severity", SEVERITIES),
    categories: list(query.category, "category", CATEGORIES),
    startDate,
    endDate,
    text: query.q?.replaceAll("\u0000", "") || undefined,
    cursor: query.cursor || undefined,
  };
}
