import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (file: string) => readFileSync(new URL(file, import.meta.url), "utf8");
/** The lines a fixture runs between its snippet markers. */
const region = (file: string) => {
  const s = read(file);
  return s.slice(s.indexOf("// snippet:start\n") + 17, s.indexOf("// snippet:end"));
};

describe("README", () => {
  for (const fixture of ["node-snippet.ts", "fastify-app.ts", "express-app.ts"]) {
    it(`shows exactly the lines that fixtures/${fixture} runs, in at most ten lines`, () => {
      const lines = region(`./fixtures/${fixture}`);
      expect(read("../README.md")).toContain(`\`\`\`ts\n${lines}\`\`\``);
      expect(lines.trimEnd().split("\n").length).toBeLessThanOrEqual(10);
    });
  }
});
