import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { query } from "../api.ts";
import { formatDateTime, formatNumber, useLocale } from "../locale.ts";
import { linkProps, navigate, useLocation } from "../router.ts";
import { Card, Empty, ErrorBox, Spinner } from "../ui.tsx";
import type { FunnelStep, StalledStudent } from "./types.ts";
import { useFetch } from "./useFetch.ts";

const PERIODS = [7, 30, 90] as const;
const STALL_DAYS = [3, 7, 14] as const;
const DAY = 86_400_000;

/** Across students: daily active, the learning funnel, and who stopped after an error. */
export default function AnalyticsTab() {
  const { params } = useLocation();
  const locale = useLocale();
  const days = PERIODS.find((p) => String(p) === params.get("days")) ?? 30;
  const stall = STALL_DAYS.find((p) => String(p) === params.get("stall")) ?? 3;
  // Whole UTC days, so the URL's period and the charts' days agree.
  const to = new Date(Math.ceil(Date.now() / DAY) * DAY - 1).toISOString();
  const from = new Date(Math.ceil(Date.now() / DAY) * DAY - days * DAY).toISOString();
  const period = query({ from, to });
  const active = useFetch<{ days: { day: string; users: number }[] }>(`/api/analytics/daily-active${period}`);
  const funnel = useFetch<{ steps: FunnelStep[] }>(`/api/analytics/funnel${period}`);
  const stalled = useFetch<{ students: StalledStudent[] }>(`/api/analytics/stalled${query({ days: stall })}`);
  const go = (next: Record<string, number>) => navigate(`/analytics${query({ days, stall, ...next })}`);
  const dayLabel = (t: string) =>
    new Date(t).toLocaleDateString(locale, { day: "2-digit", month: "short", timeZone: "UTC" });

  return (
    <div className="analytics">
      <div className="toolbar">
        <h1>Analytics</h1>
        <fieldset className="segmented">
          <legend className="sr-only">Period</legend>
          {PERIODS.map((p) => (
            <button
              key={p}
              type="button"
              className={`seg ${days === p ? "on" : ""}`}
              aria-pressed={days === p}
              onClick={() => go({ days: p })}
            >
              Last {p} days
            </button>
          ))}
        </fieldset>
      </div>
      <Card title="Daily active students">
        {active.state === "loading" && <Spinner />}
        {active.state === "error" && <ErrorBox message={active.message} />}
        {active.state === "done" && (
          <figure className="insight-chart" aria-label="Chart: active students per day">
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={active.data.days} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
                <CartesianGrid stroke="rgba(255,255,255,0.06)" vertical={false} />
                <XAxis
                  dataKey="day"
                  tickFormatter={dayLabel}
                  stroke="#6b7280"
                  fontSize={12}
                  minTickGap={16}
                />
                <YAxis allowDecimals={false} stroke="#6b7280" fontSize={12} />
                <Tooltip
                  labelFormatter={(t) => dayLabel(String(t))}
                  contentStyle={{
                    background: "#0d0f0e",
                    border: "1px solid rgba(0,255,136,0.3)",
                    borderRadius: 8,
                  }}
                />
                <Line
                  type="monotone"
                  dataKey="users"
                  name="Active students"
                  stroke="#00ff88"
                  strokeWidth={2}
                />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        )}
      </Card>
      <div className="grid-2">
        <Card title="Learning funnel">
          {funnel.state === "loading" && <Spinner />}
          {funnel.state === "error" && <ErrorBox message={funnel.message} />}
          {funnel.state === "done" && (
            <ol className="funnel" aria-label="Funnel steps">
              {funnel.data.steps.map((s, i) => (
                <li key={s.event_type}>
                  <div className="funnel-row">
                    <span className="type-badge">{s.event_type}</span>
                    <span className="count">{formatNumber(s.users, locale)}</span>
                    <span className="muted small">
                      {i === 0 ? "start" : `${s.conversion}% of the step before`}
                    </span>
                  </div>
                  <div className="funnel-bar" aria-hidden="true">
                    <span style={{ width: `${Math.max(s.conversion_from_start, 1)}%` }} />
                  </div>
                </li>
              ))}
            </ol>
          )}
          <p className="muted small">
            A student counts at a step if, in this period, they did it and every step before it.
          </p>
        </Card>
        <Card
          title="Stopped after an error"
          actions={
            <select
              value={stall}
              aria-label="Days without activity"
              onChange={(e) => go({ stall: Number(e.target.value) })}
            >
              {STALL_DAYS.map((d) => (
                <option key={d} value={d}>
                  idle {d}+ days
                </option>
              ))}
            </select>
          }
        >
          {stalled.state === "loading" && <Spinner />}
          {stalled.state === "error" && <ErrorBox message={stalled.message} />}
          {stalled.state === "done" && stalled.data.students.length === 0 && (
            <Empty title="Nobody stopped after an error">
              Students whose last events include an error and who then went quiet would be listed here.
            </Empty>
          )}
          {stalled.state === "done" && stalled.data.students.length > 0 && (
            <ul className="feed" aria-label="Stalled students">
              {stalled.data.students.map((s) => (
                <li key={s.id} className="feed-item sev-error">
                  <div className="feed-top">
                    <a {...linkProps(`/users/${encodeURIComponent(s.id)}`)}>
                      {s.full_name || s.email || s.id}
                    </a>
                    <span className="muted small">{[s.email, s.phone].filter(Boolean).join(" · ")}</span>
                    <span className="muted small">
                      idle {s.days_inactive} days, last seen {formatDateTime(s.last_seen, locale)}
                    </span>
                  </div>
                  <div className="feed-msg">
                    <span className="type-badge">{s.last_error.event_type}</span>{" "}
                    {s.last_error.issue_id ? (
                      <a {...linkProps(`/issues/${encodeURIComponent(s.last_error.issue_id)}`)}>
                        {s.last_error.message}
                      </a>
                    ) : (
                      s.last_error.message
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
