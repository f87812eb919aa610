import { useEffect, useRef, useState } from "react";
import { api, errorText } from "../api.ts";
import { ErrorBox } from "../ui.tsx";

interface Erased {
  erased: true;
  user_id: string;
  removed: { users: number; events: number; counters: number; health: number };
}

/** The admin's "Erase user" button and its confirm dialog (GDPR erasure; it cannot be undone). */
export function EraseUser({
  userId,
  name,
  onErased,
}: {
  userId: string;
  name: string;
  onErased: (r: Erased) => void;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  async function erase() {
    setBusy(true);
    setError(null);
    try {
      const r = await api<Erased>(`/api/tripwire/users/${encodeURIComponent(userId)}`, { method: "DELETE" });
      setOpen(false);
      onErased(r);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="btn btn-danger btn-small" onClick={() => setOpen(true)}>
        Erase user…
      </button>
      <dialog
        ref={dialog}
        className="confirm-dialog"
        aria-labelledby="erase-title"
        onClose={() => setOpen(false)}
      >
        <h2 id="erase-title">Erase this student?</h2>
        <p>
          This permanently deletes <strong>{name}</strong> (<span className="mono">{userId}</span>), every
          event in their log, their counters and the browser errors that name them. It cannot be undone. The
          audit keeps only that you erased this user id, and when.
        </p>
        {error && <ErrorBox message={error} />}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={erase} disabled={busy}>
            {busy ? "Erasing…" : "Erase permanently"}
          </button>
        </div>
      </dialog>
    </>
  );
}
