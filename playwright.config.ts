import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests of the Debug Panel: a real server (spawned by e2e/global-setup.ts on a free
 * port with a fresh embedded database) driven by Debian's Chromium. Two projects: `e2e` holds the
 * tests; `screenshots` only refreshes docs/screenshot-*.png (`npm run screenshots`).
 */
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  workers: 2,
  fullyParallel: true,
  forbidOnly: true,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    locale: "en-US",
    timezoneId: "UTC",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "e2e", testMatch: /.*\.spec\.ts$/ },
    { name: "screenshots", testMatch: /.*\.shots\.ts$/ },
  ],
});
