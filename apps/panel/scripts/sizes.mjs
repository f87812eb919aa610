// Prints every built chunk with its gzip size, and fails the build when the JavaScript the
// login page needs (the entry chunk and everything it imports statically) passes the budget.
// Run after `vite build`; reads dist/.vite/manifest.json to tell eager chunks from lazy ones.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 150;
const dist = join(import.meta.dirname, "..", "dist");
const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));
const kb = (n) => (n / 1024).toFixed(2).padStart(8);
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

// Walk static imports from the entry: that is what the browser loads before anyone logs in.
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entryKey) throw new Error("no entry in the Vite manifest; was the build run with manifest: true?");
const eager = new Set();
const eagerCss = new Set();
const walk = (key) => {
  const chunk = manifest[key];
  if (!chunk || eager.has(chunk.file)) return;
  eager.add(chunk.file);
  for (const css of chunk.css ?? []) eagerCss.add(css);
  for (const imp of chunk.imports ?? []) walk(imp);
};
walk(entryKey);

const files = readdirSync(join(dist, "assets"))
  .map((name) => `assets/${name}`)
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => ({ f, raw: statSync(join(dist, f)).size, gzip: gz(f) }))
  .sort((a, b) => b.gzip - a.gzip);

console.log(`\n${"chunk".padEnd(44)}${"raw KB".padStart(8)}${"gzip KB".padStart(9)}  loaded`);
for (const { f, raw, gzip } of files) {
  const when = eager.has(f) || eagerCss.has(f) ? "at login" : "lazily (a tab)";
  console.log(`${f.padEnd(44)}${kb(raw)} ${kb(gzip)}  ${when}`);
}
const loginJs = files.filter((x) => eager.has(x.f)).reduce((a, x) => a + x.gzip, 0);
const loginCss = files.filter((x) => eagerCss.has(x.f)).reduce((a, x) => a + x.gzip, 0);
const html = gz("index.html");
console.log(
  `\nlogin page: ${(loginJs / 1024).toFixed(2)} KB JS + ${(loginCss / 1024).toFixed(2)} KB CSS + ${(html / 1024).toFixed(2)} KB HTML gzipped (JS budget ${BUDGET_KB} KB)`,
);
if (loginJs > BUDGET_KB * 1024) {
  console.error(
    `FAIL: the login page's JavaScript is ${(loginJs / 1024).toFixed(2)} KB gzipped, over ${BUDGET_KB} KB.`,
  );
  process.exit(1);
}
