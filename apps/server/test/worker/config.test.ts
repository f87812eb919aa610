import { describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config.ts";
import { workerConfigFromEnv } from "../../src/worker/env.ts";

describe("worker settings from the environment", () => {
  it("reads SMTP_URL, ALERT_EMAILS, ALERT_WINDOW_MINUTES, RETENTION_DAYS and WORKER", () => {
    const env = loadEnv({
      SMTP_URL: "smtp://user:pass@mail.example.com:587",
      ALERT_EMAILS: " oncall@example.com, lead@example.com ,",
      ALERT_WINDOW_MINUTES: "15",
      RETENTION_DAYS: "7",
      WORKER: "off",
      PUBLIC_URL: "https://panel.example.com",
    });
    expect(env.WORKER).toBe("off");
    expect(workerConfigFromEnv(env)).toMatchObject({
      smtpUrl: "smtp://user:pass@mail.example.com:587",
      alertEmails: ["oncall@example.com", "lead@example.com"],
      alertWindowMs: 15 * 60_000,
      retentionDays: 7,
      publicUrl: "https://panel.example.com",
    });
  });

  it("defaults: worker on, 60-minute alert window, 30-day retention, no mail", () => {
    const env = loadEnv({});
    expect(env.WORKER).toBe("on");
    expect(workerConfigFromEnv(env)).toMatchObject({
      alertWindowMs: 3600_000,
      retentionDays: 30,
      alertEmails: [],
    });
    expect(workerConfigFromEnv(env).smtpUrl).toBeUndefined();
  });

  it.each([
    [{ ALERT_EMAILS: "oncall@example.com, not-an-address" }, /ALERT_EMAILS must be email addresses/],
    [{ SMTP_URL: "mail.example.com:25" }, /SMTP_URL must look like smtp:\/\//],
    [{ ALERT_WINDOW_MINUTES: "0" }, /ALERT_WINDOW_MINUTES/],
    [{ ALERT_WINDOW_MINUTES: "soon" }, /ALERT_WINDOW_MINUTES/],
    [{ RETENTION_DAYS: "-1" }, /RETENTION_DAYS/],
    [{ WORKER: "maybe" }, /WORKER must be on or off/],
  ])("refuses %o by name", (source, error) => {
    expect(() => loadEnv(source)).toThrow(error);
  });
});
