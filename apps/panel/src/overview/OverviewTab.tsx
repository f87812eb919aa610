import { useEffect, useRef, useState } from "react";
import { api, errorText, type Overview, query } from "../api.ts";
import { AnomalyFlags } from "../insight/AnomalyFlags.tsx";
import { formatDateTime, formatNumber, useLocale } from "../locale.ts";
import { linkProps, navigate, useLocation } from "../router.ts";
import { Card, Empty, ErrorBox, Spinner } from "../ui.tsx";
import { useLiveLog } from "../users/live.ts";
import { ActivityChart } from "./ActivityChart.tsx";

const RANGES = [
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
] as const;

/** A big install serves a snapshot (apps/server/src/snapshots.ts); say so when it is not from just now. */
const isSnapshot = (o: Overview) =>
  o.computed_at !== undefined && Date.now() - Date.parse(o.computed_at) > 5_000;

type Load = { state: "loading" } | { state: "error"; message: string } | { state: "done"; data: Overview };

/** The whole system at a glance: activity over time, top errors, worst-hit users, health. */
export default function OverviewTab() {
  const { params } = useLocation();
  const range = params.get("range") === "7d" ? "7d" : "24h";
  const locale = useLocale();
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [refresh, setRefresh] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh is a deliberate re-run trigger
  useEffect(() => {
    const ctl = new AbortController();
    setLoad((l) => (l.state === "done" ? l : { state: "loading" }));
    api<Overview>(`/api/overview${query({ range })}`, { signal: ctl.signal })
      .then((data) => setLoad({ state: "done", data }))
      .catch((err) => {
        if (!ctl.signal.aborted) setLoad({ state: "error", message: errorText(err) });
      });
    return () => ctl.abort();
  }, [range, refresh]);

  // New events tick the totals live until the next fetch brings the server's own numbers.
  const lastId = useRef(0);
  const [tick, setTick] = useState({ events: 0, errors: 0 });
  useLiveLog(
    null,
    load.state === "done",
    lastId,
    (entries) =>
      setTick((t) => ({
        events: t.events + entries.length,
        errors: t.errors + entries.filter((e) => e.severity === "error" || e.severity === "critical").length,
      })),
    () => setRefresh((n) => n + 1),
  );
  useEffect(() => {
    if (load.state === "done") setTick({ events: 0, errors: 0 });
  }, [load]);

  const loaded = load.state === "done" ? load.data : null;
  const data = loaded && {
    ...loaded,
    totals: {
      ...loaded.totals,
      events: loaded.totals.events + tick.events,
      errors: loaded.totals.errors + tick.errors,
    },
  };
  return (
    <div className="overview">
      <div className="toolbar">
        <h1>Overview</h1>
        <fieldset className="segmented">
          <legend className="sr-only">Time range</legend>
          {RANGES.map((r) => (
            <button
              key={r.value}
              type="button"
              className={`seg ${range === r.value ? "on" : ""}`}
              aria-pressed={range === r.value}
              onClick={() => navigate(`/overview${query({ range: r.value })}`)}
            >
              {r.label}
            </button>
          ))}
        </fieldset>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setRefresh((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {load.state === "loading" && <Spinner label="Loading the overview…" />}
      {load.state === "error" && <ErrorBox message={load.message} onRetry={() => setRefresh((n) => n + 1)} />}
      {data && (
        <>
          {isSnapshot(data) && (
            <p className="muted small">
              Counted at {formatDateTime(data.computed_at as string, locale)}; new events are added live.
            </p>
          )}
          <div className="stats stats-3">
            <Total label="Events" value={formatNumber(data.totals.events, locale)} />
            <Total
              label="Errors"
              value={formatNumber(data.totals.errors, locale)}
              tone={data.totals.errors ? "tone-error" : ""}
            />
            <Total label="Active users" value={formatNumber(data.totals.users, locale)} />
          </div>
          <Card
            title={`Events and errors · ${range === "24h" ? "last 24 hours, per hour" : "last 7 days, per 6 hours"}`}
          >
            {data.buckets.every((b) => b.events === 0 && b.errors === 0) ? (
              <Empty title="Nothing happened in this period">
                Send events to <code>POST /api/events</code>, or run <code>npm run demo</code> to fill the
                panel with sample students.
              </Empty>
            ) : (
              <ActivityChart buckets={data.buckets} range={range} locale={locale} />
            )}
          </Card>
          <AnomalyFlags refresh={refresh} />
          <div className="grid-2">
            <Card title="Most frequent errors">
              {data.top_errors.length === 0 ? (
                <Empty title="No errors in this period">
                  Good news. Errors students hit will be ranked here.
                </Empty>
              ) : (
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Message</th>
                      <th scope="col">Type</th>
                      <th scope="col" className="num">
                        Count
                      </th>
                      <th scope="col" className="num">
                        Users
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.top_errors.map((e) => (
                      <tr key={`${e.event_type}:${e.message}`}>
                        <td className="clip" title={e.message}>
                          {e.message}
                        </td>
                        <td>
                          <span className="type-badge">{e.event_type}</span>
                        </td>
                        <td className="num">{formatNumber(e.count, locale)}</td>
                        <td className="num">{formatNumber(e.users, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Card>
            <Card title="Users with most errors">
              {data.top_users.length === 0 ? (
                <Empty title="No user had an error in this period" />
              ) : (
                <ol className="rank">
                  {data.top_users.map((u) => (
                    <li key={u.id}>
                      <a {...linkProps(`/users/${encodeURIComponent(u.id)}?severity=error,critical`)}>
                        {u.full_name || u.email || u.id}
                      </a>
                      <span className="muted small">{u.email}</span>
                      <span className="count tone-error">{formatNumber(u.errors, locale)}</span>
                    </li>
                  ))}
                </ol>
              )}
            </Card>
            <Card title="Latest critical events">
              {data.latest_critical.length === 0 ? (
                <Empty title="No critical events">
                  Events sent with severity “critical” show up here first.
                </Empty>
              ) : (
                <ul className="feed">
                  {data.latest_critical.map((c) => (
                    <li key={`${c.id}`} className="feed-item sev-critical">
                      <div className="feed-top">
                        <span className="type-badge">{c.event_type}</span>
                        <a {...linkProps(`/users/${encodeURIComponent(c.user_id)}`)}>
                          {c.full_name || c.email || c.user_id}
                        </a>
                        <time className="muted small" dateTime={c.created_at}>
                          {formatDateTime(c.created_at, locale)}
                        </time>
                      </div>
                      <div className="feed-msg">{c.message}</div>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
            <Card title="System health log">
              {data.health.length === 0 ? (
                <Empty title="No system health entries">
                  Browser errors and server problems not tied to one student appear here.
                </Empty>
              ) : (
                <ul className="feed">
                  {data.health.map((h) => (
                    <li key={`${h.id}`} className={`feed-item sev-${h.severity}`}>
                      <div className="feed-top">
                        <span className={`sev-pill sev-${h.severity}`}>{h.severity}</span>
                        <span className="mono small">{h.source}</span>
                        <time className="muted small" dateTime={h.created_at}>
                          {formatDateTime(h.created_at, locale)}
                        </time>
                      </div>
                      <div className="feed-msg">{h.message}</div>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
        </>
      )}
    </div>
  );
}

function Total({ label, value, tone = "" }: { label: string; value: string; tone?: string }) {
  return (
    <div className={`card stat ${tone}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
