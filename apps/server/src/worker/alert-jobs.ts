import type { AcceptedEvent } from "@usertrail/core";
import {
  type AlertWindow,
  type CriticalGroup,
  countIntoAlertWindow,
  enqueueJobs,
  getAlertWindow,
  getUser,
  type Job,
  markDigestSent,
  type Store,
  type UserRow,
} from "@usertrail/store";
import type { Mail } from "./mailer.ts";
import type { JobHandler, JobRun, WorkerConfig, WorkerLog } from "./worker.ts";

/** Events per alert job: a flood of criticals becomes a few jobs, not one per event. */
const EVENTS_PER_JOB = 500;
/** Events dated further back than this (an import, a backfill) are stored but page nobody. */
const ALERT_MAX_AGE_MS = 24 * 3600_000;

/** Critical events of one commit, grouped by (user, message): the unit alerts are throttled by. */
export function criticalGroups(stored: AcceptedEvent[]): CriticalGroup[] {
  const groups = new Map<string, CriticalGroup>();
  const oldest = Date.now() - ALERT_MAX_AGE_MS;
  for (const e of stored) {
    if (e.severity !== "critical" || e.created_at.getTime() < oldest) continue;
    const key = `${e.user_id}\u0000${e.message}`;
    let group = groups.get(key);
    if (!group || group.events.length >= EVENTS_PER_JOB) {
      group = { user_id: e.user_id, message: e.message, events: [] };
      groups.set(key, group);
    }
    group.events.push({ event_id: e.event_id, created_at: e.created_at.toISOString() });
  }
  return [...groups.values()];
}

/**
 * Queues an alert job for every committed batch that holds critical events. It runs after the
 * commit and is not awaited, so ingest answers at its own speed whatever the queue or SMTP do.
 * `drain()` waits for the queueing still under way (before the store closes).
 */
export function installAlertHook(
  store: Store,
  log: WorkerLog,
  queued: () => void,
): { drain(): Promise<void> } {
  const pending = new Set<Promise<void>>();
  store.writer.onCommit((stored) => {
    const groups = criticalGroups(stored);
    if (groups.length === 0) return;
    const p = enqueueJobs(
      store.db,
      groups.map((g) => ({ kind: "alert.events", payload: g })),
    )
      .then(queued, (error) => log.error({ err: error }, "alerts: could not queue critical events"))
      .finally(() => pending.delete(p));
    pending.add(p);
  });
  return {
    async drain() {
      await Promise.allSettled([...pending]);
    },
  };
}

/** The link to one user's log in the Debug Panel. */
export const userLink = (config: WorkerConfig, userId: string) =>
  `${config.publicUrl.replace(/\/+$/, "")}/users/${encodeURIComponent(userId)}`;

const who = (user: UserRow | null) =>
  user?.full_name || user?.email
    ? `${user.full_name ?? "(no name)"}${user.email ? ` <${user.email}>` : ""}`
    : "(not known by name)";

const minutes = (ms: number) =>
  ms % 60_000 === 0 ? `${ms / 60_000} minutes` : `${Math.round(ms / 1000)} seconds`;

/** The first mail of a window: this one event, at once. */
export function alertMail(
  config: WorkerConfig,
  w: AlertWindow,
  user: UserRow | null,
  first: { event_id: string; created_at: string },
): Mail {
  return {
    to: config.alertEmails,
    subject: `[usertrail] Critical: ${w.message}`,
    text: [
      "A critical error was logged for a user.",
      "",
      `User:     ${who(user)}`,
      `User id:  ${w.user_id}`,
      `Message:  ${w.message}`,
      `Time:     ${first.created_at}`,
      `Event id: ${first.event_id}`,
      "",
      `Their log in the panel: ${userLink(config, w.user_id)}`,
      "",
      `More of the same message for this user within ${minutes(config.alertWindowMs)} are gathered into one digest mail.`,
    ].join("\n"),
  };
}

/** The digest of a window: how many more came, and when. */
export function digestMail(config: WorkerConfig, w: AlertWindow, user: UserRow | null): Mail {
  const times = w.samples.map((s) => `  ${s.created_at}  (event ${s.event_id})`);
  const more = w.suppressed - w.samples.length;
  return {
    to: config.alertEmails,
    subject: `[usertrail] Digest: ${w.suppressed} more × ${w.message}`,
    text: [
      `The same critical error was logged ${w.suppressed} more time(s) for this user`,
      `between ${new Date(w.opened_at).toISOString()} and ${new Date(w.closes_at).toISOString()}.`,
      "",
      `User:     ${who(user)}`,
      `User id:  ${w.user_id}`,
      `Message:  ${w.message}`,
      "",
      "Occurrences:",
      ...times,
      ...(more > 0 ? [`  … and ${more} more`] : []),
      "",
      `Their log in the panel: ${userLink(config, w.user_id)}`,
    ].join("\n"),
  };
}

function requireAlertMail(run: JobRun) {
  if (!run.mailer || run.config.alertEmails.length === 0) {
    throw new Error("alerts need SMTP_URL and ALERT_EMAILS on the worker");
  }
  return run.mailer;
}

/** Counts a group into its window; a newly opened window gets its mail now and its digest at close. */
async function countEvents(job: Job, run: JobRun): Promise<void> {
  const group = job.payload as unknown as CriticalGroup;
  await run.db.transaction(async (tx) => {
    const { window, opened } = await countIntoAlertWindow(tx, group, run.config.alertWindowMs);
    if (opened) {
      await enqueueJobs(tx, [
        { kind: "alert.mail", payload: { window_id: window.id, first: group.events[0] } },
        // A moment after the close, so a count that began just before the close is in the digest.
        { kind: "alert.digest", payload: { window_id: window.id }, delayMs: run.config.alertWindowMs + 1000 },
      ]);
    }
    await run.finishIn(tx);
  });
}

async function sendFirst(job: Job, run: JobRun): Promise<void> {
  const mailer = requireAlertMail(run);
  const p = job.payload as { window_id: number; first: { event_id: string; created_at: string } };
  const window = await getAlertWindow(run.db, p.window_id);
  if (!window) return; // pruned long after; nothing to say any more
  await mailer.send(alertMail(run.config, window, await getUser(run.db, window.user_id), p.first));
}

async function sendDigest(job: Job, run: JobRun): Promise<void> {
  const p = job.payload as { window_id: number };
  const window = await getAlertWindow(run.db, p.window_id);
  if (!window || window.digest_sent_at) return;
  if (window.suppressed > 0) {
    const mailer = requireAlertMail(run);
    await mailer.send(digestMail(run.config, window, await getUser(run.db, window.user_id)));
  }
  await run.db.transaction(async (tx) => {
    await markDigestSent(tx, window.id);
    await run.finishIn(tx);
  });
}

export const alertHandlers: Record<string, JobHandler> = {
  "alert.events": countEvents,
  "alert.mail": sendFirst,
  "alert.digest": sendDigest,
};
