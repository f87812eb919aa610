import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { api, type Me, setUnauthorizedHandler } from "./api.ts";
import { Login } from "./Login.tsx";
import { LOCALES, setLocale, useLocale } from "./locale.ts";
import { linkProps, match, useLocation, useRedirect } from "./router.ts";
import { Empty, Spinner } from "./ui.tsx";

// Each tab is its own chunk, so the login page never downloads charts or the log viewer.
const OverviewTab = lazy(() => import("./overview/OverviewTab.tsx"));
const UsersTab = lazy(() => import("./users/UsersTab.tsx"));
const StaffTab = lazy(() => import("./staff/StaffTab.tsx"));
const AuditTab = lazy(() => import("./audit/AuditTab.tsx"));

type Session = { state: "checking" } | { state: "out"; notice?: string } | { state: "in"; me: Me };

/** The panel: checks the session, then shows the login page or the tabbed shell. */
export function App() {
  const [session, setSession] = useState<Session>({ state: "checking" });

  useEffect(() => {
    setUnauthorizedHandler(() =>
      setSession({ state: "out", notice: "Your session has ended. Please log in again." }),
    );
    api<Me>("/api/auth/me", { quiet401: true })
      .then((me) => setSession({ state: "in", me }))
      .catch(() => setSession({ state: "out" }));
    return () => setUnauthorizedHandler(null);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api("/api/auth/logout", { method: "POST", quiet401: true });
    } catch {
      // Even if the server is unreachable, leave the panel; the cookie expires on its own.
    }
    setSession({ state: "out", notice: "You have logged out." });
  }, []);

  if (session.state === "checking") {
    return (
      <main className="center-page">
        <Spinner label="Checking your session…" />
      </main>
    );
  }
  if (session.state === "out") {
    return <Login notice={session.notice} onLoggedIn={(me) => setSession({ state: "in", me })} />;
  }
  return <Shell me={session.me} onLogout={logout} />;
}

const TABS = [
  { to: "/overview", label: "Overview", prefix: "/overview" },
  { to: "/users", label: "Users", prefix: "/users" },
  { to: "/staff", label: "Staff", prefix: "/staff", adminOnly: true },
  { to: "/audit", label: "Audit", prefix: "/audit", adminOnly: true },
] as const;

function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const { path } = useLocation();
  const locale = useLocale();
  return (
    <div className="app">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-dot" aria-hidden="true" />
          usertrail <span className="muted">Debug Panel</span>
        </div>
        <nav aria-label="Sections" className="tabs">
          {TABS.filter((t) => !("adminOnly" in t) || me.role === "admin").map((t) => {
            const active = path === t.prefix || path.startsWith(`${t.prefix}/`);
            return (
              <a
                key={t.to}
                className={`tab ${active ? "active" : ""}`}
                aria-current={active ? "page" : undefined}
                {...linkProps(t.to)}
              >
                {t.label}
              </a>
            );
          })}
        </nav>
        <div className="topbar-right">
          <label className="inline-label">
            <span className="muted">Time locale</span>
            <select value={locale} onChange={(e) => setLocale(e.target.value)} aria-label="Time locale">
              {LOCALES.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <span className="who" title={me.email}>
            {me.name || me.email} <span className={`role role-${me.role}`}>{me.role}</span>
          </span>
          <button type="button" className="btn btn-ghost btn-small" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <main id="content" className="content">
        <Suspense fallback={<Spinner />}>
          <Routes me={me} path={path} />
        </Suspense>
      </main>
    </div>
  );
}

function Routes({ me, path }: { me: Me; path: string }) {
  if (path === "/" || path === "/login" || path === "/index.html") return <Redirect to="/overview" />;
  if (path === "/overview") return <OverviewTab />;
  if (path === "/users") return <UsersTab userId={null} isAdmin={me.role === "admin"} />;
  const user = match("/users/:userId", path);
  if (user?.userId) return <UsersTab userId={user.userId} isAdmin={me.role === "admin"} />;
  if (path === "/audit") {
    if (me.role !== "admin") {
      return <Empty title="The audit is for admins">Ask an admin who looked at a student’s data.</Empty>;
    }
    return <AuditTab />;
  }
  if (path === "/staff") {
    if (me.role !== "admin") {
      return (
        <Empty title="Staff is for admins">
          Your account is a sales account; ask an admin to add people.
        </Empty>
      );
    }
    return <StaffTab me={me} />;
  }
  return (
    <Empty title="There is no page here">
      Pick <a {...linkProps("/overview")}>Overview</a> or <a {...linkProps("/users")}>Users</a>.
    </Empty>
  );
}

function Redirect({ to }: { to: string }) {
  useRedirect(to);
  return null;
}
