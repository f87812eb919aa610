import { demoData } from "../scripts/demo-data.ts";
import { createAccount, env, expect, ingest, openAsAdmin, test } from "./fixtures.ts";

// `npm run screenshots`: fills the test server with demo students and photographs each tab into docs/.

test.describe.configure({ mode: "serial" });

test("screenshots of every tab", async ({ page }) => {
  test.setTimeout(300_000);
  const { events } = demoData({ students: 150, seed: 42 });
  for (let i = 0; i < events.length; i += 1000) await ingest(events.slice(i, i + 1000));
  for (const message of [
    "ChunkLoadError: Loading chunk 417 failed.",
    "Script error.",
    "TypeError: Failed to fetch",
  ]) {
    await fetch(`${env.base}/api/tripwire/debug/client-error?key=${env.publicKey}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ message, url: "https://learn.example.kz/courses" }),
    });
  }
  await createAccount("sales", "Saule Sales");
  await createAccount("sales", "Marat Manager");
  const off = await createAccount("admin", "Old Admin");
  await fetch(`${env.base}/api/auth/login`, { method: "POST" }); // keeps nothing; accounts are enough
  await page.request.post("/api/auth/login", {
    data: { email: env.adminEmail, password: env.adminPassword },
  });
  await page.request.patch(`/api/staff/${off.id}`, {
    data: { disabled: true },
    headers: { "X-Usertrail-Csrf": "1" },
  });
  await page.context().clearCookies();

  await page.goto("/");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.screenshot({ path: "docs/screenshot-login.png" });

  await openAsAdmin(page, "/overview?range=7d");
  await expect(page.locator(".recharts-area")).toHaveCount(2);
  await page.waitForTimeout(800); // let the chart's entry animation finish
  await page.screenshot({ path: "docs/screenshot-overview.png", fullPage: true });

  // The student with the most errors makes the most telling log.
  const counts = new Map<string, { errors: number; email: string }>();
  for (const e of events) {
    const c = counts.get(e.user_id) ?? { errors: 0, email: "" };
    if (e.user) c.email = e.user.email;
    if (e.severity === "error" || e.severity === "critical") c.errors++;
    counts.set(e.user_id, c);
  }
  const worst = [...counts.values()].sort((a, b) => b.errors - a.errors)[0];
  if (!worst) throw new Error("no demo users");
  const last = worst.email.split("@")[0]?.split(".")[1] ?? worst.email;
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByPlaceholder("Email or phone (min 3 chars)...").fill(last);
  await page.getByPlaceholder("Email or phone (min 3 chars)...").press("Enter");
  await page
    .getByRole("list", { name: "Search results" })
    .getByRole("button", { name: new RegExp(worst.email) })
    .click();
  // Show the newest browser error with its details open, right under the stats and filters.
  await page.getByRole("group", { name: "Event types" }).getByText("CLIENT_ERROR", { exact: true }).click();
  const errorRow = page.locator('.log-row[data-event-type="CLIENT_ERROR"][data-severity="error"]').first();
  await errorRow.getByRole("button", { name: "Details" }).click();
  await expect(errorRow.locator("pre.json")).toBeVisible();
  await page.setViewportSize({ width: 1440, height: 1400 });
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    document.querySelector(".results")?.scrollTo(0, 0);
  });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: "docs/screenshot-users.png" });
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByRole("link", { name: "Staff" }).click();
  await expect(page.getByRole("table", { name: "Staff accounts" })).toContainText("Old Admin");
  await page.screenshot({ path: "docs/screenshot-staff.png" });

  await page.getByRole("link", { name: "Issues" }).click();
  await expect(page.getByRole("heading", { name: "Issues" }).first()).toBeVisible();
  await page.waitForTimeout(800);
  await page.screenshot({ path: "docs/screenshot-issues.png", fullPage: true });

  await page.getByRole("link", { name: "Analytics" }).click();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await page.waitForTimeout(800);
  await page.screenshot({ path: "docs/screenshot-analytics.png", fullPage: true });
});
