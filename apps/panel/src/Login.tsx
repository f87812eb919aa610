import { type FormEvent, useState } from "react";
import { ApiError, api, type Me, type Role } from "./api.ts";
import { ErrorBox } from "./ui.tsx";

/** Words for a refused login when the server gives none of its own. */
function refusal(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.message && err.status !== 0 && !err.message.startsWith("The request failed")) return err.message;
    if (err.status === 401) return "Wrong email or password.";
    if (err.status === 403)
      return "This account may not use the panel: it is disabled or is not a staff account.";
    if (err.status === 429) return "Too many attempts. Wait a minute and try again.";
    return err.message;
  }
  return "Login failed. Try again.";
}

/** The staff login page; the only screen that loads before a session exists. */
export function Login({ notice, onLoggedIn }: { notice?: string; onLoggedIn: (me: Me) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError("Enter both your email and your password.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ token: string; role: Role; name?: string }>("/api/auth/login", {
        method: "POST",
        body: { email: email.trim(), password },
        quiet401: true,
      });
      // The cookie now carries the session; ask who we are for the id and name.
      const me = await api<Me>("/api/auth/me", { quiet401: true }).catch(
        (): Me => ({ id: "", email: email.trim(), name: res.name ?? "", role: res.role }),
      );
      onLoggedIn(me);
    } catch (err) {
      setError(refusal(err));
      setBusy(false);
    }
  }

  return (
    <main className="center-page">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <div className="brand brand-large">
          <span className="brand-dot" aria-hidden="true" />
          usertrail
        </div>
        <h1 id="login-title">Debug Panel</h1>
        <p className="muted">Staff sign-in. Find a student and see everything that happened to them.</p>
        {notice && !error && <p className="notice">{notice}</p>}
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the login form is the only thing on the page
            autoFocus
            required
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && <ErrorBox message={error} />}
        <button type="submit" className="btn btn-primary btn-wide" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
