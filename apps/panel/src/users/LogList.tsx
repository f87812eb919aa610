import { useState } from "react";
import type { LogEntry } from "../api.ts";
import { CATEGORIES } from "../constants.ts";
import { formatDateTime } from "../locale.ts";
import { SEVERITY_LIST } from "./filters.ts";

const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);

/** Class-safe names: only known values become CSS classes, anything else is "other". */
const sevClass = (s: string) => (SEVERITY_LIST.includes(s) ? s : "other");
const catClass = (c: string) => (CATEGORY_SET.has(c) ? c : "other");

/** Metadata as indented JSON; always rendered as text, never as HTML. */
function pretty(value: unknown): string {
  try {
    return JSON.stringify(value ?? {}, null, 2);
  } catch {
    return String(value);
  }
}

/** The activity log, newest first, one row per event. */
export function LogList({ logs, locale }: { logs: LogEntry[]; locale: string }) {
  return (
    <ol className="log-list" aria-label="Activity log">
      {logs.map((entry) => (
        <LogRow key={`${entry.id}-${entry.event_id}`} entry={entry} locale={locale} />
      ))}
    </ol>
  );
}

/** A stack trace, if the metadata carries one, shown with its line breaks for reading. */
function stackOf(metadata: unknown): string | null {
  if (!metadata || typeof metadata !== "object") return null;
  const stack = (metadata as { stack?: unknown }).stack;
  return typeof stack === "string" && stack.includes("\n") ? stack : null;
}

function LogRow({ entry, locale }: { entry: LogEntry; locale: string }) {
  const [open, setOpen] = useState(false);
  const detailsId = `log-details-${entry.id}`;
  return (
    <li
      className={`log-row sev-${sevClass(entry.severity)} cat-${catClass(entry.event_category)}`}
      data-event-type={entry.event_type}
      data-severity={entry.severity}
    >
      <div className="log-top">
        <span className={`sev-pill sev-${sevClass(entry.severity)}`}>{entry.severity}</span>
        <span className="type-badge">{entry.event_type}</span>
        <span className={`cat-tag cat-${catClass(entry.event_category)}`}>{entry.event_category}</span>
        <time className="log-time muted" dateTime={entry.created_at}>
          {formatDateTime(entry.created_at, locale)}
        </time>
        <button
          type="button"
          className="btn btn-ghost btn-small details-btn"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? "Hide details" : "Details"}
        </button>
      </div>
      <p className="log-message">{entry.message}</p>
      {open && (
        <div id={detailsId} className="log-details">
          <div className="muted small mono">event_id {entry.event_id}</div>
          {stackOf(entry.metadata) && (
            <>
              <div className="details-label">Stack trace</div>
              <pre className="stack-trace">{stackOf(entry.metadata)}</pre>
            </>
          )}
          <div className="details-label">Metadata</div>
          <pre className="json">{pretty(entry.metadata)}</pre>
        </div>
      )}
    </li>
  );
}
