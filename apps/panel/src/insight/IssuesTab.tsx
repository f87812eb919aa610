import { useState } from "react";
import { api, errorText, query } from "../api.ts";
import { formatDateTime, formatNumber, useLocale } from "../locale.ts";
import { linkProps, navigate, useLocation } from "../router.ts";
import { Card, Empty, ErrorBox, Spinner } from "../ui.tsx";
import { BugReport } from "./BugReport.tsx";
import type { Issue, IssueDetail, IssueStatus, IssueUser } from "./types.ts";
import { useFetch } from "./useFetch.ts";

const STATUSES: { value: IssueStatus | "all"; label: string }[] = [
  { value: "open", label: "Open" },
  { value: "resolved", label: "Resolved" },
  { value: "ignored", label: "Ignored" },
  { value: "all", label: "All" },
];
const SORTS = [
  { value: "last_seen", label: "Last seen" },
  { value: "count", label: "Most events" },
  { value: "users", label: "Most users" },
  { value: "first_seen", label: "Newest" },
] as const;

/** The Issues tab: error groups with their status, or one issue's page. */
export default function IssuesTab({ issueId }: { issueId: string | null }) {
  return issueId ? <IssuePage id={issueId} /> : <IssueList />;
}

function StatusSelect({ issue, onChanged }: { issue: Issue; onChanged: (i: Issue) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function change(status: IssueStatus) {
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ issue: Issue }>(`/api/issues/${encodeURIComponent(issue.id)}`, {
        method: "PATCH",
        body: { status },
      });
      onChanged(res.issue);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="issue-status">
      <select
        aria-label={`Status of ${issue.title}`}
        value={issue.status}
        disabled={busy}
        onChange={(e) => change(e.target.value as IssueStatus)}
      >
        <option value="open">open</option>
        <option value="resolved">resolved</option>
        <option value="ignored">ignored</option>
      </select>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

function IssueList() {
  const { params } = useLocation();
  const locale = useLocale();
  const status = (params.get("status") ?? "open") as IssueStatus | "all";
  const sort = params.get("sort") ?? "last_seen";
  const offset = Number(params.get("offset") ?? 0) || 0;
  const [refresh, setRefresh] = useState(0);
  const [changed, setChanged] = useState<Record<string, Issue>>({});
  const load = useFetch<{ issues: Issue[]; next_offset: number | null }>(
    `/api/issues${query({ status, sort, offset: offset || undefined, limit: 50 })}`,
    refresh,
  );
  const go = (next: Record<string, string | number | undefined>) =>
    navigate(`/issues${query({ status, sort, ...next })}`);

  return (
    <div className="issues">
      <div className="toolbar">
        <h1>Issues</h1>
        <fieldset className="segmented">
          <legend className="sr-only">Status</legend>
          {STATUSES.map((s) => (
            <button
              key={s.value}
              type="button"
              className={`seg ${status === s.value ? "on" : ""}`}
              aria-pressed={status === s.value}
              onClick={() => go({ status: s.value, offset: undefined })}
            >
              {s.label}
            </button>
          ))}
        </fieldset>
        <label className="inline-label">
          <span className="muted">Sort</span>
          <select
            value={sort}
            onChange={(e) => go({ sort: e.target.value, offset: undefined })}
            aria-label="Sort"
          >
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setRefresh((n) => n + 1)}>
          Refresh
        </button>
      </div>
      <Card>
        {load.state === "loading" && <Spinner label="Loading issues…" />}
        {load.state === "error" && (
          <ErrorBox message={load.message} onRetry={() => setRefresh((n) => n + 1)} />
        )}
        {load.state === "done" && load.data.issues.length === 0 && (
          <Empty title={status === "open" ? "No open issues" : "No issues here"}>
            Errors students hit are grouped here by their cause: same error type, same message with its ids
            taken out, same place in the code.
          </Empty>
        )}
        {load.state === "done" && load.data.issues.length > 0 && (
          <table className="table" aria-label="Issues">
            <thead>
              <tr>
                <th scope="col">Issue</th>
                <th scope="col" className="num">
                  Events
                </th>
                <th scope="col" className="num">
                  Users
                </th>
                <th scope="col">Last seen</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {load.data.issues.map((raw) => {
                const issue = changed[raw.id] ?? raw;
                return (
                  <tr key={issue.id} data-issue-id={issue.id}>
                    <td className="clip" title={issue.title}>
                      <a {...linkProps(`/issues/${encodeURIComponent(issue.id)}`)}>{issue.title}</a>
                    </td>
                    <td className="num">{formatNumber(issue.count, locale)}</td>
                    <td className="num">{formatNumber(issue.users, locale)}</td>
                    <td>
                      <time dateTime={issue.last_seen}>{formatDateTime(issue.last_seen, locale)}</time>
                    </td>
                    <td>
                      <StatusSelect
                        issue={issue}
                        onChanged={(i) => setChanged((c) => ({ ...c, [i.id]: i }))}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {load.state === "done" && (offset > 0 || load.data.next_offset !== null) && (
          <div className="log-footer">
            <button
              type="button"
              className="btn"
              disabled={offset === 0}
              onClick={() => go({ offset: Math.max(0, offset - 50) || undefined })}
            >
              Newer
            </button>
            <button
              type="button"
              className="btn"
              disabled={load.data.next_offset === null}
              onClick={() => go({ offset: load.data.next_offset ?? undefined })}
            >
              More
            </button>
          </div>
        )}
      </Card>
    </div>
  );
}

function IssuePage({ id }: { id: string }) {
  const locale = useLocale();
  const [refresh, setRefresh] = useState(0);
  const [override, setOverride] = useState<Issue | null>(null);
  const load = useFetch<{ issue: IssueDetail; users: IssueUser[] }>(
    `/api/issues/${encodeURIComponent(id)}`,
    refresh,
  );
  if (load.state === "loading") return <Spinner label="Loading the issue…" />;
  if (load.state === "error") {
    return load.status === 404 ? (
      <Card>
        <Empty title="There is no such issue">
          It may have been removed, or the link is mistyped. <a {...linkProps("/issues")}>Back to issues</a>.
        </Empty>
      </Card>
    ) : (
      <ErrorBox message={load.message} onRetry={() => setRefresh((n) => n + 1)} />
    );
  }
  const issue = { ...load.data.issue, ...(override ?? {}) };
  return (
    <div className="detail">
      <p>
        <a {...linkProps("/issues")}>← All issues</a>
      </p>
      <Card className="issue-card" actions={<StatusSelect issue={issue} onChanged={setOverride} />}>
        <h1 className="issue-title">{issue.title}</h1>
        <dl className="facts">
          <div>
            <dt>Events</dt>
            <dd>{formatNumber(issue.count, locale)}</dd>
          </div>
          <div>
            <dt>Users affected</dt>
            <dd>{formatNumber(issue.users, locale)}</dd>
          </div>
          <div>
            <dt>First seen</dt>
            <dd>{formatDateTime(issue.first_seen, locale)}</dd>
          </div>
          <div>
            <dt>Last seen</dt>
            <dd>{formatDateTime(issue.last_seen, locale)}</dd>
          </div>
          <div>
            <dt>Type</dt>
            <dd>
              <span className="type-badge">{issue.event_type}</span> {issue.exception_type}
            </dd>
          </div>
        </dl>
        {issue.frames.length > 0 && (
          <ol className="frames mono small" aria-label="Top app frames">
            {issue.frames.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ol>
        )}
      </Card>
      <BugReport issueId={issue.id} />
      <Card title="Users affected">
        {load.data.users.length === 0 ? (
          <Empty title="No users recorded" />
        ) : (
          <table className="table" aria-label="Users affected">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col" className="num">
                  Events
                </th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {load.data.users.map((u) => (
                <tr key={u.id}>
                  <td>
                    <a {...linkProps(`/users/${encodeURIComponent(u.id)}`)}>
                      {u.full_name || u.email || u.id}
                    </a>{" "}
                    <span className="muted small">{u.email}</span>
                  </td>
                  <td className="num">{formatNumber(u.count, locale)}</td>
                  <td>{formatDateTime(u.last_seen, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {issue.sample_stack && (
        <Card title="Stack">
          <pre className="stack">{issue.sample_stack}</pre>
        </Card>
      )}
    </div>
  );
}
