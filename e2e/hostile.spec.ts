import { expect, ingest, openAsAdmin, selectUser, student, test } from "./fixtures.ts";

// Everything a student's app sends is shown as text: markup in a message, metadata or a name never runs.

const PAYLOAD = "<img src=x onerror=alert(1)>";
const SNEAKY = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

test("markup in a message, metadata and a name is shown as text and never runs", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  const s = student("Hostile");
  const name = `${s.full_name} ${PAYLOAD}`;
  await ingest([
    {
      user_id: s.id,
      user: { email: s.email, full_name: name },
      event_type: "CLIENT_ERROR",
      severity: "error",
      message: PAYLOAD,
      metadata: { html: PAYLOAD, nested: { more: SNEAKY }, [PAYLOAD]: "key too" },
    },
    { user_id: s.id, event_type: "API_ERROR", severity: "critical", message: SNEAKY },
  ]);
  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(page.getByRole("list", { name: "Search results" })).toContainText(PAYLOAD);

  const row = page.locator('.log-row[data-event-type="CLIENT_ERROR"]');
  await expect(row.locator(".log-message")).toHaveText(PAYLOAD);
  await expect(page.locator('.log-row[data-event-type="API_ERROR"] .log-message')).toHaveText(SNEAKY);
  await row.getByRole("button", { name: "Details" }).click();
  const json = row.locator("pre.json");
  await expect(json).toContainText(`"html": "${PAYLOAD}"`);
  await expect(json).toContainText(`"${PAYLOAD}": "key too"`);

  // The overview lists the same strings (top errors, latest critical) as text too.
  await page.getByRole("link", { name: "Overview" }).click();
  await expect(page.locator(".feed-msg", { hasText: SNEAKY }).first()).toBeVisible();

  // Searching with markup and SQL wildcards finds by text, and shows the term back as text.
  await page.getByRole("link", { name: "Users" }).click();
  const box = page.getByPlaceholder("Email or phone (min 3 chars)...");
  await box.fill(`onerror=alert(1)> ${s.id.slice(-8)}`);
  await box.press("Enter");
  await expect(page.getByText(/Nobody matches/)).toContainText("onerror=alert(1)>");
  await box.fill("%_%");
  await box.press("Enter");
  await expect(page.getByText(/Nobody matches|Search results/).first()).toBeVisible();

  await page.waitForTimeout(300); // give any injected handler the chance it must not get
  expect(dialogs).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator("#root img, #root script").count()).toBe(0);
});

test("odd user ids and long text are handled without breaking the page", async ({ page }) => {
  const s = student("Odd");
  const id = `odd/../id?#%20 ${s.id} ✓ 𝔘`;
  const long = "x".repeat(9000);
  await ingest([
    { user_id: id, user: { email: s.email, full_name: s.full_name }, event_type: "LOGIN", message: long },
  ]);
  await openAsAdmin(page, "/users");
  await selectUser(page, s.email, s.full_name);
  await expect(page.locator(".user-facts")).toContainText(id);
  await expect(page.locator(".log-row .log-message").first()).toHaveText(long);
  // The link to this student survives a reload (the id is encoded in the path).
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(s.full_name);
  await expect(page.locator(".log-row")).toHaveCount(2);
});
