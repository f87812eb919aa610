import { type FormEvent, useCallback, useEffect, useState } from "react";
import { api, errorText, query } from "../api.ts";
import { formatDateTime, useLocale } from "../locale.ts";
import { linkProps, navigate, useLocation } from "../router.ts";
import { Card, Empty, ErrorBox, Spinner } from "../ui.tsx";

export interface AuditEntry {
  id: number;
  at: string;
  action: "view" | "erase";
  detail: string;
  user_id: string;
  actor: { id: string | null; email: string | null; name: string | null };
}

interface AuditPage {
  entries: AuditEntry[];
  next_cursor: string | null;
}

const WHAT: Record<string, string> = {
  logs: "opened the log",
  stats: "read the numbers",
  user: "opened the profile",
  export: "exported the log",
  live: "watched live",
};

/** Admins only: who looked at which student, and which students were erased; newest first. */
export default function AuditTab() {
  const { params } = useLocation();
  const locale = useLocale();
  const action =
    params.get("action") === "view" || params.get("action") === "erase" ? params.get("action") : "";
  const userId = (params.get("user") ?? "").slice(0, 128);
  const [draft, setDraft] = useState(userId);
  const [page, setPage] = useState<{
    entries: AuditEntry[];
    next: string | null;
    state: string;
    error?: string;
  }>({
    entries: [],
    next: null,
    state: "loading",
  });
  const url = useCallback(
    (cursor?: string) => `/api/audit${query({ limit: 50, action, userId, cursor })}`,
    [action, userId],
  );

  useEffect(() => {
    const ctl = new AbortController();
    setPage({ entries: [], next: null, state: "loading" });
    api<AuditPage>(url(), { signal: ctl.signal })
      .then((p) => setPage({ entries: p.entries, next: p.next_cursor, state: "done" }))
      .catch((err) => {
        if (!ctl.signal.aborted) setPage({ entries: [], next: null, state: "error", error: errorText(err) });
      });
    return () => ctl.abort();
  }, [url]);

  async function more() {
    if (!page.next) return;
    try {
      const p = await api<AuditPage>(url(page.next));
      setPage((old) => ({ entries: [...old.entries, ...p.entries], next: p.next_cursor, state: "done" }));
    } catch (err) {
      setPage((old) => ({ ...old, error: errorText(err) }));
    }
  }

  const go = (next: { action?: string; user?: string }) =>
    navigate(`/audit${query({ action: next.action ?? action, user: next.user ?? userId })}`);

  return (
    <Card title="Audit">
      <p className="muted">
        Every staff look at a student’s data, and every erasure. An erased student appears by id only.
      </p>
      <div className="filter-row">
        <label className="field field-inline">
          <span>Show</span>
          <select value={action ?? ""} onChange={(e) => go({ action: e.target.value })}>
            <option value="">Looks and erasures</option>
            <option value="view">Looks only</option>
            <option value="erase">Erasures only</option>
          </select>
        </label>
        <form
          className="field field-inline field-grow"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            go({ user: draft.trim() });
          }}
        >
          <label htmlFor="audit-user">Student id</label>
          <input id="audit-user" value={draft} maxLength={128} onChange={(e) => setDraft(e.target.value)} />
        </form>
      </div>
      {page.state === "loading" && <Spinner label="Loading the audit…" />}
      {page.state === "error" && <ErrorBox message={page.error ?? "Could not load the audit."} />}
      {page.state === "done" && page.entries.length === 0 && <Empty title="Nothing recorded yet" />}
      {page.entries.length > 0 && (
        <table className="table" aria-label="Audit entries">
          <thead>
            <tr>
              <th>When</th>
              <th>Staff</th>
              <th>Did</th>
              <th>Student id</th>
            </tr>
          </thead>
          <tbody>
            {page.entries.map((e) => (
              <tr key={e.id} className={`audit-${e.action}`}>
                <td>{formatDateTime(e.at, locale)}</td>
                <td title={e.actor.email ?? ""}>{e.actor.name || e.actor.email || "(deleted account)"}</td>
                <td>
                  {e.action === "erase" ? <strong>erased the student</strong> : (WHAT[e.detail] ?? e.detail)}
                </td>
                <td className="mono">
                  {e.action === "erase" ? (
                    e.user_id
                  ) : (
                    <a {...linkProps(`/users/${encodeURIComponent(e.user_id)}`)}>{e.user_id}</a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.error && page.state === "done" && <ErrorBox message={page.error} onRetry={more} />}
      {page.next && (
        <div className="log-footer">
          <button type="button" className="btn" onClick={more}>
            Load more
          </button>
        </div>
      )}
    </Card>
  );
}
