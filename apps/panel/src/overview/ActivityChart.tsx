import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Events and errors per bucket as two stacked-looking areas; counts over time read best as a picture. */
export function ActivityChart({
  buckets,
  range,
  locale,
}: {
  buckets: { t: string; events: number; errors: number }[];
  range: "24h" | "7d";
  locale: string;
}) {
  const label = (t: string) => {
    const d = new Date(t);
    return range === "24h"
      ? d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" })
      : d.toLocaleString(locale, { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit" });
  };
  const total = buckets.reduce((a, b) => a + b.events, 0);
  const errors = buckets.reduce((a, b) => a + b.errors, 0);
  return (
    <figure className="chart" aria-label={`Chart: ${total} events and ${errors} errors in this period`}>
      <ResponsiveContainer width="100%" height={260}>
        <AreaChart data={buckets} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
          <defs>
            <linearGradient id="g-events" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor="#00ff88" stopOpacity={0.45} />
              <stop offset="100%" stopColor="#00ff88" stopOpacity={0} />
            </linearGradient>
            <linearGradient id="g-errors" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor="#ff4d5e" stopOpacity={0.55} />
              <stop offset="100%" stopColor="#ff4d5e" stopOpacity={0} />
            </linearGradient>
          </defs>
          <CartesianGrid stroke="rgba(255,255,255,0.06)" vertical={false} />
          <XAxis dataKey="t" tickFormatter={label} stroke="#6b7280" fontSize={12} minTickGap={24} />
          <YAxis allowDecimals={false} stroke="#6b7280" fontSize={12} />
          <Tooltip
            labelFormatter={(t) => new Date(String(t)).toLocaleString(locale)}
            contentStyle={{ background: "#0d0f0e", border: "1px solid rgba(0,255,136,0.3)", borderRadius: 8 }}
          />
          <Legend />
          <Area
            type="monotone"
            dataKey="events"
            name="Events"
            stroke="#00ff88"
            fill="url(#g-events)"
            strokeWidth={2}
          />
          <Area
            type="monotone"
            dataKey="errors"
            name="Errors"
            stroke="#ff4d5e"
            fill="url(#g-errors)"
            strokeWidth={2}
          />
        </AreaChart>
      </ResponsiveContainer>
    </figure>
  );
}
