import { createServer, type Server } from "node:http";
import * as esbuild from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, type RunningServer, readmeSnippet, STARTUP_MS, startServer } from "./harness.ts";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Bundles the README's browser snippet with the real @sentry/browser, as an app's build would. */
async function bundle(code: string): Promise<string> {
  const built = await esbuild.build({
    stdin: { contents: code, resolveDir: REPO_ROOT, loader: "js" },
    bundle: true,
    format: "iife",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return built.outputFiles[0]?.text ?? "";
}

/** The host app: a page on its own origin (another port), so every Sentry request is cross-origin. */
function hostApp(script: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(script);
      return;
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end('<!doctype html><html><body><h1>Homework</h1><script src="/app.js"></script></body></html>');
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        server,
        url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`,
      });
    }),
  );
}

describe("the real @sentry/browser in Chromium, pointed at usertrail with only a DSN", () => {
  let usertrail: RunningServer;
  let browser: Browser;
  let host: { server: Server; url: string };

  beforeAll(async () => {
    usertrail = await startServer();
    host = await hostApp(await bundle(readmeSnippet("browser", usertrail.dsn)));
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  }, STARTUP_MS);
  afterAll(async () => {
    await browser?.close();
    host?.server.close();
    await usertrail?.close();
  });

  it("delivers the snippet's exception, message and breadcrumb, cross-origin as text/plain", async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await page.goto(host.url);
    // An uncaught error, which the SDK's global handler reports without any call from the app.
    await page.evaluate(() => {
      setTimeout(() => {
        throw new TypeError("Cannot read properties of undefined (reading 'grade')");
      });
    });

    const logs = await usertrail.waitForLogs("user-7", 3, (l) => l.event_type !== "USER_CREATED");
    const byMessage = Object.fromEntries(logs.map((l) => [l.message, l]));
    expect(Object.keys(byMessage).sort()).toEqual([
      "Error: Upload failed",
      "Homework form opened",
      "TypeError: Cannot read properties of undefined (reading 'grade')",
    ]);

    const upload = byMessage["Error: Upload failed"];
    expect(upload).toMatchObject({ event_type: "CLIENT_ERROR", event_category: "error", severity: "error" });
    const exception = upload?.metadata.exception.at(-1);
    expect(exception).toMatchObject({ type: "Error", value: "Upload failed" });
    expect(exception.stacktrace.frames.length).toBeGreaterThan(0);
    expect(exception.stacktrace.frames.at(-1).filename).toBe(`${host.url}app.js`);
    expect(upload?.metadata.breadcrumbs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: "ui", message: "Clicked Submit homework" }),
      ]),
    );
    expect(upload?.metadata).toMatchObject({ url: host.url, browser: expect.stringMatching(/^Chrome /) });
    expect(upload?.metadata.os).toMatch(/^Linux/);

    expect(byMessage["Homework form opened"]).toMatchObject({ event_type: "MESSAGE", severity: "warning" });

    const uncaught = byMessage["TypeError: Cannot read properties of undefined (reading 'grade')"];
    expect(uncaught).toMatchObject({ event_type: "CLIENT_ERROR", severity: "error" });
    expect(uncaught?.metadata.exception.at(-1).mechanism.handled).toBe(false);

    const posts = usertrail.requests.filter((r) => r.method === "POST");
    expect(posts.length).toBeGreaterThanOrEqual(3);
    expect(posts.every((r) => r.status === 200 && r.origin === host.url.slice(0, -1))).toBe(true);
    expect(posts.some((r) => r.contentType?.startsWith("text/plain"))).toBe(true);
    expect(consoleErrors.filter((e) => /CORS|blocked|usertrail|envelope/i.test(e))).toEqual([]);

    const { user } = await usertrail.staff("/api/tripwire/debug/user/user-7");
    expect(user.email).toBe("bo@example.com");
    await page.close();
  }, 120_000);

  it("passes a CORS preflight for the headers a traced browser app adds", async () => {
    const res = await fetch(`${usertrail.url}/api/1/envelope/`, {
      method: "OPTIONS",
      headers: {
        origin: "https://school.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, sentry-trace, baggage, x-sentry-auth",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://school.example");
    const allowed = res.headers.get("access-control-allow-headers") ?? "";
    for (const h of ["content-type", "sentry-trace", "baggage", "x-sentry-auth"])
      expect(allowed).toContain(h);
  });
});
