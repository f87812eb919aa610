import { asStaff, listJobs } from "@usertrail/store";
import { expect, it } from "vitest";
import { ALERTS_TO, PUBLIC_URL, type WorkerTestContext } from "./context.ts";
import { eventually, startHangingSmtp, startSmtp } from "./smtp.ts";

const USER_ID = "student/42 ä";
const MESSAGE = "Payment failed: card declined";

/** Critical alerts: throttled per (user, message), retried while SMTP hangs, never slowing ingest. */
export function alertCases(w: WorkerTestContext) {
  it("a burst of 100 critical events: ingest answers while SMTP hangs; one alert and one digest, not 100", async () => {
    const db = w.s.app.usertrail.store.db;
    const alertMails = () => (w.smtp?.mails ?? []).filter((m) => m.to.includes(ALERTS_TO));
    // SMTP now accepts connections and never answers: every send can only time out.
    await w.smtp?.close();
    w.smtp = null;
    const hanging = await startHangingSmtp(w.smtpPort);

    const batch = (n: number, start: number) =>
      Array.from({ length: n }, (_, i) => ({
        user_id: USER_ID,
        user: { full_name: "Alice Alert", email: "alice@example.com" },
        event_type: "CLIENT_ERROR",
        message: MESSAGE,
        severity: "critical",
        metadata: { n: start + i },
      }));
    const first = await w.s.ingest(batch(1, 0));
    expect(first.statusCode).toBe(200);
    // The first alert mail is being tried against the hanging server…
    await eventually(async () => {
      const [job] = await listJobs(db, "alert.mail");
      return job?.state === "running" || undefined;
    }, "the alert mail to start");
    // …and ingest answers meanwhile, at its own speed.
    const started = Date.now();
    const rest = await Promise.all(Array.from({ length: 9 }, (_, k) => w.s.ingest(batch(11, 1 + k * 11))));
    const ingestMs = Date.now() - started;
    for (const r of rest) expect(r).toMatchObject({ statusCode: 200, body: { stored: 11 } });
    expect(ingestMs).toBeLessThan(10_000);
    expect((await listJobs(db, "alert.mail"))[0]?.state).not.toBe("done");
    // Non-critical events never alert.
    await w.s.ingest([{ user_id: USER_ID, event_type: "CLIENT_ERROR", message: MESSAGE, severity: "error" }]);

    // The failed send is retried, with the reason on record.
    const retried = await eventually(async () => {
      const [job] = await listJobs(db, "alert.mail");
      return job && job.attempts >= 2 && job.last_error ? job : undefined;
    }, "a retried alert mail");
    expect(retried.last_error).toMatch(/greeting|timeout|timed out/i);

    await hanging.close();
    w.smtp = await startSmtp(w.smtpPort);
    await eventually(async () => (alertMails().length >= 2 ? true : undefined), "alert and digest", 30_000);
    // Give a wrongly sent third mail the chance to show up.
    await new Promise((r) => setTimeout(r, 1500));
    const mails = alertMails();
    expect(mails).toHaveLength(2);
    const [alert, digest] = mails;
    const link = `${PUBLIC_URL}/users/${encodeURIComponent(USER_ID)}`;
    expect(alert?.subject).toBe(`[usertrail] Critical: ${MESSAGE}`);
    expect(alert?.text).toContain("Alice Alert <alice@example.com>");
    expect(alert?.text).toContain(`User id:  ${USER_ID}`);
    expect(alert?.text).toContain(MESSAGE);
    expect(alert?.text).toContain(link);
    expect(digest?.subject).toBe(`[usertrail] Digest: 99 more × ${MESSAGE}`);
    expect(digest?.text).toContain("logged 99 more time(s)");
    expect(digest?.text).toContain(link);
    const windows = await db.query<{ suppressed: number; digest_sent_at: Date | null }>(
      "SELECT suppressed, digest_sent_at FROM alert_windows WHERE user_id = $1",
      [USER_ID],
    );
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({ suppressed: 99, digest_sent_at: expect.any(Date) });
  });

  it("a different message, or the same one after the window, gets its own mail at once", async () => {
    const before = (w.smtp?.mails ?? []).length;
    // A message is user input: a line break must not smuggle a header (Bcc) into the alert mail.
    const hostile = "Database down\r\nBcc: evil@example.com";
    await w.s.ingest([{ user_id: USER_ID, event_type: "API_ERROR", message: hostile, severity: "critical" }]);
    const mails = await w.smtp?.waitFor(before + 1);
    expect(mails?.[before]?.subject).toBe("[usertrail] Critical: Database down Bcc: evil@example.com");
    expect(mails?.[before]?.to).toEqual([ALERTS_TO]);
    // The burst's window closed long ago (the digest went out), so the old message alerts again.
    await w.s.ingest([
      { user_id: USER_ID, event_type: "CLIENT_ERROR", message: MESSAGE, severity: "critical" },
    ]);
    const again = await w.smtp?.waitFor(before + 2);
    expect(again?.[before + 1]?.subject).toBe(`[usertrail] Critical: ${MESSAGE}`);
  });

  it("keeps the queue and alert windows from staff sessions' database role (row-level security)", async () => {
    const db = w.s.app.usertrail.store.db;
    for (const table of ["jobs", "alert_windows"]) {
      await expect(asStaff(db, "admin", (tx) => tx.query(`SELECT * FROM ${table}`))).rejects.toThrow(
        /permission denied/,
      );
    }
  });
}
