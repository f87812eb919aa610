import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { env, expect, ingest, openAsAdmin, selectUser, student, test } from "./fixtures.ts";

// The seed's six tests (tests/e2e/debug/user-tracking.spec.ts), against the real server.

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

test("a new user named in an event gets USER_CREATED in their log", async ({ page }) => {
  const s = student("Aigerim");
  await ingest([
    {
      user_id: s.id,
      user: { email: s.email, phone: s.phone, full_name: s.full_name },
      event_type: "LOGIN",
      message: "Logged in",
    },
  ]);
  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  const created = page.locator('.log-row[data-event-type="USER_CREATED"]');
  await expect(created).toHaveCount(1);
  await expect(created.locator(".type-badge")).toHaveText("USER_CREATED");
  await created.getByRole("button", { name: "Details" }).click();
  await expect(created.locator("pre.json")).toContainText(`"email": "${s.email}"`);
  // It comes first in the user's history, so last in a newest-first log.
  await expect(page.locator(".log-row").last()).toHaveAttribute("data-event-type", "USER_CREATED");
});

test("selecting a user shows their logs, newest first, with severity colours", async ({ page }) => {
  const s = student("Daniyar");
  await ingest([
    {
      user_id: s.id,
      user: { email: s.email, full_name: s.full_name },
      event_type: "LOGIN",
      message: "Logged in from Chrome",
      created_at: minutesAgo(30),
    },
    {
      user_id: s.id,
      event_type: "VIDEO_VIEW",
      message: "Watched lesson 3 video",
      metadata: { lesson: 3, seconds: 412 },
      created_at: minutesAgo(20),
    },
    {
      user_id: s.id,
      event_type: "API_ERROR",
      severity: "error",
      message: "POST /api/homework failed with 500",
      created_at: minutesAgo(10),
    },
    {
      user_id: s.id,
      event_type: "CLIENT_ERROR",
      severity: "critical",
      message: "Payment widget crashed",
      created_at: minutesAgo(5),
    },
    {
      user_id: s.id,
      event_type: "DEBUG_TRACE",
      severity: "debug",
      message: "trace",
      created_at: minutesAgo(4),
    },
    {
      user_id: s.id,
      event_type: "SLOW_PAGE",
      severity: "warning",
      event_category: "activity",
      message: "Page took 9 s",
      created_at: minutesAgo(3),
    },
  ]);
  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  const rows = page.locator(".log-row");
  await expect(rows).toHaveCount(7);
  await expect(rows.locator(".log-message")).toHaveText([
    "Page took 9 s",
    "trace",
    "Payment widget crashed",
    "POST /api/homework failed with 500",
    "Watched lesson 3 video",
    "Logged in from Chrome",
    "User first seen in an event",
  ]);
  const pill = (sev: string) => page.locator(`.log-row[data-severity="${sev}"] .sev-pill`).first();
  const colour = (sev: string) => pill(sev).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(await colour("critical")).toBe("rgb(139, 0, 0)"); // dark red
  expect(await pill("error").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(255, 59, 79)"); // red
  expect(await pill("warning").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(255, 210, 63)"); // yellow
  expect(await pill("info").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(0, 224, 122)"); // green
  expect(await pill("debug").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(198, 203, 207)"); // grey
  await expect(page.locator(".log-row .cat-tag.cat-content").first()).toHaveText("content");
  // Details shows the metadata as formatted JSON.
  const video = page.locator('.log-row[data-event-type="VIDEO_VIEW"]');
  await video.getByRole("button", { name: "Details" }).click();
  await expect(video.locator("pre.json")).toHaveText(/\{\n {2}"lesson": 3,\n {2}"seconds": 412\n\}/);
  await video.getByRole("button", { name: "Hide details" }).click();
  await expect(video.locator("pre.json")).toHaveCount(0);
});

test("times are in ru-RU by default and follow the locale setting", async ({ page }) => {
  const s = student("Locale");
  await ingest([
    {
      user_id: s.id,
      user: { email: s.email, full_name: s.full_name },
      event_type: "LOGIN",
      message: "Hi",
      created_at: "2026-01-15T08:09:10Z",
    },
  ]);
  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  const time = page.locator('.log-row[data-event-type="LOGIN"] time');
  await expect(time).toHaveText("15.01.2026, 08:09:10");
  await page.getByLabel("Time locale").selectOption("en-US");
  await expect(time).toHaveText("01/15/2026, 08:09:10 AM");
  await page.reload();
  await expect(time).toHaveText("01/15/2026, 08:09:10 AM");
});

test("an error thrown in a student's page shows up in that student's log", async ({ page, browser }) => {
  const s = student("Client");
  await ingest([
    {
      user_id: s.id,
      user: { email: s.email, full_name: s.full_name },
      event_type: "LOGIN",
      message: "Logged in",
    },
  ]);
  // A tiny "student app" on its own origin, which reports its errors the way a host app would.
  const marker = `Lesson player crashed ${Date.now()}`;
  const html = `<!doctype html><title>app</title><script>
    window.addEventListener("error", (e) => {
      fetch(${JSON.stringify(`${env.base}/api/tripwire/debug/client-error?key=${env.publicKey}`)}, {
        method: "POST",
        headers: { "Content-Type": "text/plain" },
        body: JSON.stringify({ message: e.message, stack: e.error && e.error.stack, url: location.href,
          userAgent: navigator.userAgent, user_id: ${JSON.stringify(s.id)}, context: { page: "lesson" } }),
      }).then((r) => { document.title = "sent " + r.status; });
    });
    setTimeout(() => { throw new Error(${JSON.stringify(marker)}); }, 0);
  </script>`;
  const app: Server = createServer((_req, res) =>
    res.writeHead(200, { "Content-Type": "text/html" }).end(html),
  );
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  try {
    const ctx = await browser.newContext();
    const studentPage = await ctx.newPage();
    await studentPage.goto(`http://127.0.0.1:${(app.address() as AddressInfo).port}/lesson`);
    await expect(studentPage).toHaveTitle("sent 202");
    await ctx.close();
  } finally {
    app.close();
  }
  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  const row = page.locator('.log-row[data-event-type="CLIENT_ERROR"]');
  await expect(row).toHaveCount(1);
  await expect(row.locator(".log-message")).toContainText(marker);
  await expect(row).toHaveAttribute("data-severity", "error");
  await row.getByRole("button", { name: "Details" }).click();
  await expect(row.locator("pre.json")).toContainText('"page": "lesson"');
  await expect(row.locator("pre.json")).toContainText("/lesson");
});

test("search needs 3 characters and sends no request below that", async ({ page }) => {
  await openAsAdmin(page, "/users");
  const searches: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/search-users")) searches.push(r.url());
  });
  const box = page.getByPlaceholder("Email or phone (min 3 chars)...");
  await box.fill("ab");
  await box.press("Enter");
  await expect(page.getByText("Type at least 3 characters")).toBeVisible();
  await page.getByRole("button", { name: "Search" }).click();
  await expect(box).toHaveAttribute("aria-invalid", "true");
  await box.fill("  a ");
  await box.press("Enter");
  await expect(page.getByText("Type at least 3 characters")).toBeVisible();
  expect(page.url()).not.toContain("q=");
  // Three characters do search (the request is the proof the rule is the only thing stopping it).
  await box.fill("zzq");
  await box.press("Enter");
  await expect(page.getByText("Nobody matches")).toBeVisible();
  expect(searches).toHaveLength(1);
});

test("the stat cards match the events", async ({ page }) => {
  const s = student("Stats");
  const sev = ["info", "info", "warning", "error", "error", "critical", "debug"];
  await ingest(
    sev.map((severity, i) => ({
      user_id: s.id,
      user: { email: s.email, phone: s.phone, full_name: s.full_name },
      event_type: severity === "info" ? "LESSON_COMPLETE" : "API_ERROR",
      message: `event ${i}`,
      severity,
    })),
  );
  // 7 events + USER_CREATED = 8; errors = error + critical = 3; 3/8 = 37.50 %.
  await openAsAdmin(page, "/users");
  await selectUser(page, s.phone.replace(/\D/g, "").slice(-7), s.full_name);
  const stat = (key: string) => page.locator(`[data-stat="${key}"] .stat-value`);
  await expect(stat("total")).toHaveText("8");
  await expect(stat("errors")).toHaveText("3");
  await expect(stat("critical")).toHaveText("1");
  await expect(stat("rate")).toHaveText("37.50%");
  await expect(page.locator(".log-row")).toHaveCount(8);
  await expect(page.locator(".stat-label")).toHaveText(["Total Events", "Errors", "Critical", "Error Rate"]);
});

test("tabs switch between Overview and Users, and the URL follows", async ({ page }) => {
  await openAsAdmin(page, "/");
  await expect(page).toHaveURL(/\/overview$/);
  const nav = page.getByRole("navigation", { name: "Sections" });
  await expect(nav.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await nav.getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(nav.getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByPlaceholder("Email or phone (min 3 chars)...")).toBeVisible();
  await expect(page.getByText("No student selected")).toBeVisible();
  await nav.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByPlaceholder("Email or phone (min 3 chars)...")).toBeVisible();
  // Keyboard: the tabs are links reachable with Tab and followed with Enter.
  await nav.getByRole("link", { name: "Overview" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/overview$/);
});
