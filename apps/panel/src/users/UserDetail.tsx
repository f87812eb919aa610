import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  ApiError,
  api,
  errorText,
  type LogEntry,
  type LogPage,
  query,
  type TrackedUser,
  type UserStats,
} from "../api.ts";
import { formatDate, formatNumber, useLocale } from "../locale.ts";
import { navigate, useLocation } from "../router.ts";
import { Card, Empty, ErrorBox, Spinner } from "../ui.tsx";
import { EraseUser } from "./EraseUser.tsx";
import { FilterBar } from "./FilterBar.tsx";
import {
  filterProblem,
  filtersToApi,
  filtersToSearch,
  hasFilters,
  type LogFilters,
  readFilters,
} from "./filters.ts";
import { LogList } from "./LogList.tsx";
import { entryMatches, type LiveStatus, mergeNewest, useLiveLog } from "./live.ts";

const PAGE = 100;

type Load<T> =
  | { state: "loading" }
  | { state: "error"; message: string; status: number }
  | { state: "done"; data: T };

function useFetch<T>(url: string, refresh: number): Load<T> {
  const [load, setLoad] = useState<Load<T>>({ state: "loading" });
  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh is a deliberate re-run trigger
  useEffect(() => {
    const ctl = new AbortController();
    setLoad({ state: "loading" });
    api<T>(url, { signal: ctl.signal })
      .then((data) => setLoad({ state: "done", data }))
      .catch((err) => {
        if (!ctl.signal.aborted)
          setLoad({
            state: "error",
            message: errorText(err),
            status: err instanceof ApiError ? err.status : 0,
          });
      });
    return () => ctl.abort();
  }, [url, refresh]);
  return load;
}

interface LogState {
  logs: LogEntry[];
  next: string | null;
  state: "loading" | "done" | "error" | "more";
  error?: string;
}

const LIVE_LABEL: Record<LiveStatus, string> = {
  off: "",
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
};

type Delta = { total: number; errors: number; critical: number };
const NO_DELTA: Delta = { total: 0, errors: 0, critical: 0 };

/** One student's page: who they are, four numbers, and their log with filters, updated live. */
export function UserDetail({ userId, isAdmin = false }: { userId: string; isAdmin?: boolean }) {
  const { params } = useLocation();
  const locale = useLocale();
  // Keyed on the filters' text so that an unrelated URL change does not refetch the log.
  const filterKey = filtersToSearch(readFilters(params));
  const filters = useMemo(() => readFilters(new URLSearchParams(filterKey.slice(1))), [filterKey]);
  const q = params.get("q") ?? "";
  const [refresh, setRefresh] = useState(0);
  const idPath = encodeURIComponent(userId);
  const user = useFetch<{ user: TrackedUser }>(`/api/tripwire/debug/user/${idPath}`, refresh);
  const stats = useFetch<UserStats>(`/api/tripwire/debug/user-stats/${idPath}`, refresh);
  const problem = filterProblem(filters);
  const [log, setLog] = useState<LogState>({ logs: [], next: null, state: "loading" });
  const [erased, setErased] = useState<{ events: number } | null>(null);
  // Live updates start once the first page is in (its newest id is where they continue from).
  const [liveOn, setLiveOn] = useState(false);
  const lastId = useRef(0);
  const [delta, setDelta] = useState<Delta>(NO_DELTA);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const live = useLiveLog(
    userId,
    liveOn && !erased,
    lastId,
    (entries) => {
      setDelta((d) => ({
        total: d.total + entries.length,
        errors: d.errors + entries.filter((e) => e.severity === "error" || e.severity === "critical").length,
        critical: d.critical + entries.filter((e) => e.severity === "critical").length,
      }));
      const shown = entries.filter((e) => entryMatches(e, filtersRef.current));
      if (shown.length) setLog((l) => ({ ...l, logs: mergeNewest(l.logs, shown) }));
    },
    () => setRefresh((n) => n + 1),
  );
  // Fresh numbers from the server replace the live tally.
  useEffect(() => {
    if (stats.state === "done") setDelta(NO_DELTA);
  }, [stats.state]);

  const logUrl = useCallback(
    (cursor?: string) =>
      `/api/tripwire/debug/user-logs/${idPath}${query({ limit: PAGE, ...filtersToApi(filters), cursor })}`,
    [idPath, filters],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh is a deliberate re-run trigger
  useEffect(() => {
    if (problem) return;
    const ctl = new AbortController();
    setLog({ logs: [], next: null, state: "loading" });
    api<LogPage>(logUrl(), { signal: ctl.signal })
      .then((page) => {
        for (const e of page.logs) lastId.current = Math.max(lastId.current, Number(e.id));
        setLog({ logs: page.logs, next: page.next_cursor, state: "done" });
        setLiveOn(true);
      })
      .catch((err) => {
        if (!ctl.signal.aborted) setLog({ logs: [], next: null, state: "error", error: errorText(err) });
      });
    return () => ctl.abort();
  }, [logUrl, refresh, problem]);

  async function loadMore() {
    if (!log.next) return;
    setLog((l) => ({ ...l, state: "more", error: undefined }));
    try {
      const page = await api<LogPage>(logUrl(log.next));
      setLog((l) => ({ logs: [...l.logs, ...page.logs], next: page.next_cursor, state: "done" }));
    } catch (err) {
      setLog((l) => ({ ...l, state: "done", error: errorText(err) }));
    }
  }

  function setFilters(next: LogFilters) {
    navigate(`/users/${idPath}${filtersToSearch(next, { q })}`);
  }

  const exportUrl = (format: string) =>
    `/api/tripwire/debug/user-logs/${idPath}/export${query({ format, ...filtersToApi(filters) })}`;

  if (erased) {
    return (
      <Card>
        <Empty title="The student was erased">
          Their account and {formatNumber(erased.events, locale)} events are gone; the audit records that you
          erased this user id.
        </Empty>
      </Card>
    );
  }

  if (user.state === "error" && user.status === 404) {
    return (
      <Card>
        <Empty title="This student is not in usertrail">
          No user has the id “{userId}”. They may have been erased, or the link is mistyped. Search for them
          on the left.
        </Empty>
      </Card>
    );
  }

  return (
    <div className="detail">
      <Card
        className={isAdmin ? "user-card user-card-wide" : "user-card"}
        actions={
          <div className="card-actions">
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => setRefresh((n) => n + 1)}
            >
              Refresh
            </button>
            {isAdmin && user.state === "done" && (
              <EraseUser
                userId={userId}
                name={user.data.user.full_name || user.data.user.email || userId}
                onErased={(r) => setErased({ events: r.removed.events })}
              />
            )}
          </div>
        }
      >
        {user.state === "loading" && <Spinner label="Loading student…" />}
        {user.state === "error" && (
          <ErrorBox message={user.message} onRetry={() => setRefresh((n) => n + 1)} />
        )}
        {user.state === "done" && (
          <div className="user-head">
            <h1 className="user-name">{user.data.user.full_name || "(no name)"}</h1>
            <dl className="user-facts">
              <div>
                <dt>Email</dt>
                <dd>{user.data.user.email || "—"}</dd>
              </div>
              <div>
                <dt>Phone</dt>
                <dd>{user.data.user.phone || "—"}</dd>
              </div>
              <div>
                <dt>Created</dt>
                <dd>{formatDate(user.data.user.created_at, locale)}</dd>
              </div>
              <div>
                <dt>User id</dt>
                <dd className="mono">{user.data.user.id}</dd>
              </div>
            </dl>
          </div>
        )}
      </Card>

      <StatCards stats={stats} delta={delta} locale={locale} onRetry={() => setRefresh((n) => n + 1)} />

      <Card
        title="Activity log"
        actions={
          <div className="card-actions">
            {live !== "off" && (
              <span className={`live-badge live-${live}`} role="status" aria-live="polite">
                {LIVE_LABEL[live]}
              </span>
            )}
            <span className="muted small">Export</span>
            {(["csv", "ndjson", "json"] as const).map((f) => (
              <a
                key={f}
                className="btn btn-small"
                href={exportUrl(f)}
                download
                aria-label={`Export as ${f.toUpperCase()}`}
              >
                {f.toUpperCase()}
              </a>
            ))}
          </div>
        }
      >
        <FilterBar filters={filters} onChange={setFilters} seenTypes={log.logs.map((l) => l.event_type)} />
        {problem && <p className="field-error">{problem}</p>}
        {!problem && log.state === "loading" && <Spinner label="Loading activity…" />}
        {!problem && log.state === "error" && (
          <ErrorBox
            message={log.error ?? "Could not load the log."}
            onRetry={() => setRefresh((n) => n + 1)}
          />
        )}
        {!problem && log.state !== "loading" && log.state !== "error" && (
          <>
            {log.logs.length === 0 ? (
              hasFilters(filters) ? (
                <Empty title="No events match these filters">
                  Widen the date range, pick more event types or severities, or{" "}
                  <button
                    type="button"
                    className="linkish"
                    onClick={() => setFilters(readFilters(new URLSearchParams()))}
                  >
                    clear all filters
                  </button>
                  .
                </Empty>
              ) : (
                <Empty title="No activity yet">
                  Events this student’s app sends (logins, lessons, errors) will appear here. Press Refresh to
                  check again.
                </Empty>
              )
            ) : (
              <LogList logs={log.logs} locale={locale} />
            )}
            {log.error && <ErrorBox message={log.error} onRetry={loadMore} />}
            <div className="log-footer">
              <span className="muted small" aria-live="polite">
                Showing {formatNumber(log.logs.length, locale)} {log.logs.length === 1 ? "entry" : "entries"}
                {log.next ? "; older entries are available" : log.logs.length > 0 ? "; that is all" : ""}
              </span>
              {log.next && (
                <button type="button" className="btn" onClick={loadMore} disabled={log.state === "more"}>
                  {log.state === "more" ? "Loading…" : "Load more"}
                </button>
              )}
            </div>
          </>
        )}
      </Card>
    </div>
  );
}

function StatCards({
  stats,
  delta,
  locale,
  onRetry,
}: {
  stats: Load<UserStats>;
  delta: Delta;
  locale: string;
  onRetry: () => void;
}) {
  if (stats.state === "error") return <ErrorBox message={stats.message} onRetry={onRetry} />;
  const base = stats.state === "done" ? stats.data : null;
  // Live entries tick the numbers until the next fetch brings the server's own.
  const s = base && {
    total_events: base.total_events + delta.total,
    errors: base.errors + delta.errors,
    critical: base.critical + delta.critical,
    error_rate:
      delta.total === 0
        ? base.error_rate
        : (100 * (base.errors + delta.errors)) / Math.max(1, base.total_events + delta.total),
  };
  const cards = [
    { key: "total", label: "Total Events", value: s ? formatNumber(s.total_events, locale) : "…", tone: "" },
    {
      key: "errors",
      label: "Errors",
      value: s ? formatNumber(s.errors, locale) : "…",
      tone: s?.errors ? "tone-error" : "",
    },
    {
      key: "critical",
      label: "Critical",
      value: s ? formatNumber(s.critical, locale) : "…",
      tone: s?.critical ? "tone-critical" : "",
    },
    {
      key: "rate",
      label: "Error Rate",
      value: s ? `${Number(s.error_rate).toFixed(2)}%` : "…",
      tone: s && s.error_rate >= 10 ? "tone-error" : "",
    },
  ];
  return (
    <div className="stats" aria-busy={stats.state === "loading"}>
      {cards.map((c) => (
        <div key={c.key} className={`card stat ${c.tone}`} data-stat={c.key}>
          <div className="stat-label">{c.label}</div>
          <div className="stat-value">{c.value}</div>
        </div>
      ))}
    </div>
  );
}
