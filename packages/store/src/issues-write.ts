import { createHash } from "node:crypto";
import { type AcceptedEvent, type ErrorFingerprint, fingerprintError, isGroupedError } from "@usertrail/core";
import type { Queryable } from "./db.ts";

/** An error event's group, computed before the insert so the log row can carry its id. */
export interface IssueDraft extends ErrorFingerprint {
  id: string;
}

/** The issue id: a short hash of the fingerprint, the same on every server and every run. */
export function issueIdOf(fingerprint: string): string {
  return createHash("sha256").update(fingerprint).digest("hex").slice(0, 20);
}

/** Fingerprints the error events of a group; other events get no entry. */
export function draftIssues(events: AcceptedEvent[]): Map<string, IssueDraft> {
  const drafts = new Map<string, IssueDraft>();
  for (const e of events) {
    if (!isGroupedError(e) || drafts.has(e.event_id)) continue;
    const fp = fingerprintError(e);
    drafts.set(e.event_id, { ...fp, id: issueIdOf(fp.fingerprint) });
  }
  return drafts;
}

/**
 * Folds newly stored error events into their issues and the per-issue user sets, in one
 * statement for the whole commit group. A resolved issue reopens when an event newer than its
 * resolution arrives (a late event from before the fix does not reopen it); ignored stays ignored.
 */
export async function upsertIssues(
  tx: Queryable,
  stored: AcceptedEvent[],
  drafts: Map<string, IssueDraft>,
): Promise<void> {
  const input: { issue_id: string; user_id: string; created_at: string }[] = [];
  const meta = new Map<string, Record<string, unknown>>();
  for (const e of stored) {
    const d = drafts.get(e.event_id);
    if (!d) continue;
    input.push({ issue_id: d.id, user_id: e.user_id, created_at: e.created_at.toISOString() });
    if (!meta.has(d.id)) {
      meta.set(d.id, {
        id: d.id,
        fingerprint: d.fingerprint.slice(0, 2000),
        title: d.title,
        exception_type: d.type,
        event_type: e.event_type,
        frames: d.frames,
        sample_stack: d.stack ? d.stack.slice(0, 20_000) : null,
      });
    }
  }
  if (input.length === 0) return;
  await tx.query(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(issue_id text, user_id text, created_at timestamptz)
     ), meta AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id text, fingerprint text, title text,
         exception_type text, event_type text, frames jsonb, sample_stack text)
     ), per_user AS (
       INSERT INTO issue_users AS iu (issue_id, user_id, count, first_seen, last_seen)
       SELECT issue_id, user_id, count(*), min(created_at), max(created_at)
         FROM input GROUP BY issue_id, user_id ORDER BY issue_id, user_id
       ON CONFLICT (issue_id, user_id) DO UPDATE SET
         count = iu.count + excluded.count,
         first_seen = least(iu.first_seen, excluded.first_seen),
         last_seen = greatest(iu.last_seen, excluded.last_seen)
       RETURNING issue_id, (xmax::text = '0') AS inserted
     ), new_users AS (
       SELECT issue_id, count(*) FILTER (WHERE inserted) AS n FROM per_user GROUP BY issue_id
     ), agg AS (
       SELECT issue_id, count(*) AS n, min(created_at) AS first_seen, max(created_at) AS last_seen
         FROM input GROUP BY issue_id
     )
     INSERT INTO issues AS i (id, fingerprint, title, exception_type, event_type, frames, sample_stack,
                              count, users, first_seen, last_seen)
     SELECT m.id, m.fingerprint, m.title, m.exception_type, m.event_type, m.frames, m.sample_stack,
            agg.n, coalesce(nu.n, 0), agg.first_seen, agg.last_seen
       FROM meta m JOIN agg ON agg.issue_id = m.id LEFT JOIN new_users nu ON nu.issue_id = m.id
      ORDER BY m.id
     ON CONFLICT (id) DO UPDATE SET
       count = i.count + excluded.count,
       users = i.users + excluded.users,
       first_seen = least(i.first_seen, excluded.first_seen),
       last_seen = greatest(i.last_seen, excluded.last_seen),
       sample_stack = coalesce(i.sample_stack, excluded.sample_stack),
       status = CASE WHEN i.status = 'resolved' AND excluded.last_seen > i.status_changed_at
                     THEN 'open' ELSE i.status END,
       status_changed_at = CASE WHEN i.status = 'resolved' AND excluded.last_seen > i.status_changed_at
                                THEN now() ELSE i.status_changed_at END`,
    [JSON.stringify(input), JSON.stringify([...meta.values()])],
    { prepare: "ingest_upsert_issues" },
  );
}
