import { expect, ingest, openAsAdmin, student, test } from "./fixtures.ts";

test("the overview charts activity and ranks errors, users and critical events", async ({ page }) => {
  const s = student("Overview");
  const marker = `Quiz timer froze ${Date.now()}`;
  const now = Date.now();
  // Enough copies that this error tops the list whatever other tests sent.
  await ingest([
    { user_id: s.id, user: { email: s.email, full_name: s.full_name }, event_type: "LOGIN", message: "in" },
    ...Array.from({ length: 60 }, (_, i) => ({
      user_id: s.id,
      event_type: "CLIENT_ERROR",
      severity: "error",
      message: marker,
      created_at: new Date(now - i * 60_000).toISOString(),
    })),
    {
      user_id: s.id,
      event_type: "API_ERROR",
      severity: "critical",
      message: `Payments down ${marker}`,
      created_at: new Date(now - 3 * 86_400_000).toISOString(),
    },
  ]);
  await openAsAdmin(page, "/overview");
  await expect(page.getByRole("button", { name: "Last 24 hours" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator(".chart svg.recharts-surface[role=application]")).toBeVisible();
  await expect(page.locator(".recharts-area")).toHaveCount(2);
  const topErrors = page.locator("section", {
    has: page.getByRole("heading", { name: "Most frequent errors" }),
  });
  await expect(topErrors.locator("tbody tr").first()).toContainText(marker);
  await expect(topErrors.locator("tbody tr").first().locator("td.num").first()).toHaveText("60");
  const topUsers = page.locator("section", {
    has: page.getByRole("heading", { name: "Users with most errors" }),
  });
  await expect(topUsers.locator("li").first()).toContainText(s.full_name);

  // Critical events are listed whatever the range; the 3-day-old one appears, linked to its user.
  const critical = page.locator("section", {
    has: page.getByRole("heading", { name: "Latest critical events" }),
  });
  await expect(critical.getByText(`Payments down ${marker}`)).toBeVisible();

  await page.getByRole("button", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/\/overview\?range=7d$/);
  await expect(page.getByRole("heading", { name: /last 7 days/ })).toBeVisible();
  await expect(topErrors.locator("tbody tr").first()).toContainText(marker);

  // A user in the ranking opens their errors in the Users tab.
  await topUsers.getByRole("link", { name: s.full_name }).click();
  await expect(page).toHaveURL(new RegExp(`/users/${s.id}\\?severity=error,critical$`));
  await expect(page.locator(".log-row")).toHaveCount(61);
});
