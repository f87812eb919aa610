import { describe, expect, it } from "vitest";
import { extractPublicKey, keyFromAuthHeader, keyFromDsn, keyMatches } from "../../src/sentry/auth.ts";

describe("public key extraction", () => {
  it("reads the key from each place an SDK puts it, query first", () => {
    expect(extractPublicKey({ query: "q1", sentryAuth: "Sentry sentry_key=h1" })).toBe("q1");
    expect(
      extractPublicKey({ sentryAuth: "Sentry sentry_version=7, sentry_key=h1, sentry_client=x/1" }),
    ).toBe("h1");
    expect(extractPublicKey({ authorization: "Sentry sentry_key=a1,sentry_secret=s" })).toBe("a1");
    expect(extractPublicKey({ dsn: "http://d1@localhost:3000/1" })).toBe("d1");
    expect(extractPublicKey({ dsn: "https://d2:secret@example.com/path/1" })).toBe("d2");
    expect(extractPublicKey({ query: ["first", "second"] })).toBe("first");
  });

  it("returns undefined for missing or malformed sources", () => {
    expect(extractPublicKey({})).toBeUndefined();
    expect(extractPublicKey({ query: "", sentryAuth: "Bearer abc", dsn: "not a url" })).toBeUndefined();
    expect(keyFromAuthHeader("Sentry sentry_version=7")).toBeUndefined();
    expect(keyFromAuthHeader("Sentry sentry_key=")).toBeUndefined();
    expect(keyFromAuthHeader(42)).toBeUndefined();
    expect(keyFromDsn("http://localhost/1")).toBeUndefined();
    expect(keyFromDsn({ dsn: "x" })).toBeUndefined();
    expect(extractPublicKey({ query: "k".repeat(300) })).toBeUndefined();
  });

  it("compares keys in constant time, refusing empty ones", () => {
    expect(keyMatches("abc", "abc")).toBe(true);
    expect(keyMatches("abd", "abc")).toBe(false);
    expect(keyMatches("abcd", "abc")).toBe(false);
    expect(keyMatches(undefined, "abc")).toBe(false);
    expect(keyMatches("", "")).toBe(false);
  });
});
