import { expect, it } from "vitest";
import { isCalendarDay } from "../src/calendar.ts";

it("knows which days exist: month lengths, leap years, and nonsense months and days", () => {
  const days: [string, boolean][] = [
    ["2025-01-01T00:00:00Z", true],
    ["2025-02-28", true],
    ["2025-02-29", false],
    ["2024-02-29T23:59:59+05:00", true],
    ["2100-02-29", false],
    ["2000-02-29", true],
    ["2025-04-30", true],
    ["2025-04-31", false],
    ["2025-12-31", true],
    ["2025-13-01", false],
    ["2025-00-10", false],
    ["2025-01-00", false],
    ["2025-1-01", false],
    ["yesterday", false],
  ];
  for (const [value, exists] of days) expect(isCalendarDay(value), value).toBe(exists);
});
