import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatDateTime, formatNumber, useLocale } from "../locale.ts";
import { linkProps } from "../router.ts";
import { Card, Empty, ErrorBox, Spinner } from "../ui.tsx";
import type { Anomaly } from "./types.ts";
import { useFetch } from "./useFetch.ts";

/** The Overview's anomaly card: error metrics far above their usual level for the hour, with charts. */
export function AnomalyFlags({ refresh }: { refresh: number }) {
  const locale = useLocale();
  const load = useFetch<{ anomalies: Anomaly[]; metrics_scanned: number }>(
    "/api/anomalies?hours=24",
    refresh,
  );
  return (
    <Card title="Unusual spikes · last 24 hours" className="anomalies">
      {load.state === "loading" && <Spinner label="Checking for spikes…" />}
      {load.state === "error" && <ErrorBox message={load.message} />}
      {load.state === "done" && load.data.anomalies.length === 0 && (
        <Empty title="No unusual spikes">
          Each hour's error count is compared with the same hour on the last 7 days; nothing stood out.
        </Empty>
      )}
      {load.state === "done" &&
        load.data.anomalies.slice(0, 5).map((a) => (
          <div key={a.metric} className="anomaly" data-metric={a.metric}>
            <div className="feed-top">
              <span className="sev-pill sev-error">spike</span>
              {a.metric.startsWith("issue:") ? (
                <a {...linkProps(`/issues/${encodeURIComponent(a.metric.slice(6))}`)}>{a.label}</a>
              ) : (
                <strong>{a.label}</strong>
              )}
              <span className="muted small">
                {`${formatNumber(a.value, locale)} errors in the hour from ${formatDateTime(a.bucket, locale)}; `}
                {`usually ${formatNumber(a.baseline, locale)} (score ${a.score})`}
              </span>
            </div>
            <AnomalyChart anomaly={a} locale={locale} />
          </div>
        ))}
    </Card>
  );
}

function AnomalyChart({ anomaly, locale }: { anomaly: Anomaly; locale: string }) {
  const tick = (t: string) => new Date(t).toLocaleString(locale, { day: "2-digit", hour: "2-digit" });
  return (
    <figure className="insight-chart" aria-label={`Chart of ${anomaly.label}: hourly errors and usual level`}>
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={anomaly.series} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
          <CartesianGrid stroke="rgba(255,255,255,0.06)" vertical={false} />
          <XAxis dataKey="t" tickFormatter={tick} stroke="#6b7280" fontSize={12} minTickGap={32} />
          <YAxis allowDecimals={false} stroke="#6b7280" fontSize={12} />
          <Tooltip
            labelFormatter={(t) => new Date(String(t)).toLocaleString(locale)}
            contentStyle={{ background: "#0d0f0e", border: "1px solid rgba(0,255,136,0.3)", borderRadius: 8 }}
          />
          <Legend />
          {anomaly.flags.map((f) => (
            <ReferenceLine key={f.bucket} x={f.bucket} stroke="#ff4d5e" strokeDasharray="4 4" />
          ))}
          <Line
            type="monotone"
            dataKey="value"
            name="Errors per hour"
            stroke="#ff4d5e"
            dot={false}
            strokeWidth={2}
          />
          <Line
            type="monotone"
            dataKey="baseline"
            name="Usual for this hour"
            stroke="#9ca3af"
            dot={false}
            strokeDasharray="5 5"
            connectNulls
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
