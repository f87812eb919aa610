/**
 * Events as the real SDKs (11.12) sent them to a capture server, trimmed of noise; unit tests map
 * these so that the mapping is checked against real shapes, not guessed ones.
 */
export const NODE_EXCEPTION = {
  exception: {
    values: [
      {
        type: "TypeError",
        value: "boom here",
        stacktrace: {
          frames: [
            {
              filename: "node:internal/modules/run_main",
              module: "run_main",
              function: "asyncRunEntryPointWithESMLoader",
              lineno: 117,
              colno: 5,
              in_app: false,
            },
            {
              filename: "/srv/app.mjs",
              module: "app",
              function: "handler",
              lineno: 6,
              colno: 13,
              in_app: true,
              pre_context: ["import * as Sentry from '@sentry/node';"],
              context_line:
                'try { throw new TypeError("boom here"); } catch (e) { Sentry.captureException(e); }',
              post_context: ["await Sentry.flush(3000);"],
            },
          ],
        },
        mechanism: { type: "generic", handled: true },
      },
    ],
  },
  event_id: "dae7d382844c4f7187f9b28fdd96671d",
  level: "error",
  platform: "node",
  contexts: {
    trace: { trace_id: "a7ce53adec7c4d4797f11dc23ea8010a", span_id: "94eeed9b665f5adf" },
    runtime: { name: "node", version: "v20.20.2" },
    os: { kernel_version: "6.18.44", name: "Debian", version: "12.11" },
    culture: { locale: "en-US", timezone: "UTC" },
  },
  server_name: "vm",
  timestamp: 1764139314.268,
  environment: "production",
  release: "api@1.4.2",
  tags: { route: "/lessons/:id" },
  sdk: { name: "sentry.javascript.node", version: "11.12.0" },
  user: { id: "user-42", email: "ann@example.com" },
  breadcrumbs: [{ timestamp: 1764139314.256, category: "auth", message: "signed in", level: "info" }],
  modules: { tsx: "^4.23.15" },
};

export const NODE_MESSAGE = {
  event_id: "267353abe13c4b9187f83d4bde79675a",
  level: "warning",
  exception: {
    values: [
      {
        value: "Homework uploaded",
        stacktrace: {
          frames: [{ filename: "/srv/app.mjs", function: "?", lineno: 5, colno: 8, in_app: true }],
        },
        mechanism: { type: "generic", handled: true, synthetic: true },
      },
    ],
  },
  message: "Homework uploaded",
  platform: "node",
  contexts: { runtime: { name: "node", version: "v20.20.2" } },
  timestamp: 1764139314.26,
  sdk: { name: "sentry.javascript.node", version: "11.12.0" },
  user: { id: "user-42", email: "ann@example.com" },
};

export const BROWSER_EXCEPTION = {
  exception: {
    values: [
      {
        type: "RangeError",
        value: "bad range",
        stacktrace: {
          frames: [
            { filename: "http://127.0.0.1:33029/", function: "?", in_app: true, lineno: 7, colno: 11 },
            { filename: "http://127.0.0.1:33029/", function: "inner", in_app: true, lineno: 6, colno: 30 },
          ],
        },
        mechanism: { type: "generic", handled: true },
      },
    ],
  },
  level: "error",
  event_id: "799419f4d4e349a1993e6a847efdd626",
  platform: "javascript",
  request: {
    url: "http://127.0.0.1:33029/",
    headers: {
      "User-Agent":
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
    },
  },
  contexts: {
    trace: { trace_id: "248e148f2b5149718088f885f82052a3", span_id: "bf089fa0828fe2f9" },
    culture: { locale: "en-US", timezone: "UTC", calendar: "gregory" },
  },
  timestamp: 1764139328.135,
  environment: "production",
  sdk: { name: "sentry.javascript.browser", version: "11.12.0", settings: { infer_ip: "auto" } },
  user: { id: "user-7", email: "b@example.com" },
  breadcrumbs: [
    { timestamp: 1764139328.092, category: "ui", message: "clicked" },
    {
      timestamp: 1764139328.127,
      category: "sentry.event",
      event_id: "d5bdc0ef490240b6b4c6d2346f7113b6",
      level: "info",
      message: "hello from page",
    },
  ],
};

/** The browser SDK's captureMessage without attachStacktrace: no exception at all. */
export const BROWSER_MESSAGE = {
  message: "hello from page",
  level: "info",
  event_id: "d5bdc0ef490240b6b4c6d2346f7113b6",
  platform: "javascript",
  request: { url: "http://127.0.0.1:33029/", headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)" } },
  timestamp: 1764139328.124,
  sdk: { name: "sentry.javascript.browser", version: "11.12.0" },
  user: { id: "user-7", email: "b@example.com" },
};

/** Builds an envelope body from a header and [item header, payload] pairs, with or without lengths. */
export function envelope(
  header: Record<string, unknown>,
  items: Array<[Record<string, unknown>, unknown]>,
  withLength = true,
): Buffer {
  const parts: Buffer[] = [Buffer.from(`${JSON.stringify(header)}\n`)];
  for (const [itemHeader, payload] of items) {
    const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
    const head = withLength ? { ...itemHeader, length: bytes.length } : itemHeader;
    parts.push(Buffer.from(`${JSON.stringify(head)}\n`), bytes, Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}
