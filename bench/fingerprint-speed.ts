/**
 * What error grouping adds to ingest, in CPU: fingerprinting (stack parse, message normalisation,
 * hash) of error events, as storeEventGroup does before its insert.
 * Run: npx tsx bench/fingerprint-speed.ts [events=20000]
 */
import type { AcceptedEvent } from "../packages/core/src/index.ts";
import { draftIssues } from "../packages/store/src/issues-write.ts";

const COUNT = Number(process.argv[2] ?? 20_000);
const stack = (i: number) => `TypeError: Cannot read properties of null (reading 'play')
    at Player.start (https://app.example.com/static/js/main.3f2a9c1b.js:${10 + (i % 7)}:15)
    at https://app.example.com/node_modules/react-dom/cjs/react-dom.production.js:1:1
    at loadLesson (https://app.example.com/static/js/lesson.3f2a9c1b.js:44:7)
    at Array.forEach (<anonymous>)
    at commitRoot (https://app.example.com/node_modules/react-dom/cjs/react-dom.production.js:9:9)`;
const events: AcceptedEvent[] = Array.from({ length: COUNT }, (_, i) => ({
  event_id: crypto.randomUUID(),
  user_id: `u${i % 300}`,
  user: null,
  event_type: "CLIENT_ERROR",
  event_category: "error",
  message: `TypeError: video ${i} for user${i}@example.com is null (session a8Fk29dkK3kq0PzL${i})`,
  metadata: { stack: stack(i), userAgent: "Mozilla/5.0", url: `https://app.example.com/lesson/${i}?t=${i}` },
  severity: "error",
  created_at: new Date(),
}));
draftIssues(events.slice(0, 1000)); // warm-up
const t0 = performance.now();
const drafts = draftIssues(events);
const ms = performance.now() - t0;
const groups = new Set([...drafts.values()].map((d) => d.id)).size;
console.log(
  `${COUNT} error events fingerprinted in ${ms.toFixed(0)} ms: ${((ms * 1000) / COUNT).toFixed(1)} µs per event; ${groups} group(s)`,
);
