import type { Store } from "@usertrail/store";
import type { FastifyBaseLogger } from "fastify";
import nodemailer from "nodemailer";
import { type AnomalyNotify, scanAnomalies } from "./anomalies.ts";

export interface AnomalyScanOptions {
  /** Minutes between scans; 0 turns the scan off. */
  everyMinutes: number;
  smtpUrl?: string;
  alertEmails?: string[];
  mailFrom?: string;
  publicUrl: string;
}

/** A plain-text mail to ALERT_EMAILS over SMTP_URL; undefined when either is not set. */
export function smtpNotify(
  smtpUrl: string | undefined,
  to: string[] | undefined,
  from: string,
): AnomalyNotify | undefined {
  if (!smtpUrl || !to || to.length === 0) return undefined;
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 20_000,
  });
  return async (subject, text) => {
    await transport.sendMail({ from, to, subject, text });
  };
}

/**
 * Runs scanAnomalies every few minutes in this process, until `stop`. A stand-in for the
 * worker's job schedule: a scan that fails is logged and the next one tries again.
 */
export function startAnomalyScan(
  store: Store,
  log: FastifyBaseLogger,
  options: AnomalyScanOptions,
): () => void {
  if (options.everyMinutes <= 0) return () => {};
  const notify = smtpNotify(
    options.smtpUrl,
    options.alertEmails,
    options.mailFrom ?? "usertrail <usertrail@localhost>",
  );
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    scanAnomalies(store, { notify, publicUrl: options.publicUrl })
      .then(({ alerted }) => {
        if (alerted.length > 0)
          log.warn({ anomalies: alerted.map((a) => a.metric) }, "anomaly scan: spikes found");
      })
      .catch((error) => log.error({ err: error }, "anomaly scan failed"))
      .finally(() => {
        running = false;
      });
  }, options.everyMinutes * 60_000);
  // The scan must never keep a finished process (or a test run) alive.
  timer.unref();
  return () => clearInterval(timer);
}
