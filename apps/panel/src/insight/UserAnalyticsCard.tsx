import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDateTime, formatNumber, useLocale } from "../locale.ts";
import { Card, ErrorBox, Spinner } from "../ui.tsx";
import type { UserAnalytics } from "./types.ts";
import { useFetch } from "./useFetch.ts";

/** One student's learning at a glance: lessons, videos, homework, last seen, and 30 days of activity. */
export function UserAnalyticsCard({ userId, refresh }: { userId: string; refresh: number }) {
  const locale = useLocale();
  const load = useFetch<UserAnalytics>(`/api/analytics/user/${encodeURIComponent(userId)}`, refresh);
  if (load.state === "loading") return <Spinner label="Loading learning activity…" />;
  if (load.state === "error") return load.status === 404 ? null : <ErrorBox message={load.message} />;
  const a = load.data;
  const facts = [
    ["Lessons completed", formatNumber(a.totals.lessons_completed, locale)],
    ["Videos viewed", formatNumber(a.totals.videos_viewed, locale)],
    ["Homework submitted", formatNumber(a.totals.homework_submitted, locale)],
    ["Last seen", a.last_seen ? formatDateTime(a.last_seen, locale) : "—"],
  ];
  const day = (t: string) =>
    new Date(t).toLocaleDateString(locale, { day: "2-digit", month: "short", timeZone: "UTC" });
  return (
    <Card title="Learning activity · last 30 days" className="user-analytics">
      <dl className="facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <figure className="insight-chart" aria-label="Chart: events and errors per day">
        <ResponsiveContainer width="100%" height={160}>
          <BarChart data={a.activity} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
            <CartesianGrid stroke="rgba(255,255,255,0.06)" vertical={false} />
            <XAxis dataKey="day" tickFormatter={day} stroke="#6b7280" fontSize={12} minTickGap={16} />
            <YAxis allowDecimals={false} stroke="#6b7280" fontSize={12} />
            <Tooltip
              labelFormatter={(t) => day(String(t))}
              contentStyle={{
                background: "#0d0f0e",
                border: "1px solid rgba(0,255,136,0.3)",
                borderRadius: 8,
              }}
            />
            <Legend />
            <Bar dataKey="events" name="Events" fill="#00ff88" />
            <Bar dataKey="errors" name="Errors" fill="#ff4d5e" />
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </Card>
  );
}
