import type { AcceptedEvent } from "@usertrail/core";
import {
  emailHolder,
  enqueueJobs,
  insertEvents,
  type Job,
  lockEmail,
  patchJobPayload,
  upsertUserIn,
} from "@usertrail/store";
import type { Mail } from "./mailer.ts";
import { type JobHandler, type JobRun, PermanentJobError, type WorkerConfig } from "./worker.ts";

/** What POST /api/tripwire/users queues: the new user and who asked for it. */
export interface CreateUserPayload {
  user_id: string;
  full_name: string;
  email: string;
  phone: string | null;
  /** The staff account's id and display name (USER_CREATED's created_by and manager_name). */
  created_by: string;
  manager_name: string;
  /** Set once the welcome mail went out, so a retry of this job does not send it twice. */
  welcome_sent?: boolean;
}

export interface WelcomeMailPayload {
  user_id: string;
  full_name: string;
  email: string;
  manager_name: string;
  first_error: string;
}

/** Attempts for a welcome mail that failed at creation: with the default backoff, about five hours. */
const WELCOME_RETRY_ATTEMPTS = 12;

/** The welcome mail; plain text, so nothing a name contains can turn into markup. */
export function welcomeMail(
  p: { full_name: string; email: string; manager_name: string },
  config: WorkerConfig,
): Mail {
  return {
    to: [p.email],
    subject: `Welcome, ${p.full_name}`,
    text: [
      `Hello ${p.full_name},`,
      "",
      `your account has been created by ${p.manager_name}.`,
      `It is registered to this address (${p.email}).`,
      "",
      `Sent by usertrail (${config.publicUrl}).`,
    ].join("\n"),
  };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** An activity event the worker logs about a user (the welcome mail's later fate). */
function workerEvent(
  userId: string,
  eventType: string,
  message: string,
  metadata: Record<string, unknown>,
  severity: AcceptedEvent["severity"],
): AcceptedEvent {
  return {
    event_id: crypto.randomUUID(),
    user_id: userId,
    user: null,
    event_type: eventType,
    event_category: "activity",
    message,
    metadata,
    severity,
    created_at: new Date(),
  };
}

/**
 * Creates the user. The welcome mail is tried first (once) so USER_CREATED can say whether it
 * went out; whatever the mail does, the user, USER_CREATED, a retry job for a failed mail and
 * this job's completion commit in one transaction, so the user is never lost or made twice.
 */
async function createUser(job: Job, run: JobRun): Promise<void> {
  const started = Date.now();
  const p = job.payload as unknown as CreateUserPayload;
  const holder = await emailHolder(run.db, p.email, p.user_id);
  if (holder && "userId" in holder) {
    throw new PermanentJobError(`A user with the email ${p.email} already exists (id ${holder.userId}).`);
  }
  let emailSent = p.welcome_sent === true;
  let emailError: string | null = null;
  if (run.mailer && !emailSent) {
    try {
      await run.mailer.send(welcomeMail(p, run.config));
      emailSent = true;
      await patchJobPayload(run.db, job.id, { welcome_sent: true });
    } catch (error) {
      emailError = errorText(error);
    }
  }
  await run.db.transaction(async (tx) => {
    await lockEmail(tx, p.email);
    const again = await emailHolder(tx, p.email, p.user_id);
    if (again && "userId" in again) {
      throw new PermanentJobError(`A user with the email ${p.email} already exists (id ${again.userId}).`);
    }
    const mail = run.mailer
      ? emailError
        ? { email_sent: false, email_error: emailError, email_retry: true }
        : { email_sent: emailSent }
      : { email_sent: false, email_skipped: "SMTP_URL is not set" };
    await upsertUserIn(
      tx,
      p.user_id,
      { full_name: p.full_name, email: p.email, phone: p.phone },
      {
        kind: "staff",
        metadata: {
          created_by: p.created_by,
          manager_name: p.manager_name,
          duration_ms: Date.now() - started,
          queued_ms: Math.max(0, started - new Date(job.created_at).getTime()),
          ...mail,
        },
      },
    );
    if (emailError) {
      const retry: WelcomeMailPayload = {
        user_id: p.user_id,
        full_name: p.full_name,
        email: p.email,
        manager_name: p.manager_name,
        first_error: emailError,
      };
      await enqueueJobs(tx, [
        {
          kind: "user.welcome-mail",
          payload: retry,
          delayMs: run.retryInMs,
          maxAttempts: WELCOME_RETRY_ATTEMPTS,
        },
      ]);
    }
    await run.finishIn(tx);
  });
}

/**
 * Retries a welcome mail that failed when the user was made. Each failure is kept on the job
 * (attempts, last_error, next run_after); success is logged in the user's log as
 * WELCOME_EMAIL_SENT, and giving up as WELCOME_EMAIL_FAILED.
 */
async function retryWelcomeMail(job: Job, run: JobRun): Promise<void> {
  const p = job.payload as unknown as WelcomeMailPayload;
  if (!run.mailer) throw new Error("SMTP_URL is not set on this worker; the welcome mail waits for it");
  try {
    await run.mailer.send(welcomeMail(p, run.config));
  } catch (error) {
    if (job.attempts >= job.max_attempts) {
      const event = workerEvent(
        p.user_id,
        "WELCOME_EMAIL_FAILED",
        `Welcome mail to ${p.email} could not be delivered after ${job.attempts + 1} attempts`,
        {
          email: p.email,
          attempts: job.attempts + 1,
          last_error: errorText(error),
          first_error: p.first_error,
        },
        "warning",
      );
      await run.db.transaction((tx) => insertEvents(tx, [event]));
    }
    throw error;
  }
  await run.db.transaction(async (tx) => {
    // The first attempt was made when the user was created; this job's attempts came after it.
    const event = workerEvent(
      p.user_id,
      "WELCOME_EMAIL_SENT",
      `Welcome mail to ${p.email} delivered on attempt ${job.attempts + 1}`,
      { email: p.email, attempts: job.attempts + 1, first_error: p.first_error, retried: true },
      "info",
    );
    await insertEvents(tx, [event]);
    await run.finishIn(tx);
  });
}

export const userHandlers: Record<string, JobHandler> = {
  "user.create": createUser,
  "user.welcome-mail": retryWelcomeMail,
};
