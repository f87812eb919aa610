// The browser SDK in real Chromium pages served on loopback, sending to a usertrail server.
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type HealthEntry,
  type LogEntry,
  startUsertrail,
  type Usertrail,
} from "../../sdk-core/test/support/usertrail.ts";
import { BUDGET, buildSdk } from "../build.ts";
import { type PageServer, startPages } from "./page-server.ts";

let ut: Usertrail;
let pages: PageServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  await buildSdk();
  ut = await startUsertrail();
  pages = await startPages({ endpoint: ut.endpoint, publicKey: ut.publicKey });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await ut?.destroy();
});

/** Opens a fresh page (own context, so its own localStorage). */
async function open(path = "/") {
  const context = await browser.newContext();
  page = await context.newPage();
  pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(`${pages.url}${path}`);
  return page;
}
afterEach(() => page?.context().close());

/** Waits until the user's log has an entry matching `pred`. */
async function waitForLog(userId: string, pred: (l: LogEntry) => boolean, ms = 30_000): Promise<LogEntry> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const hit = (await ut.events(userId).catch(() => [])).find(pred);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(
    `no matching log for ${userId}: ${JSON.stringify(await ut.events(userId).catch(() => []))}`,
  );
}

type Crumbs = Array<{ type: string; message: string }>;

describe("browser SDK in Chromium", { timeout: 90_000 }, () => {
  it("logs an uncaught error with stack, page, browser, email and breadcrumbs", async () => {
    await open();
    await page.evaluate(() => {
      history.pushState({}, "", "/lessons/3");
      console.error("player buffer empty");
    });
    await page.click("#play");
    const log = await waitForLog("42", (l) => l.message.includes("Video player crashed"));
    expect(log).toMatchObject({
      event_type: "CLIENT_ERROR",
      event_category: "error",
      severity: "error",
      message: "Error: Video player crashed",
      metadata: { source: "onerror", url: `${pages.url}/lessons/3`, userEmail: "ann@example.com" },
    });
    expect(log.metadata.stack).toContain("playLesson");
    expect(log.metadata.userAgent).toContain("Chrome");
    const crumbs = log.metadata.breadcrumbs as Crumbs;
    expect(crumbs.map((c) => c.type)).toEqual(["navigation", "console", "click"]);
    expect(crumbs[0]?.message).toBe(`${pages.url}/ -> ${pages.url}/lessons/3`);
    expect(crumbs[1]?.message).toBe("player buffer empty");
    expect(crumbs[2]?.message).toBe('button#play.btn.primary "Play lesson"');
    expect(pageErrors).toEqual(["Video player crashed"]); // the page still sees its own error
  });

  it("logs an unhandled promise rejection", async () => {
    await open();
    await page.click("#pay");
    await page.evaluate(() => {
      async function submitHomework() {
        throw new TypeError("Homework upload failed");
      }
      void submitHomework();
    });
    const log = await waitForLog("42", (l) => l.message.includes("Homework upload failed"));
    expect(log).toMatchObject({
      event_type: "CLIENT_ERROR",
      message: "TypeError: Homework upload failed",
      metadata: { source: "unhandledrejection" },
    });
    expect(log.metadata.stack).toContain("submitHomework");
    expect((log.metadata.breadcrumbs as Crumbs).at(-1)).toMatchObject({
      type: "click",
      message: 'button#pay "Pay"',
    });
  });

  it("logs failed fetch and XHR calls (5xx and network errors) with the caller's stack; 4xx only as breadcrumbs", async () => {
    await open();
    await page.evaluate(async () => {
      await fetch("/api/forbidden");
      async function loadLessons() {
        return fetch("/api/broken", { method: "POST" });
      }
      const r = await loadLessons();
      if (r.status !== 500) throw new Error("the wrapped fetch must return the real response");
      await fetch("http://127.0.0.1:9/refused").catch(() => undefined);
      // Requests the app cancels itself are not failures.
      const ctl = new AbortController();
      const cancelled = fetch("/api/broken?slow", { signal: ctl.signal }).catch((e) => e.name);
      ctl.abort();
      if ((await cancelled) !== "AbortError")
        throw new Error("the wrapped fetch must reject as the real one does");
      const x = new XMLHttpRequest();
      x.open("GET", "/api/broken?aborted");
      x.send();
      x.abort();
      await new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open("GET", "/api/broken");
        x.onloadend = resolve;
        x.send();
      });
    });
    const failed = await waitForLog(
      "42",
      (l) => l.message === "RequestError: POST /api/broken failed with 500",
    );
    expect(failed).toMatchObject({
      event_type: "CLIENT_ERROR",
      metadata: { source: "request", context: { method: "POST", status: 500, url: "/api/broken" } },
    });
    // The stack starts where the app called fetch, not inside the SDK.
    expect(String(failed.metadata.stack).split("\n").slice(0, 2)).toEqual([
      "RequestError: POST /api/broken failed with 500",
      expect.stringContaining("at loadLessons"),
    ]);
    expect((failed.metadata.breadcrumbs as Crumbs).map((c) => c.message)).toEqual([
      "GET /api/forbidden 403",
      "POST /api/broken 500",
    ]);
    await waitForLog(
      "42",
      (l) => l.message === "RequestError: GET http://127.0.0.1:9/refused failed (network error)",
    );
    await waitForLog("42", (l) => l.message === "RequestError: GET /api/broken failed with 500");
    const all = await ut.events("42");
    expect(all.some((l) => l.message.includes("/api/forbidden"))).toBe(false);
    expect(JSON.stringify(all)).not.toContain("?slow");
    expect(JSON.stringify(all)).not.toContain("?aborted");
  });

  it("sends each event to the right user, scrubs secrets, runs beforeSend and drops duplicates", async () => {
    await open();
    const stats = await page.evaluate(async () => {
      const ut = (window as unknown as { usertrail: typeof import("../src/index.ts") }).usertrail;
      ut.setUser({ id: "43", email: "bob@example.com" });
      ut.track("LESSON_COMPLETE", "Finished lesson 3", { lessonId: 3 });
      ut.captureException(new Error("Payment failed"), {
        password: "hunter2",
        cardNumber: "4111 1111 1111 1111",
        note: "paid with 4111 1111 1111 1111",
      });
      for (let i = 0; i < 3; i++) ut.captureException(new Error("Same error"));
      ut.init({
        endpoint: "ignored",
        publicKey: "ignored",
        user: { id: "43" },
        beforeSend: (e) =>
          e.message.includes("secret plan") ? null : { ...e, message: `${e.message} [checked]` },
      });
      ut.track("SECRET_PLAN", "secret plan");
      ut.track("VIDEO_VIEW", "Lesson 4 video");
      ut.setUser(null);
      ut.track("LOGOUT");
      await ut.flush();
      return ut.getStats();
    });
    expect(stats).toMatchObject({ queued: 0, dropped: { duplicate: 2, before_send: 1, no_user: 1 } });
    const logs = await ut.events("43");
    expect(logs.map((l) => l.message).sort()).toEqual([
      "Error: Payment failed",
      "Error: Same error",
      "Finished lesson 3",
      "Lesson 4 video [checked]",
    ]);
    const payment = logs.find((l) => l.message === "Error: Payment failed");
    expect(payment?.metadata.context).toEqual({
      password: "[Filtered]",
      cardNumber: "[Filtered]",
      note: "paid with [Filtered]",
    });
    expect(logs.find((l) => l.event_type === "LESSON_COMPLETE")?.metadata).toEqual({ lessonId: 3 });
    expect(JSON.stringify(await ut.events("42"))).not.toContain("Payment failed");
  });

  it("sends an error from before sign-in to system health, since it has no user", async () => {
    await open();
    await page.evaluate(() => {
      const ut = (window as unknown as { usertrail: typeof import("../src/index.ts") }).usertrail;
      ut.setUser(null);
      ut.captureException(new Error("Crash on the sign-in page"), { step: "password" });
    });
    const until = Date.now() + 20_000;
    let hit: HealthEntry | undefined;
    while (!hit && Date.now() < until) {
      hit = (await ut.health()).find((h) => h.message.includes("Crash on the sign-in page"));
      if (!hit) await new Promise((r) => setTimeout(r, 200));
    }
    expect(hit, JSON.stringify(await ut.health())).toBeDefined();
    expect(hit?.source).toBe("client");
    expect(JSON.stringify(hit?.metadata)).toContain("Crash on the sign-in page"); // the stack
  });

  it("never throws into the page, whatever it is given", async () => {
    await open();
    const result = await page.evaluate(() => {
      const ut = (window as unknown as { usertrail: Record<string, (...a: unknown[]) => unknown> }).usertrail;
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const calls: Array<[string, unknown[]]> = [
        ["init", [null]],
        ["init", [{ endpoint: 42 }]],
        ["setUser", ["not an object"]],
        ["track", [null, cyclic, Symbol("x"), "nonsense"]],
        [
          "track",
          [
            {
              toString: () => {
                throw new Error("x");
              },
            },
          ],
        ],
        ["captureException", [undefined]],
        ["captureException", [cyclic, cyclic]],
        [
          "captureException",
          [
            new Proxy(
              {},
              {
                get: () => {
                  throw new Error("trap");
                },
              },
            ),
          ],
        ],
      ];
      const thrown: string[] = [];
      for (const [name, args] of calls) {
        try {
          ut[name]?.(...args);
        } catch (e) {
          thrown.push(`${name}: ${e}`);
        }
      }
      return thrown;
    });
    expect(result).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("hands queued events to sendBeacon when the page goes away", async () => {
    await open();
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error("Crash just before leaving");
      });
    });
    await page.waitForFunction(() =>
      Object.values(localStorage).some((v) => v.includes("just before leaving")),
    );
    // Leave before the batch timer fires: only the beacon (?key=, text/plain body) can deliver it.
    await page.goto("about:blank");
    const log = await waitForLog("42", (l) => l.message === "Error: Crash just before leaving");
    expect(log.metadata.source).toBe("onerror");
  });

  it("the ES module build runs the README's module lines", async () => {
    await open("/module");
    const log = await waitForLog("42", (l) => l.message === "Finished lesson 3");
    expect(log).toMatchObject({
      event_type: "LESSON_COMPLETE",
      event_category: "content",
      metadata: { lessonId: 3 },
    });
  });

  it("keeps events across a reload while the server is down, and delivers them when it is back", async () => {
    await open();
    const { port, dataDir } = ut;
    await ut.stop();
    await page.click("#play");
    await page.evaluate(() => {
      void Promise.reject(new Error("Offline rejection"));
    });
    await page.waitForFunction(() =>
      (localStorage.getItem(Object.keys(localStorage)[0] ?? "") ?? "").includes("Offline rejection"),
    );
    await page.reload();
    // The new page found the stored events and keeps retrying them.
    expect(await page.evaluate(() => JSON.stringify(localStorage))).toContain("Video player crashed");
    ut = await startUsertrail({ dataDir, port });
    const crash = await waitForLog("42", (l) => l.message === "Error: Video player crashed", 40_000);
    await waitForLog("42", (l) => l.message === "Error: Offline rejection", 40_000);
    expect(crash.metadata.stack).toContain("playLesson");
    await page.waitForFunction(() => Object.values(localStorage).every((v) => v === "[]"), undefined, {
      timeout: 20_000,
    });
  }, 180_000);
});

describe("size budget", () => {
  it("both builds are under 5 KB minified and gzipped", async () => {
    const sizes = await buildSdk();
    for (const s of Object.values(sizes)) expect(s.gzip).toBeLessThanOrEqual(BUDGET);
  });
});
