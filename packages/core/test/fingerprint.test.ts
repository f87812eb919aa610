import { describe, expect, it } from "vitest";
import { fingerprintError, isAppFrame, normaliseMessage, parseStack, stableFile } from "../src/index.ts";

const CHROME = `TypeError: Cannot read properties of undefined (reading 'play')
    at VideoPlayer.start (https://app.example.com/static/js/main.3f2a9c1b.js:10:15)
    at https://cdn.jsdelivr.net/npm/hls.js@1/dist/hls.min.js:2:100
    at async loadLesson (https://app.example.com/static/js/lesson-Bx9k2a1f.js:44:7)
    at new Page (webpack:///src/page.tsx:3:1)
    at Array.forEach (<anonymous>)`;

const FIREFOX = `start@https://app.example.com/static/js/main.3f2a9c1b.js:10:15
@https://cdn.jsdelivr.net/npm/hls.js@1/dist/hls.min.js:2:100
loadLesson@https://app.example.com/static/js/lesson-Bx9k2a1f.js:44:7`;

const NODE = `Error: connect ECONNREFUSED 10.0.0.5:5432
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)
    at Pool.connect (/srv/app/node_modules/pg-pool/index.js:45:11)
    at saveHomework (/srv/app/src/homework/service.ts:88:20)
    at Object.handler (/srv/app/src/routes/homework.ts:31:5)`;

describe("normaliseMessage", () => {
  it("replaces ids, numbers, UUIDs, emails, query strings and hex", () => {
    expect(
      normaliseMessage(
        "User 550e8400-e29b-41d4-a716-446655440000 (anna@example.com) got 404 from https://api.x.io/v1/lessons/17?token=abc&x=1 at 0xdeadBEEF, hash 9f86d081884c7d65",
      ),
    ).toBe(
      "User <uuid> (<email>) got <n> from https://api.x.io/v<n>/lessons/<n>?<query> at <hex>, hash <hex>",
    );
    expect(normaliseMessage("session a8Fk29dkK3kq0PzL77xx expired")).toBe("session <id> expired");
    expect(normaliseMessage("first line\nsecond line")).toBe("first line");
  });
});

describe("parseStack", () => {
  it("reads Chrome/Node and Firefox/Safari formats", () => {
    const chrome = parseStack(CHROME);
    expect(chrome.map((f) => f.fn)).toEqual(["VideoPlayer.start", "<anonymous>", "loadLesson", "Page"]);
    expect(chrome[0]).toMatchObject({ line: 10, col: 15 });
    const firefox = parseStack(FIREFOX);
    expect(firefox.map((f) => [f.fn, f.line])).toEqual([
      ["start", 10],
      ["<anonymous>", 2],
      ["loadLesson", 44],
    ]);
  });

  it("keeps only app frames and file names that survive a redeploy", () => {
    const app = parseStack(NODE).filter(isAppFrame);
    expect(app.map((f) => f.fn)).toEqual(["saveHomework", "Object.handler"]);
    expect(stableFile("https://app.example.com/static/js/main.3f2a9c1b.js?v=2")).toBe("js/main.js");
    expect(stableFile("https://app.example.com/assets/index-BxY2_k9a.js")).toBe("assets/index.js");
    expect(stableFile("/srv/app/src/user-service.js")).toBe("src/user-service.js");
  });

  it("treats bundlers' vendor chunks as library code, so their inner frames do not split a group", () => {
    const frame = (file: string) => ({ fn: "runTask", file, line: 1, col: 1 });
    expect(isAppFrame(frame("https://learn.example.kz/assets/vendor-react.js"))).toBe(false);
    expect(isAppFrame(frame("https://app.example.com/js/vendors~main.chunk.js"))).toBe(false);
    expect(isAppFrame(frame("https://learn.example.kz/assets/VideoPlayer-1f2e3d4c.js"))).toBe(true);
    expect(isAppFrame(frame("https://app.example.com/js/vendorsettings.js"))).toBe(true);
  });

  it("takes hostile stacks and messages in bounded time", () => {
    const lines = [
      `    at ${" ".repeat(5000)}x`,
      `    at ${" (".repeat(5000)}`,
      "a@".repeat(5000),
      `at ${"1:".repeat(5000)}`,
      `at ${"a".repeat(20_000)}`,
    ];
    for (const line of lines) {
      const t0 = performance.now();
      fingerprintError({
        event_type: "CLIENT_ERROR",
        message: `http://x/${"a1.".repeat(3000)}@${"b".repeat(5000)}`,
        metadata: { stack: `${line}\n`.repeat(500) },
      });
      expect(performance.now() - t0, line.slice(0, 12)).toBeLessThan(1000);
    }
  });
});

describe("fingerprintError", () => {
  const event = (message: string, stack: string) => ({
    event_type: "CLIENT_ERROR",
    message,
    metadata: { stack },
  });

  it("groups one bug across users, ids and deploys", () => {
    const a = fingerprintError(event("TypeError: lesson 17 of user-42 failed", CHROME));
    const b = fingerprintError(
      event(
        "TypeError: lesson 9 of user-7 failed",
        CHROME.replaceAll("3f2a9c1b", "77aa01ff").replaceAll(":10:15", ":12:3"),
      ),
    );
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.type).toBe("TypeError");
    expect(a.title).toBe("TypeError: lesson <n> of user-<n> failed");
    expect(a.frames).toEqual([
      "VideoPlayer.start (js/main.js)",
      "loadLesson (js/lesson.js)",
      "Page (src/page.tsx)",
    ]);
  });

  it("Chrome and Firefox stacks of one bug agree on the frames the app owns", () => {
    const chrome = fingerprintError(event("TypeError: x", CHROME)).frames.slice(0, 1);
    const firefox = fingerprintError(event("TypeError: x", FIREFOX)).frames.slice(0, 1);
    expect(chrome[0]).toBe("VideoPlayer.start (js/main.js)");
    expect(firefox[0]).toBe("start (js/main.js)");
  });

  it("separates the same message thrown from different code", () => {
    const a = fingerprintError(event("Error: failed", NODE));
    const b = fingerprintError(event("Error: failed", NODE.replace("saveHomework", "loadHomework")));
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });

  it("separates different exception types with the same text", () => {
    const a = fingerprintError({ event_type: "API_ERROR", message: "TypeError: boom", metadata: {} });
    const b = fingerprintError({ event_type: "API_ERROR", message: "RangeError: boom", metadata: {} });
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(fingerprintError({ event_type: "API_ERROR", message: "HTTP 500", metadata: {} }).type).toBe(
      "API_ERROR",
    );
  });

  it("reads metadata.exception as a string, an Error-like object or Sentry's shape", () => {
    const asString = fingerprintError({ event_type: "X", message: "boom", metadata: { exception: NODE } });
    expect(asString.type).toBe("Error");
    expect(asString.frames[0]).toBe("saveHomework (homework/service.ts)");
    const errorLike = fingerprintError({
      event_type: "X",
      message: "boom",
      metadata: { exception: { name: "DatabaseError", message: "row 12 locked", stack: NODE } },
    });
    expect(errorLike.title).toBe("DatabaseError: row <n> locked");
    const sentry = fingerprintError({
      event_type: "X",
      message: "ignored",
      metadata: {
        exception: {
          values: [
            {
              type: "ValueError",
              value: "bad id 12",
              stacktrace: {
                frames: [
                  { filename: "app/main.py", function: "run", lineno: 1 },
                  { filename: "app/lib/site-packages/x.py", function: "inner", in_app: false },
                  { filename: "app/views.py", function: "submit", lineno: 9 },
                ],
              },
            },
          ],
        },
      },
    });
    expect(sentry.title).toBe("ValueError: bad id <n>");
    expect(sentry.frames).toEqual(["submit (app/views.py)", "run (app/main.py)"]);
  });

  it("survives junk metadata", () => {
    for (const metadata of [
      { stack: 5 },
      { exception: null },
      { exception: { values: "x" } },
      { error: [1] },
    ]) {
      expect(fingerprintError({ event_type: "E", message: "", metadata }).title).toBe("E: (no message)");
    }
  });
});
