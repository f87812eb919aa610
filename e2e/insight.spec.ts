import { expect, ingest, openAsAdmin, student, tag, test } from "./fixtures.ts";

const UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";

/** Three students hit one bug (different ids in the message, different builds); its stack is unique to this test. */
async function plantIssue() {
  const t = tag().replace(/\d/g, "x");
  const fn = `Checkout${t}.pay`;
  const stack = (build: string) => `TypeError: Cannot read properties of null (reading 'amount')
    at ${fn} (https://school.test/static/js/main.${build}.js:10:15)
    at https://school.test/node_modules/react-dom/index.js:1:1`;
  const students = [student("Issue"), student("Issue"), student("Issue")];
  const now = Date.now();
  await ingest(
    students.flatMap((s, i) => [
      {
        user_id: s.id,
        user: { email: s.email, full_name: s.full_name },
        event_type: "LOGIN",
        message: "Logged in",
        created_at: new Date(now - 60_000 * (10 - i)).toISOString(),
      },
      {
        user_id: s.id,
        event_type: "VIDEO_VIEW",
        message: `Watched lesson ${i + 1}`,
        created_at: new Date(now - 60_000 * (8 - i)).toISOString(),
      },
      {
        user_id: s.id,
        event_type: "CLIENT_ERROR",
        severity: "error",
        message: `TypeError: order ${1000 + i} of ${s.email} has no amount`,
        metadata: { stack: stack(`a1b2c3d${i}`), userAgent: UA, url: "https://school.test/pay?o=1" },
        created_at: new Date(now - 60_000 * (5 - i)).toISOString(),
      },
    ]),
  );
  return { students, fn };
}

test("the Issues view groups a bug, changes its status, lists its users and writes the bug report", async ({
  page,
  context,
}) => {
  const { students, fn } = await plantIssue();
  const title = "TypeError: order <n> of <email> has no amount";
  await openAsAdmin(page, "/issues?sort=last_seen");
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Issues" }).waitFor();
  const table = page.getByRole("table", { name: "Issues" });
  // Several tests may plant this title; ours is the one whose detail names our function.
  const row = table.locator("tr", { hasText: title }).first();
  await expect(row).toBeVisible();
  await expect(row.locator("td.num").nth(0)).toHaveText("3");
  await expect(row.locator("td.num").nth(1)).toHaveText("3");

  await row.getByRole("link", { name: title }).click();
  await expect(page).toHaveURL(/\/issues\/[0-9a-f]{20}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByRole("list", { name: "Top app frames" })).toContainText(fn);
  const users = page.getByRole("table", { name: "Users affected" });
  for (const s of students) await expect(users.getByRole("link", { name: s.full_name })).toBeVisible();

  // The bug report: one click, Markdown with counts, browser, OS, stack and the timeline.
  await page.getByRole("button", { name: "Bug report" }).click();
  const report = page.getByRole("textbox", { name: "Bug report Markdown" });
  await expect(report).toHaveValue(/# TypeError: order &lt;n&gt; of &lt;email&gt; has no amount/);
  const md = await report.inputValue();
  expect(md).toContain("**Occurrences:** 3");
  expect(md).toContain("**Users affected:** 3");
  expect(md).toContain("| Safari 17 | 3 |");
  expect(md).toContain("| macOS | 3 |");
  expect(md).toContain(`at ${fn} (https://school.test/static/js/main.`);
  expect(md).toContain("## What the user did before it broke");
  expect(md).toMatch(
    /\| LOGIN \| info \| Logged in \|[\s\S]*\| VIDEO_VIEW \|[\s\S]*\| CLIENT_ERROR \| error \|.*this error/,
  );
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy Markdown" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Copied|Copying is not allowed/ })).toBeVisible();

  // Resolve it: it leaves the open list and shows under Resolved.
  await page.getByRole("combobox", { name: `Status of ${title}` }).selectOption("resolved");
  await expect(page.getByRole("combobox", { name: `Status of ${title}` })).toHaveValue("resolved");
  const id = page.url().split("/").pop() as string;
  await page.getByRole("link", { name: "← All issues" }).click();
  await expect(page.locator(`tr[data-issue-id="${id}"]`)).toHaveCount(0);
  await page.getByRole("button", { name: "Resolved" }).click();
  await expect(page.locator(`tr[data-issue-id="${id}"]`)).toBeVisible();

  // A student's log links the error to its issue.
  await page.goto(`/users/${encodeURIComponent(students[0]?.id as string)}`);
  await page
    .getByRole("list", { name: "Activity log" })
    .getByRole("link", { name: "Issue", exact: true })
    .first()
    .click();
  await expect(page).toHaveURL(new RegExp(`/issues/${id}$`));
});

test("a student's page shows learning activity; Analytics shows the funnel and stalled students", async ({
  page,
}) => {
  const s = student("Learner");
  const now = Date.now();
  const at = (min: number) => new Date(now - min * 60_000).toISOString();
  await ingest([
    {
      user_id: s.id,
      user: { email: s.email, full_name: s.full_name },
      event_type: "LOGIN",
      message: "in",
      created_at: at(50),
    },
    { user_id: s.id, event_type: "VIDEO_VIEW", message: "v1", created_at: at(40) },
    { user_id: s.id, event_type: "VIDEO_VIEW", message: "v2", created_at: at(35) },
    { user_id: s.id, event_type: "HOMEWORK_SUBMIT", message: "hw", created_at: at(30) },
    { user_id: s.id, event_type: "LESSON_COMPLETE", message: "done", created_at: at(20) },
  ]);
  const quiet = student("Quiet");
  await ingest([
    {
      user_id: quiet.id,
      user: { email: quiet.email, full_name: quiet.full_name },
      event_type: "LOGIN",
      message: "in",
      created_at: new Date(now - 10 * 86_400_000).toISOString(),
    },
    {
      user_id: quiet.id,
      event_type: "API_ERROR",
      severity: "error",
      message: `Upload failed ${tag()}`,
      created_at: new Date(now - 10 * 86_400_000 + 60_000).toISOString(),
    },
  ]);
  await openAsAdmin(page, `/users/${encodeURIComponent(s.id)}`);
  const card = page.locator("section", { has: page.getByRole("heading", { name: /Learning activity/ }) });
  // The tab loads the chart library first; on a busy machine that takes a while.
  await expect(card.locator("dd").nth(0)).toHaveText("1", { timeout: 45_000 });
  await expect(card.locator("dd").nth(1)).toHaveText("2");
  await expect(card.locator("dd").nth(2)).toHaveText("1");
  await expect(card.locator(".recharts-bar").first()).toBeVisible();

  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Analytics" }).click();
  await expect(page.getByRole("heading", { name: "Daily active students" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Funnel steps" }).locator("li")).toHaveCount(5);
  await expect(
    page.getByRole("list", { name: "Stalled students" }).getByRole("link", { name: quiet.full_name }),
  ).toBeVisible();
});
