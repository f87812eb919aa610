import type { TestServer } from "../helpers.ts";
import type { TestSmtp } from "./smtp.ts";

/** What the worker's test cases share: one server per database kind (PGlite starts slowly). */
export interface WorkerTestContext {
  s: TestServer;
  /** The port SMTP_URL names; nothing listens there until a case starts a server on it. */
  smtpPort: number;
  smtp: TestSmtp | null;
  admin: string;
  sales: string;
  salesId: string;
}

export const SALES = { email: "sam.sales@example.com", password: "sales password 1", name: "Sam Sales" };
export const ALERTS_TO = "oncall@example.com";
export const ALERT_WINDOW_MS = 5000;
export const PUBLIC_URL = "https://panel.example.com/base";
