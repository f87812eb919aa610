import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (file: string) => readFileSync(new URL(file, import.meta.url), "utf8");
/** The lines a fixture page runs between its snippet markers. */
const region = (file: string, start: string, end: string) => {
  const s = read(file);
  return s.slice(s.indexOf(start) + start.length, s.indexOf(end));
};

describe("README", () => {
  const cases = [
    ["html", region("./fixtures/page.html", "<!-- snippet:start -->\n", "<!-- snippet:end -->")],
    ["js", region("./fixtures/module.html", "// snippet:start\n", "// snippet:end")],
  ] as const;
  for (const [lang, lines] of cases) {
    it(`shows exactly the ${lang} lines the test page runs, in at most ten lines`, () => {
      expect(read("../README.md")).toContain(`\`\`\`${lang}\n${lines}\`\`\``);
      expect(lines.trimEnd().split("\n").length).toBeLessThanOrEqual(10);
    });
  }
});
