// Builds the ES module and the <script> (IIFE) bundles, prints their minified+gzipped size and
// fails when either is over the 5 KB budget the README promises. Run: npm run build -w @usertrail/browser
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type BuildOptions, build } from "esbuild";

export const BUDGET = 5 * 1024;
const dir = fileURLToPath(new URL("./", import.meta.url));

/** Builds both bundles into dist/; returns each one's minified and gzipped size in bytes. */
export async function buildSdk(): Promise<Record<string, { min: number; gzip: number }>> {
  const common: BuildOptions & { write: false } = {
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
  mkdirSync(`${dir}dist`, { recursive: true });
  const sizes: Record<string, { min: number; gzip: number }> = {};
  for (const [file, result] of Object.entries(outs)) {
    const code = result.outputFiles?.[0]?.contents ?? new Uint8Array();
    writeFileSync(`${dir}${file}`, code);
    sizes[file] = { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildSdk();
  let over = false;
  for (const [file, s] of Object.entries(sizes)) {
    console.log(`@usertrail/browser ${file}: ${s.min} B minified, ${s.gzip} B gzipped (budget ${BUDGET} B)`);
    if (s.gzip > BUDGET) over = true;
  }
  if (over) {
    console.error("@usertrail/browser is over its 5 KB gzipped budget");
    process.exit(1);
  }
}
