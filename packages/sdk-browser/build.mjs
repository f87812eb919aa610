// Builds the ES module and the <script> (IIFE) bundles, prints their minified+gzipped size and
// fails when the <script> bundle is over the 5 KB budget the README promises.
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export const BUDGET = 5 * 1024;
const dir = new URL("./", import.meta.url).pathname;

/** Builds both bundles; returns their gzipped sizes in bytes. */
export async function buildSdk() {
  const common = {
    entryPoints: [`${dir}src/index.ts`],
    bundle: true,
    minify: true,
    target: "es2019",
    write: false,
  };
  const outs = {
    "dist/usertrail.mjs": await build({ ...common, format: "esm" }),
    "dist/usertrail.min.js": await build({ ...common, format: "iife", globalName: "usertrail" }),
  };
  const { mkdirSync, writeFileSync } = await import("node:fs");
  mkdirSync(`${dir}dist`, { recursive: true });
  const sizes = {};
  for (const [file, result] of Object.entries(outs)) {
    const code = result.outputFiles[0].contents;
    writeFileSync(`${dir}${file}`, code);
    sizes[file] = { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
  }
  return sizes;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const sizes = await buildSdk();
  let over = false;
  for (const [file, s] of Object.entries(sizes)) {
    console.log(`${file}: ${s.min} B minified, ${s.gzip} B gzipped (budget ${BUDGET} B)`);
    if (s.gzip > BUDGET) over = true;
  }
  if (over) {
    console.error("@usertrail/browser is over its 5 KB gzipped budget");
    process.exit(1);
  }
}
