import { useEffect, useState } from "react";
import { api, errorText } from "../api.ts";
import { Card, ErrorBox, Spinner } from "../ui.tsx";

/** Shows the Sentry-compatible DSN, so a team can point its existing Sentry SDK here with one change. */
export default function ConnectApp() {
  const [dsn, setDsn] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    api<{ dsn: string }>("/api/settings/dsn", { signal: ctl.signal })
      .then((r) => setDsn(r.dsn))
      .catch((err) => {
        if (!ctl.signal.aborted) setError(errorText(err));
      });
    return () => ctl.abort();
  }, []);

  return (
    <Card title="Connect your app">
      {error && <ErrorBox message={error} />}
      {!error && !dsn && <Spinner label="Loading the DSN…" />}
      {dsn && (
        <>
          <p className="muted small">
            Already using a Sentry SDK? Keep it and set this DSN in <code>Sentry.init</code>; call{" "}
            <code>Sentry.setUser</code> with the student's id and email so errors land in their log.
          </p>
          <label className="field">
            <span>Sentry DSN</span>
            <input readOnly value={dsn} aria-label="Sentry DSN" onFocus={(e) => e.currentTarget.select()} />
          </label>
        </>
      )}
    </Card>
  );
}
