import { afterAll, beforeAll, describe, expect } from "vitest";
import { DATABASE_KINDS, startTestServer } from "../helpers.ts";
import { alertCases } from "./alerts.cases.ts";
import { ALERT_WINDOW_MS, ALERTS_TO, PUBLIC_URL, SALES, type WorkerTestContext } from "./context.ts";
import { retentionCases } from "./retention.cases.ts";
import { freePort } from "./smtp.ts";
import { userCreationCases } from "./user-create.cases.ts";

describe.each(DATABASE_KINDS)("the worker on %s", (kind) => {
  const w = { smtp: null } as WorkerTestContext;

  beforeAll(async () => {
    w.smtpPort = await freePort();
    w.s = await startTestServer(kind, {
      publicUrl: PUBLIC_URL,
      workerConfig: {
        smtpUrl: `smtp://127.0.0.1:${w.smtpPort}`,
        alertEmails: [ALERTS_TO],
        alertWindowMs: ALERT_WINDOW_MS,
        retentionDays: 30,
        retentionBatch: 150,
        pollMs: 50,
        retryBaseMs: 300,
        retryMaxMs: 3000,
        mailTimeoutMs: 2000,
      },
    });
    w.admin = await w.s.login();
    const made = await w.s.as(w.admin, {
      method: "POST",
      url: "/api/staff",
      payload: { ...SALES, role: "sales" },
    });
    expect(made.statusCode).toBe(201);
    w.salesId = made.json().id;
    w.sales = await w.s.login(SALES.email, SALES.password);
  });
  afterAll(async () => {
    await w.s?.close();
    await w.smtp?.close();
  });

  describe("user creation", () => userCreationCases(w));
  describe("critical alerts", () => alertCases(w));
  describe("retention", () => retentionCases(w));
});
