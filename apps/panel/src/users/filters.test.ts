import { describe, expect, it } from "vitest";
import { filterProblem, filtersToApi, filtersToSearch, readFilters } from "./filters.ts";

const read = (qs: string) => readFilters(new URLSearchParams(qs));

describe("log filters in the URL", () => {
  it("round-trip through a readable query string", () => {
    const f = read(
      "types=LOGIN,API_ERROR&severity=error,critical&from=2026-01-10&to=2026-01-12&text=timeout",
    );
    expect(f).toEqual({
      types: ["LOGIN", "API_ERROR"],
      severity: ["error", "critical"],
      from: "2026-01-10",
      to: "2026-01-12",
      text: "timeout",
    });
    expect(filtersToSearch(f, { q: "anna" })).toBe(
      "?q=anna&types=LOGIN,API_ERROR&severity=error,critical&from=2026-01-10&to=2026-01-12&text=timeout",
    );
    expect(read(filtersToSearch(f).slice(1))).toEqual(f);
  });

  it("drop hostile or malformed values instead of passing them on", () => {
    const f = read(
      "types=<img src=x>,login,LOGIN,LOGIN,A%2CB&severity=nope,info,__proto__&from=yesterday&to=2026-13-99x&text=" +
        "y".repeat(500),
    );
    expect(f.types).toEqual(["LOGIN", "A", "B"]);
    expect(f.severity).toEqual(["info"]);
    expect(f.from).toBe("");
    expect(f.to).toBe("");
    expect(f.text).toHaveLength(200);
  });

  it("turn local days into an inclusive instant range and catch a reversed one", () => {
    const api = filtersToApi(read("from=2026-01-10&to=2026-01-10"));
    expect(Date.parse(api.endDate as string) - Date.parse(api.startDate as string)).toBe(86_400_000 - 1);
    expect(filtersToApi(read("")).eventType).toBeUndefined();
    expect(filterProblem(read("from=2026-01-11&to=2026-01-10"))).toMatch(/after the end/);
    expect(filterProblem(read("from=2026-01-10&to=2026-01-10"))).toBeNull();
  });
});
