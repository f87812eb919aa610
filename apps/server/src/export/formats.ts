import type { LogEntry } from "@usertrail/store";

export const EXPORT_FORMATS = ["csv", "ndjson", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The columns of a CSV export, in order; metadata is written as its JSON text. */
export const CSV_COLUMNS = [
  "id",
  "created_at",
  "user_id",
  "event_id",
  "event_type",
  "event_category",
  "severity",
  "message",
  "metadata",
] as const;

/**
 * One CSV cell per RFC 4180, made safe for spreadsheets: a cell that starts with = + - @ (or a
 * tab or carriage return, which some spreadsheets skip before such a sign) would run as a formula
 * ("CSV injection"), so it gets a leading apostrophe, which spreadsheets show as plain text.
 * Cells with a comma, quote, CR or LF are quoted, and quotes inside are doubled.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV record, ending in CRLF as RFC 4180 asks. */
export function csvRow(cells: string[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** An entry as a CSV record in CSV_COLUMNS order. */
export function entryToCsv(e: LogEntry): string {
  return csvRow([
    String(e.id),
    e.created_at.toISOString(),
    e.user_id,
    e.event_id,
    e.event_type,
    e.event_category,
    e.severity,
    e.message,
    JSON.stringify(e.metadata ?? {}),
  ]);
}

/** What goes before the first entry, between entries, and after the last, per format. */
export function framing(format: ExportFormat): {
  head: string;
  entry: (e: LogEntry, first: boolean) => string;
  tail: string;
} {
  switch (format) {
    case "csv":
      return { head: csvRow([...CSV_COLUMNS]), entry: entryToCsv, tail: "" };
    case "ndjson":
      return { head: "", entry: (e) => `${JSON.stringify(e)}\n`, tail: "" };
    case "json":
      return { head: "[", entry: (e, first) => `${first ? "\n" : ",\n"}${JSON.stringify(e)}`, tail: "\n]\n" };
  }
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8; header=present",
  ndjson: "application/x-ndjson; charset=utf-8",
  json: "application/json; charset=utf-8",
};

/** A download name safe in any file system and header: usertrail-<user>-<UTC time>.<format>. */
export function exportFilename(userId: string, format: ExportFormat, now = new Date()): string {
  const who =
    userId
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .replace(/^[._]+/, "")
      .slice(0, 64) || "user";
  const when = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `usertrail-${who}-${when}.${format}`;
}
