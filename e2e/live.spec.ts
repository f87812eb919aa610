import type { WebSocketRoute } from "@playwright/test";
import { expect, ingest, openAsAdmin, selectUser, student, test } from "./fixtures.ts";

// Live updates of one student's log: new entries appear at the top without a reload, the
// numbers tick, and a dropped connection comes back and fills the gap.

test("shows new entries live, and after a dropped connection fills the gap", async ({ page }) => {
  const s = student("Live");
  await ingest([
    {
      user_id: s.id,
      user: { email: s.email, full_name: s.full_name },
      event_type: "LOGIN",
      message: "first login",
    },
  ]);

  // Every live socket goes through the test, so it can cut one the way a flaky network would.
  const sockets: WebSocketRoute[] = [];
  const urls: string[] = [];
  await page.routeWebSocket(/\/api\/live/, (ws) => {
    sockets.push(ws);
    urls.push(ws.url());
    ws.connectToServer();
  });

  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  const messages = page.locator(".log-row .log-message");
  await expect(messages).toHaveText(["first login", "User first seen in an event"]);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  await expect(page.locator('[data-stat="total"] .stat-value')).toHaveText("2");

  const sent = Date.now();
  await ingest([
    { user_id: s.id, event_type: "API_ERROR", severity: "error", message: "payment failed live" },
  ]);
  await expect(messages.first()).toHaveText("payment failed live");
  // Within a second on an idle machine; the bound here leaves room for a busy CI box.
  expect(Date.now() - sent).toBeLessThan(5000);
  await expect(page.locator('[data-stat="total"] .stat-value')).toHaveText("3");
  await expect(page.locator('[data-stat="errors"] .stat-value')).toHaveText("1");

  // Drop the connection, store two events while it is down, and watch them arrive after it returns.
  await sockets[0]?.close({ code: 1006 });
  await ingest([
    { user_id: s.id, event_type: "VIDEO_VIEW", message: "missed while offline" },
    { user_id: "someone-else", event_type: "LOGIN", message: "not this student" },
  ]);
  await expect.poll(() => sockets.length, { timeout: 15_000 }).toBeGreaterThan(1);
  expect(urls[1]).toMatch(/after=\d+/);
  await expect(messages.first()).toHaveText("missed while offline");
  await expect(messages).toHaveCount(4);
  await expect(page.getByText("not this student")).toHaveCount(0);
  await ingest([{ user_id: s.id, event_type: "LESSON_COMPLETE", message: "live again" }]);
  await expect(messages.first()).toHaveText("live again");
});

test("respects the filters for live entries, and offers exports of the filtered log", async ({ page }) => {
  const s = student("LiveFilter");
  await ingest([
    {
      user_id: s.id,
      user: { email: s.email, full_name: s.full_name },
      event_type: "LOGIN",
      message: "hello",
    },
  ]);
  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  await page.getByRole("group", { name: "Severity" }).getByText("error", { exact: true }).click();
  await expect(page).toHaveURL(/severity=error/);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  await ingest([
    { user_id: s.id, event_type: "LOGIN", message: "an info entry" },
    { user_id: s.id, event_type: "API_ERROR", severity: "error", message: "an error entry" },
  ]);
  const messages = page.locator(".log-row .log-message");
  await expect(messages).toHaveText(["an error entry"]);

  const csv = page.getByRole("link", { name: "Export as CSV" });
  await expect(csv).toHaveAttribute("href", /\/export\?format=csv&severity=error/);
  const [download] = await Promise.all([page.waitForEvent("download"), csv.click()]);
  expect(download.suggestedFilename()).toMatch(/^usertrail-e2e-[\w-]+-\d{8}T\d{6}Z\.csv$/);
  const body = await (await page.request.get((await csv.getAttribute("href")) as string)).text();
  expect(body.split("\r\n").filter(Boolean)).toHaveLength(2);
  expect(body).toContain("an error entry");
});

test("an admin erases a student after confirming, and the audit shows it without their data", async ({
  page,
}) => {
  const s = student("Erase");
  await ingest([
    {
      user_id: s.id,
      user: { email: s.email, full_name: s.full_name },
      event_type: "LOGIN",
      message: "secret stuff",
    },
  ]);
  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  await page.getByRole("button", { name: "Erase user…" }).click();
  const dialog = page.getByRole("dialog", { name: "Erase this student?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: "Erase user…" }).click();
  await dialog.getByRole("button", { name: "Erase permanently" }).click();
  await expect(page.getByText("The student was erased")).toBeVisible();

  await page.getByRole("link", { name: "Audit" }).click();
  await page.getByLabel("Student id").fill(s.id);
  await page.getByLabel("Student id").press("Enter");
  const table = page.getByRole("table", { name: "Audit entries" });
  // Other tests write audit entries too: wait until the table holds this student's rows only.
  const rows = table.locator("tbody tr");
  await expect(rows.filter({ hasNotText: s.id })).toHaveCount(0);
  await expect(rows.filter({ hasText: "erased the student" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "opened the log" }).first()).toBeVisible();
  await expect(table).not.toContainText(s.email);
  await expect(table).not.toContainText(s.full_name);
});

test("the overview's totals tick as events arrive, without a reload", async ({ page }) => {
  await openAsAdmin(page, "/overview");
  const events = page.locator(".stat").filter({ hasText: "Events" }).locator(".stat-value");
  await expect(events).not.toHaveText("");
  // Other tests ingest at the same time, so the count must grow by at least what this test sends.
  const number = async () => Number((await events.textContent())?.replace(/\D/g, ""));
  const before = await number();
  // The live socket opens once the overview has loaded; give it a moment before sending.
  await page.waitForTimeout(1000);
  const s = student("Ticker");
  await ingest([
    { user_id: s.id, event_type: "API_ERROR", severity: "error", message: "tick one" },
    { user_id: s.id, event_type: "LOGIN", message: "tick two" },
  ]);
  // Three: the two events and the new user's USER_CREATED.
  await expect.poll(number, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 3);
});
