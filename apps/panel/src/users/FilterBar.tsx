import { type FormEvent, useEffect, useState } from "react";
import { EVENT_TYPES, hasFilters, type LogFilters, SEVERITY_LIST } from "./filters.ts";

function toggle(list: string[], value: string): string[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

/** Filters for one student's log: several event types, severities, a date range and text. */
export function FilterBar({
  filters,
  onChange,
  seenTypes,
}: {
  filters: LogFilters;
  onChange: (next: LogFilters) => void;
  seenTypes: string[];
}) {
  const [text, setText] = useState(filters.text);
  useEffect(() => setText(filters.text), [filters.text]);
  const types = [...new Set([...EVENT_TYPES, ...seenTypes, ...filters.types])];

  function applyText(e?: FormEvent) {
    e?.preventDefault();
    if (text.trim() !== filters.text) onChange({ ...filters, text: text.trim() });
  }

  return (
    <div className="filters">
      <fieldset className="chips">
        <legend>Event types</legend>
        {types.map((t) => (
          <label key={t} className={`chip ${filters.types.includes(t) ? "on" : ""}`}>
            <input
              type="checkbox"
              checked={filters.types.includes(t)}
              onChange={() => onChange({ ...filters, types: toggle(filters.types, t) })}
            />
            {t}
          </label>
        ))}
      </fieldset>
      <fieldset className="chips">
        <legend>Severity</legend>
        {SEVERITY_LIST.map((s) => (
          <label key={s} className={`chip chip-sev sev-${s} ${filters.severity.includes(s) ? "on" : ""}`}>
            <input
              type="checkbox"
              checked={filters.severity.includes(s)}
              onChange={() => onChange({ ...filters, severity: toggle(filters.severity, s) })}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <div className="filter-row">
        <label className="field field-inline">
          <span>From</span>
          <input
            type="date"
            value={filters.from}
            onChange={(e) => onChange({ ...filters, from: e.target.value })}
          />
        </label>
        <label className="field field-inline">
          <span>To</span>
          <input
            type="date"
            value={filters.to}
            onChange={(e) => onChange({ ...filters, to: e.target.value })}
          />
        </label>
        <form className="field field-inline field-grow" onSubmit={applyText}>
          <label htmlFor="log-text">Message contains</label>
          <input
            id="log-text"
            type="search"
            value={text}
            maxLength={200}
            placeholder="e.g. timeout"
            onChange={(e) => setText(e.target.value)}
            onBlur={() => applyText()}
          />
        </form>
        {hasFilters(filters) && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => onChange({ types: [], severity: [], from: "", to: "", text: "" })}
          >
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}
