import { type FormEvent, useEffect, useState } from "react";
import { api, errorText, type Me, type Role, type StaffMember } from "../api.ts";
import { formatDate, useLocale } from "../locale.ts";
import { Card, Empty, ErrorBox, Spinner } from "../ui.tsx";

type Load =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "done"; staff: StaffMember[] };

/** Admins manage who may use the panel: add sales or admin accounts, disable or re-enable them. */
export default function StaffTab({ me }: { me: Me }) {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [refresh, setRefresh] = useState(0);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const locale = useLocale();

  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh is a deliberate re-run trigger
  useEffect(() => {
    const ctl = new AbortController();
    api<{ staff: StaffMember[] }>("/api/staff", { signal: ctl.signal })
      .then((r) => setLoad({ state: "done", staff: r.staff }))
      .catch((err) => {
        if (!ctl.signal.aborted) setLoad({ state: "error", message: errorText(err) });
      });
    return () => ctl.abort();
  }, [refresh]);

  async function setDisabled(member: StaffMember, disabled: boolean) {
    setBusyId(member.id);
    setActionError(null);
    try {
      await api(`/api/staff/${encodeURIComponent(member.id)}`, { method: "PATCH", body: { disabled } });
      setRefresh((n) => n + 1);
    } catch (err) {
      setActionError(errorText(err));
    } finally {
      setBusyId(null);
    }
  }

  return (
    <div className="staff">
      <div className="toolbar">
        <h1>Staff</h1>
      </div>
      <div className="grid-staff">
        <Card title="People who can use the panel">
          {actionError && <ErrorBox message={actionError} />}
          {load.state === "loading" && <Spinner label="Loading staff…" />}
          {load.state === "error" && (
            <ErrorBox message={load.message} onRetry={() => setRefresh((n) => n + 1)} />
          )}
          {load.state === "done" &&
            (load.staff.length === 0 ? (
              <Empty title="No staff accounts">Add one with the form.</Empty>
            ) : (
              <table className="table" aria-label="Staff accounts">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Added</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {load.staff.map((s) => (
                    <tr key={s.id} className={s.disabled ? "row-disabled" : ""} data-email={s.email}>
                      <td>{s.name}</td>
                      <td>{s.email}</td>
                      <td>
                        <span className={`role role-${s.role}`}>{s.role}</span>
                      </td>
                      <td>{formatDate(s.created_at, locale)}</td>
                      <td>
                        {s.disabled ? (
                          <span className="status-off">disabled</span>
                        ) : (
                          <span className="status-on">active</span>
                        )}
                      </td>
                      <td className="actions">
                        {s.id === me.id ? (
                          <span className="muted small">you</span>
                        ) : (
                          <button
                            type="button"
                            className={`btn btn-small ${s.disabled ? "" : "btn-danger"}`}
                            disabled={busyId === s.id}
                            onClick={() => setDisabled(s, !s.disabled)}
                            aria-label={`${s.disabled ? "Enable" : "Disable"} ${s.email}`}
                          >
                            {s.disabled ? "Enable" : "Disable"}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          <p className="muted small">
            Disabling someone ends their open sessions at once; their history stays. Enable them again at any
            time.
          </p>
        </Card>
        <AddStaff onAdded={() => setRefresh((n) => n + 1)} />
      </div>
    </div>
  );
}

function AddStaff({ onAdded }: { onAdded: () => void }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("sales");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    if (!name.trim() || !email.trim()) return setError("Enter a name and an email.");
    if (password.length < 8) return setError("The password needs at least 8 characters.");
    setBusy(true);
    setError(null);
    try {
      await api("/api/staff", {
        method: "POST",
        body: { name: name.trim(), email: email.trim(), password, role },
      });
      setDone(`${email.trim()} can now sign in as ${role}.`);
      setName("");
      setEmail("");
      setPassword("");
      onAdded();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Add an account">
      <form className="stack" onSubmit={submit} noValidate>
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={200}
            autoComplete="off"
            required
          />
        </label>
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            maxLength={320}
            autoComplete="off"
            required
          />
        </label>
        <label className="field">
          <span>Password (8+ characters)</span>
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            required
          />
        </label>
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="sales">sales — searches students and reads their logs</option>
            <option value="admin">admin — also manages staff</option>
          </select>
        </label>
        {error && <ErrorBox message={error} />}
        {done && (
          <p className="notice" role="status">
            {done}
          </p>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Adding…" : "Add account"}
        </button>
      </form>
    </Card>
  );
}
