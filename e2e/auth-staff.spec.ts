import { asAdmin, createAccount, env, expect, loginUi, openAsAdmin, test } from "./fixtures.ts";

// Who may use the panel: refusals in words, and the admin-only Staff page.

async function tryLogin(page: import("@playwright/test").Page, email: string, password: string) {
  await page.goto("/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a wrong password is refused with a clear message", async ({ page }) => {
  await tryLogin(page, env.adminEmail, "not-the-password");
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page.getByRole("navigation", { name: "Sections" })).toHaveCount(0);
  await tryLogin(page, "nobody@e2e.test", "whatever-123");
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  // Empty fields are caught before asking the server.
  await page.getByLabel("Email").fill("");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Enter both your email and your password.");
});

test("a student account and a disabled account are refused, each with its reason", async ({ page }) => {
  const pupil = await createAccount("student");
  await tryLogin(page, pupil.email, pupil.password);
  await expect(page.getByRole("alert")).toContainText("student account");
  await expect(page.getByRole("navigation", { name: "Sections" })).toHaveCount(0);

  const gone = await createAccount("sales");
  expect((await asAdmin("PATCH", `/api/staff/${gone.id}`, { disabled: true })).status).toBe(200);
  await tryLogin(page, gone.email, gone.password);
  await expect(page.getByRole("alert")).toContainText("disabled");
  await expect(page.getByRole("navigation", { name: "Sections" })).toHaveCount(0);
});

test("sales staff do not see the Staff page; logging out returns to the login page", async ({ page }) => {
  const sales = await createAccount("sales", "Saule Sales");
  await loginUi(page, sales.email, sales.password);
  const nav = page.getByRole("navigation", { name: "Sections" });
  await expect(nav.getByRole("link")).toHaveText(["Overview", "Users"]);
  await expect(page.getByText("Saule Sales")).toBeVisible();
  await page.goto("/staff");
  await expect(page.getByText("Staff is for admins")).toBeVisible();
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByText("You have logged out.")).toBeVisible();
  await page.goto("/overview");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("an admin adds a sales account, who can log in, then disables it, which ends its session", async ({
  page,
  browser,
}) => {
  await openAsAdmin(page, "/staff");
  await expect(page.getByRole("heading", { name: "Staff" })).toBeVisible();
  const table = page.getByRole("table", { name: "Staff accounts" });
  await expect(table.locator(`tr[data-email="${env.adminEmail}"]`)).toContainText("you");

  const email = `new-sales-${Date.now()}@e2e.test`;
  const form = page.locator("form", { has: page.getByRole("button", { name: "Add account" }) });
  await form.getByLabel("Name").fill("Nurlan New");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password (8+ characters)").fill("short");
  await form.getByRole("button", { name: "Add account" }).click();
  await expect(form.getByRole("alert")).toHaveText("The password needs at least 8 characters.");
  await form.getByLabel("Password (8+ characters)").fill("sales-password-1");
  await form.getByLabel("Role").selectOption("sales");
  await form.getByRole("button", { name: "Add account" }).click();
  await expect(form.getByRole("status")).toHaveText(`${email} can now sign in as sales.`);
  const row = table.locator(`tr[data-email="${email}"]`);
  await expect(row).toContainText("Nurlan New");
  await expect(row).toContainText("active");

  // Adding the same email again is refused in the server's words.
  await form.getByLabel("Name").fill("Twin");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password (8+ characters)").fill("sales-password-1");
  await form.getByRole("button", { name: "Add account" }).click();
  await expect(form.getByRole("alert")).toContainText("already exists");

  const ctx = await browser.newContext({ baseURL: env.base });
  const salesPage = await ctx.newPage();
  await loginUi(salesPage, email, "sales-password-1");
  await expect(salesPage.getByText("Active users")).toBeVisible(); // the overview has loaded

  await row.getByRole("button", { name: `Disable ${email}` }).click();
  await expect(row).toContainText("disabled");
  // The disabled person's open panel is sent back to the login page on its next request.
  await salesPage.getByRole("link", { name: "Users" }).click();
  await salesPage.getByPlaceholder("Email or phone (min 3 chars)...").fill("anything");
  await salesPage.getByPlaceholder("Email or phone (min 3 chars)...").press("Enter");
  await expect(salesPage.getByText("Your session has ended. Please log in again.")).toBeVisible();
  await tryLogin(salesPage, email, "sales-password-1");
  await expect(salesPage.getByRole("alert")).toContainText("disabled");

  await row.getByRole("button", { name: `Enable ${email}` }).click();
  await expect(row).toContainText("active");
  await tryLogin(salesPage, email, "sales-password-1");
  await expect(salesPage.getByRole("navigation", { name: "Sections" })).toBeVisible();
  await ctx.close();
});
