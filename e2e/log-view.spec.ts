import { env, expect, ingest, loginUi, openAsAdmin, selectUser, student, test } from "./fixtures.ts";

// Filters, paging and links to one student's log.

const day = (d: string, hh = "12") => `${d}T${hh}:00:00Z`;

async function seedMixed() {
  const s = student("Filter");
  await ingest([
    {
      user_id: s.id,
      user: { email: s.email, full_name: s.full_name },
      event_type: "LOGIN",
      message: "login one",
      created_at: day("2026-01-10", "08"),
    },
    { user_id: s.id, event_type: "VIDEO_VIEW", message: "video one", created_at: day("2026-01-11") },
    {
      user_id: s.id,
      event_type: "API_ERROR",
      severity: "error",
      message: "api broke",
      created_at: day("2026-01-12"),
    },
    {
      user_id: s.id,
      event_type: "CLIENT_ERROR",
      severity: "critical",
      message: "client exploded",
      created_at: day("2026-01-13"),
    },
    {
      user_id: s.id,
      event_type: "HOMEWORK_SUBMIT",
      message: "homework 2 sent",
      created_at: day("2026-01-14"),
    },
    { user_id: s.id, event_type: "LOGIN", message: "login two", created_at: day("2026-01-15") },
  ]);
  return s;
}

const messages = (page: import("@playwright/test").Page) => page.locator(".log-row .log-message");

test("filters by several event types, severity and date range, and keeps them in the URL", async ({
  page,
}) => {
  const s = await seedMixed();
  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  await expect(messages(page)).toHaveCount(7);

  const types = page.getByRole("group", { name: "Event types" });
  await types.getByText("LOGIN", { exact: true }).click();
  await expect(messages(page)).toHaveText(["login two", "login one"]);
  await types.getByText("API_ERROR", { exact: true }).click();
  await expect(messages(page)).toHaveText(["login two", "api broke", "login one"]);
  await expect(page).toHaveURL(/types=LOGIN,API_ERROR/);

  await types.getByText("LOGIN", { exact: true }).click();
  await types.getByText("API_ERROR", { exact: true }).click();
  const severity = page.getByRole("group", { name: "Severity" });
  await severity.getByText("critical", { exact: true }).click();
  await severity.getByText("error", { exact: true }).click();
  await expect(messages(page)).toHaveText(["client exploded", "api broke"]);
  await expect(page).toHaveURL(/severity=critical,error/);

  await severity.getByText("critical", { exact: true }).click();
  await severity.getByText("error", { exact: true }).click();
  await page.getByLabel("From").fill("2026-01-11");
  await page.getByLabel("To").fill("2026-01-13");
  await expect(messages(page)).toHaveText(["client exploded", "api broke", "video one"]);
  await expect(page).toHaveURL(/from=2026-01-11&to=2026-01-13/);

  await page.getByLabel("Message contains").fill("EXPLODED");
  await page.getByLabel("Message contains").press("Enter");
  await expect(messages(page)).toHaveText(["client exploded"]);

  // A range that matches nothing says so and offers a way out.
  await page.getByLabel("From").fill("2025-01-01");
  await page.getByLabel("To").fill("2025-01-02");
  await expect(page.getByText("No events match these filters")).toBeVisible();
  await page.getByRole("button", { name: "clear all filters" }).click();
  await expect(messages(page)).toHaveCount(7);
  await expect(page).not.toHaveURL(/types=|severity=|from=|to=/);

  // A start after the end is caught before asking the server.
  await page.getByLabel("From").fill("2026-01-14");
  await page.getByLabel("To").fill("2026-01-10");
  await expect(page.getByText("The start date is after the end date")).toBeVisible();
});

test("a pasted link opens the same filtered view, through the login page if needed", async ({ page }) => {
  const s = await seedMixed();
  const link = `/users/${encodeURIComponent(s.id)}?types=LOGIN,CLIENT_ERROR&severity=info,critical&from=2026-01-10&to=2026-01-14`;
  await page.goto(link);
  // Not logged in yet: the login page appears at the same address, and logging in lands on the view.
  await expect(page.getByRole("heading", { name: "Debug Panel" })).toBeVisible();
  await page.getByLabel("Email").fill(env.adminEmail);
  await page.getByLabel("Password").fill(env.adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(s.full_name);
  await expect(messages(page)).toHaveText(["client exploded", "login one"]);
  const types = page.getByRole("group", { name: "Event types" });
  await expect(types.getByRole("checkbox", { name: "LOGIN", exact: true })).toBeChecked();
  await expect(types.getByRole("checkbox", { name: "CLIENT_ERROR" })).toBeChecked();
  await expect(types.getByRole("checkbox", { name: "VIDEO_VIEW" })).not.toBeChecked();
  await expect(page.getByLabel("From")).toHaveValue("2026-01-10");
  await expect(page.getByLabel("To")).toHaveValue("2026-01-14");
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(link);

  // A second person (fresh context) opening the link sees the same entries.
  const other = await page.context().browser()?.newPage({ baseURL: env.base });
  if (!other) throw new Error("no browser");
  await openAsAdmin(other, link);
  await expect(messages(other)).toHaveText(["client exploded", "login one"]);
  await other.close();

  // Unknown ids and malformed parameters are handled in words, not crashes.
  await page.goto("/users/no-such-student-xyz?types=<b>&severity=nope&from=yesterday");
  await expect(page.getByText("This student is not in usertrail")).toBeVisible();
});

test("load more pages through a long log with the cursor", async ({ page }) => {
  const s = student("Busy");
  const start = Date.parse("2026-02-01T00:00:00Z");
  const events = Array.from({ length: 249 }, (_, i) => ({
    user_id: s.id,
    user: i === 0 ? { email: s.email, full_name: s.full_name } : undefined,
    event_type: "VIDEO_VIEW",
    message: `video ${String(i).padStart(3, "0")}`,
    created_at: new Date(start + i * 60_000).toISOString(),
  }));
  await ingest(events);
  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  const rows = page.locator(".log-row");
  await expect(rows).toHaveCount(100);
  await expect(rows.first().locator(".log-message")).toHaveText("video 248");
  await expect(page.getByText("Showing 100 entries; older entries are available")).toBeVisible();
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(rows).toHaveCount(200);
  await expect(rows.nth(100).locator(".log-message")).toHaveText("video 148");
  await page.getByRole("button", { name: "Load more" }).click();
  // 249 events + USER_CREATED = 250, the last one the oldest: USER_CREATED.
  await expect(rows).toHaveCount(250);
  await expect(rows.last()).toHaveAttribute("data-event-type", "USER_CREATED");
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  await expect(page.getByText("Showing 250 entries; that is all")).toBeVisible();
  // No entry was shown twice across pages.
  const texts = await rows.locator(".log-message").allTextContents();
  expect(new Set(texts).size).toBe(250);
});

test("the whole flow works with the keyboard alone", async ({ page }) => {
  const s = await seedMixed();
  await page.goto("/");
  await loginUi(page);
  await page.getByRole("link", { name: "Users" }).focus();
  await page.keyboard.press("Enter");
  await page.getByPlaceholder("Email or phone (min 3 chars)...").focus();
  await page.keyboard.type(s.email);
  await page.keyboard.press("Enter");
  await page.getByRole("list", { name: "Search results" }).getByRole("button").first().focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(s.full_name);
  const details = page.locator(".log-row").first().getByRole("button", { name: "Details" });
  await details.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator(".log-row").first().locator("pre.json")).toBeVisible();
  // A filter chip toggles with Space.
  await page.getByRole("group", { name: "Severity" }).getByRole("checkbox", { name: "critical" }).focus();
  await page.keyboard.press("Space");
  await expect(messages(page)).toHaveText(["client exploded"]);
});
