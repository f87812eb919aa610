import nodemailer from "nodemailer";

/** One plain-text mail. Text only: messages come from users' browsers and must not render as HTML. */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** Header text must stay on one line and short; user-made messages may hold anything. */
export function headerText(value: string, max = 150): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
  const flat = value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * An SMTP mailer for `SMTP_URL` (smtp://user:pass@host:587, smtps://… for TLS). Every stage has a
 * timeout, so a server that hangs costs one job attempt, never a stuck worker.
 */
export function createMailer(smtpUrl: string, from: string, timeoutMs: number): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: headerText(mail.subject),
        text: mail.text,
      });
    },
    close: () => transport.close(),
  };
}
