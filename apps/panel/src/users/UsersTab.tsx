import { type FormEvent, useEffect, useState } from "react";
import { api, errorText, query, type TrackedUser } from "../api.ts";
import { formatDate, useLocale } from "../locale.ts";
import { navigate, useLocation } from "../router.ts";
import { Card, Empty, ErrorBox, Spinner } from "../ui.tsx";
import { UserDetail } from "./UserDetail.tsx";

export const MIN_QUERY = 3;

type Results =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "done"; users: TrackedUser[] };

/** The Users tab: search by email, phone or name, then one student's stats and log. */
export default function UsersTab({ userId, isAdmin = false }: { userId: string | null; isAdmin?: boolean }) {
  const { params } = useLocation();
  const q = params.get("q") ?? "";
  const [draft, setDraft] = useState(q);
  const [hint, setHint] = useState<string | null>(null);
  const [results, setResults] = useState<Results>({ state: "idle" });
  const [attempt, setAttempt] = useState(0);
  const locale = useLocale();

  // Keep the box in step when the URL changes underneath us (back button, pasted link).
  useEffect(() => setDraft(q), [q]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is a deliberate re-run trigger
  useEffect(() => {
    if (q.trim().length < MIN_QUERY) {
      setResults({ state: "idle" });
      return;
    }
    const ctl = new AbortController();
    setResults({ state: "loading" });
    api<{ users: TrackedUser[] }>(`/api/tripwire/debug/search-users${query({ q: q.trim() })}`, {
      signal: ctl.signal,
    })
      .then((r) => setResults({ state: "done", users: r.users }))
      .catch((err) => {
        if (!ctl.signal.aborted) setResults({ state: "error", message: errorText(err) });
      });
    return () => ctl.abort();
  }, [q, attempt]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const term = draft.trim();
    if (term.length < MIN_QUERY) {
      setHint(`Type at least ${MIN_QUERY} characters of an email, phone or name to search.`);
      return;
    }
    setHint(null);
    const base = userId ? `/users/${encodeURIComponent(userId)}` : "/users";
    if (term === q) setAttempt((n) => n + 1);
    else navigate(`${base}${query({ q: term })}`);
  }

  return (
    <div className="users-layout">
      <div className="users-side">
        <Card title="Find a student">
          <form className="search-form" onSubmit={submit}>
            <label className="field" htmlFor="user-search">
              <span>Email, phone or name</span>
            </label>
            <div className="search-row">
              <input
                id="user-search"
                type="search"
                placeholder="Email or phone (min 3 chars)..."
                value={draft}
                onChange={(e) => {
                  setDraft(e.target.value);
                  if (hint && e.target.value.trim().length >= MIN_QUERY) setHint(null);
                }}
                aria-describedby="search-hint"
                aria-invalid={hint ? true : undefined}
                autoComplete="off"
                maxLength={200}
              />
              <button type="submit" className="btn btn-primary">
                Search
              </button>
            </div>
            <p id="search-hint" className={hint ? "field-error" : "muted small"} aria-live="polite">
              {hint ?? "Press Enter or Search. Phones match by digits, e.g. 7011234567."}
            </p>
          </form>
          <SearchResults
            results={results}
            q={q}
            selected={userId}
            locale={locale}
            onRetry={() => setAttempt((n) => n + 1)}
          />
        </Card>
      </div>
      <div className="users-main">
        {userId ? (
          <UserDetail key={userId} userId={userId} isAdmin={isAdmin} />
        ) : (
          <Card>
            <Empty title="No student selected">
              Search by email, phone or name on the left, then pick a student to see their stats and activity
              log.
            </Empty>
          </Card>
        )}
      </div>
    </div>
  );
}

function SearchResults({
  results,
  q,
  selected,
  locale,
  onRetry,
}: {
  results: Results;
  q: string;
  selected: string | null;
  locale: string;
  onRetry: () => void;
}) {
  if (results.state === "idle") return null;
  if (results.state === "loading") return <Spinner label="Searching…" />;
  if (results.state === "error") return <ErrorBox message={results.message} onRetry={onRetry} />;
  if (results.users.length === 0) {
    return (
      <Empty title={`Nobody matches “${q}”`}>
        Check the spelling, try part of the email (e.g. the name before @) or the last digits of the phone.
      </Empty>
    );
  }
  return (
    <ul className="results" aria-label="Search results">
      {results.users.map((u) => (
        <li key={u.id}>
          <button
            type="button"
            className={`result ${u.id === selected ? "selected" : ""}`}
            aria-current={u.id === selected ? "true" : undefined}
            onClick={() => navigate(`/users/${encodeURIComponent(u.id)}${query({ q })}`)}
          >
            <span className="result-name">{u.full_name || "(no name)"}</span>
            <span className="result-line">{u.email || "no email"}</span>
            <span className="result-line">
              {u.phone || "no phone"} ·{" "}
              <span className="muted">created {formatDate(u.created_at, locale)}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
