import type { AcceptedEvent } from "@usertrail/core";
import type { Queryable } from "./db.ts";
import type { IssueDraft } from "./issues-write.ts";

/**
 * The ingest fast path: COPY, PostgreSQL's bulk loader (multi-row heap inserts, no per-row executor
 * work), instead of a multi-row INSERT ... ON CONFLICT. COPY cannot skip duplicates, so one statement
 * first finds the ids already stored and bumps the counters for the others; COPY then writes those.
 * Should another process store one of the same ids in between, COPY fails on the unique index, the
 * transaction rolls back, and the writer retries (when that id is then seen as stored).
 */
export const LOG_COPY =
  "COPY user_activity_logs (event_id, user_id, event_type, event_category, message, metadata, severity, created_at, issue_id) FROM STDIN";

/** COPY's text format: backslash, tab, newline and carriage return escaped; NUL never gets here. */
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const copyText = (s: string) =>
  /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] as string) : s;

function copyLine(e: AcceptedEvent, issueId: string | undefined): string {
  const metadata = copyText(JSON.stringify(e.metadata));
  const issue = issueId ? copyText(issueId) : "\\N";
  return `${e.event_id}\t${copyText(e.user_id)}\t${e.event_type}\t${e.event_category}\t${copyText(e.message)}\t${metadata}\t${e.severity}\t${e.created_at.toISOString()}\t${issue}\n`;
}

/** Stores the events whose ids are new (of equal ids in the list, the first wins); returns those ids. */
export async function copyEvents(
  tx: Queryable,
  copyIn: NonNullable<Queryable["copyIn"]>,
  events: AcceptedEvent[],
  issues?: Map<string, IssueDraft>,
): Promise<Set<string>> {
  const firstById = new Map<string, AcceptedEvent>();
  for (const e of events) if (!firstById.has(e.event_id)) firstById.set(e.event_id, e);
  const unique = [...firstById.values()];
  const stored = await tx.query<{ event_id: string }>(
    `WITH e AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
         AS e(event_id, user_id, severity, created_at)
     ), stored AS (
       -- LIMIT keeps this a per-id index probe; as a plain EXISTS the planner may hash the whole table.
       SELECT e.event_id FROM e,
              LATERAL (SELECT 1 FROM user_activity_logs l WHERE l.event_id = e.event_id LIMIT 1) hit
     ), counts AS (
       INSERT INTO user_stats AS s (user_id, total_events, errors, critical, last_seen)
       SELECT user_id, count(*), count(*) FILTER (WHERE severity IN ('error', 'critical')),
              count(*) FILTER (WHERE severity = 'critical'), max(created_at)
         FROM e WHERE event_id NOT IN (SELECT event_id FROM stored)
        GROUP BY user_id ORDER BY user_id COLLATE "C"
       ON CONFLICT (user_id) DO UPDATE SET
         total_events = s.total_events + excluded.total_events,
         errors = s.errors + excluded.errors,
         critical = s.critical + excluded.critical,
         last_seen = greatest(s.last_seen, excluded.last_seen)
     )
     SELECT event_id::text AS event_id FROM stored`,
    [
      unique.map((e) => e.event_id),
      unique.map((e) => e.user_id),
      unique.map((e) => e.severity),
      unique.map((e) => e.created_at.toISOString()),
    ],
    { prepare: "ingest_claim_ids" },
  );
  for (const row of stored) firstById.delete(row.event_id);
  if (firstById.size === 0) return new Set();
  await copyIn(
    LOG_COPY,
    [...firstById.values()].map((e) => copyLine(e, issues?.get(e.event_id)?.id)).join(""),
  );
  return new Set(firstById.keys());
}
