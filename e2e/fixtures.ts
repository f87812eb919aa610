import { randomUUID } from "node:crypto";
import { test as base, expect, type Page } from "@playwright/test";

/** Where global-setup started the server, and its secrets. */
export const env = {
  get base() {
    return need("E2E_BASE_URL");
  },
  get adminEmail() {
    return need("E2E_ADMIN_EMAIL");
  },
  get adminPassword() {
    return need("E2E_ADMIN_PASSWORD");
  },
  get ingestKey() {
    return need("E2E_INGEST_KEY");
  },
  get publicKey() {
    return need("E2E_PUBLIC_KEY");
  },
};

function need(name: string): string {
  const v = process.env[name];
  if (!v)
    throw new Error(`${name} is not set; run through playwright.config.ts so global-setup starts the server`);
  return v;
}

export interface EventInput {
  event_id?: string;
  user_id: string;
  user?: { email?: string; phone?: string; full_name?: string };
  event_type: string;
  event_category?: string;
  message: string;
  metadata?: Record<string, unknown>;
  severity?: string;
  created_at?: string;
}

/** Sends events through the real ingest route, as a host app's backend would. */
export async function ingest(events: EventInput[]): Promise<{ stored: number; rejected: number }> {
  const res = await fetch(`${env.base}/api/events`, {
    method: "POST",
    headers: { Authorization: `Bearer ${env.ingestKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ events }),
  });
  const body = (await res.json()) as { stored: number; rejected: number };
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** A bearer token for the admin, for setting up data through the staff API. */
export async function adminToken(): Promise<string> {
  const res = await fetch(`${env.base}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: env.adminEmail, password: env.adminPassword }),
  });
  if (res.status !== 200) throw new Error(`admin login answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** Calls a staff route as the admin and returns status and body. */
export async function asAdmin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${env.base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${await adminToken()}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

/** Creates a staff (or student) account and returns its id and credentials. */
export async function createAccount(role: "admin" | "sales" | "student", name = `${role} ${tag()}`) {
  const email = `${role}-${tag()}@e2e.test`;
  const password = `pw-${randomUUID()}`;
  const res = await asAdmin("POST", "/api/staff", { email, password, name, role });
  if (res.status !== 201)
    throw new Error(`POST /api/staff answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { id: String(res.body?.id), email, password, name };
}

/** A short unique tag so parallel tests never see each other's users. */
export function tag(): string {
  return randomUUID().slice(0, 8);
}

/** A new tracked student: id, email, phone and name that only this test uses. */
export function student(name = "Student") {
  const t = tag();
  const digits = String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
  return {
    id: `e2e-${t}`,
    email: `${name.toLowerCase().replace(/\W+/g, ".")}.${t}@school.test`,
    phone: `+7 (701) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`,
    full_name: `${name} ${t}`,
  };
}

/** Logs in through the login form. */
export async function loginUi(page: Page, email = env.adminEmail, password = env.adminPassword) {
  await page.goto("/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Sections" })).toBeVisible();
}

/** Logs the browser context in through the API (same cookie as the form sets), then opens `path`. */
export async function openAsAdmin(page: Page, path = "/") {
  const res = await page.request.post("/api/auth/login", {
    data: { email: env.adminEmail, password: env.adminPassword },
  });
  expect(res.status()).toBe(200);
  await page.goto(path);
  await expect(page.getByRole("navigation", { name: "Sections" })).toBeVisible();
}

/** Searches on the Users tab and opens the one result matching `text`. */
export async function selectUser(page: Page, query: string, text: string) {
  await page.getByPlaceholder("Email or phone (min 3 chars)...").fill(query);
  await page.getByPlaceholder("Email or phone (min 3 chars)...").press("Enter");
  await page
    .getByRole("list", { name: "Search results" })
    .getByRole("button", { name: new RegExp(text) })
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(text);
}

/** Every test gets the server's address as its baseURL, so `page.goto("/users")` works. */
export const test = base.extend({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern
  baseURL: async ({}, use) => {
    await use(env.base);
  },
});

export { expect };
