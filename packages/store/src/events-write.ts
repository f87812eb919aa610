import type { AcceptedEvent } from "@usertrail/core";
import type { Database, Queryable } from "./db.ts";
import { copyEvents } from "./events-copy.ts";
import { storeGroupInOneStatement } from "./events-one-statement.ts";
import { draftIssues, type IssueDraft, upsertIssues } from "./issues-write.ts";
import { mergeTouches, upsertUsers } from "./users-write.ts";

/** How USER_CREATED describes where a user came from. */
export type UserSource =
  | { kind: "event" }
  | { kind: "upsert" }
  | { kind: "staff"; metadata: Record<string, unknown> };

const COPY_MIN_EVENTS = 100;

/**
 * Inserts events (skipping event ids already stored) and bumps per-user counters. Drivers that offer
 * COPY take the bulk path (events-copy.ts) for big groups; otherwise one INSERT statement does both.
 * `issues` maps an error event's id to its group, stored on the row as issue_id.
 */
export async function insertEvents(
  tx: Queryable,
  events: AcceptedEvent[],
  issues?: Map<string, IssueDraft>,
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  // COPY pays off for big groups; a small one (single-event requests) is cheaper as one statement.
  const copyIn = tx.copyIn;
  if (copyIn && events.length >= COPY_MIN_EVENTS) return copyEvents(tx, copyIn, events, issues);
  const rows = events.map((e) => ({
    event_id: e.event_id,
    user_id: e.user_id,
    event_type: e.event_type,
    event_category: e.event_category,
    message: e.message,
    metadata: e.metadata,
    severity: e.severity,
    created_at: e.created_at.toISOString(),
    issue_id: issues?.get(e.event_id)?.id ?? null,
  }));
  const inserted = await tx.query<{ event_id: string }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, user_id text, event_type text,
         event_category text, message text, metadata jsonb, severity text, created_at timestamptz,
         issue_id text)
     ), ins AS (
       INSERT INTO user_activity_logs (event_id, user_id, event_type, event_category, message, metadata, severity,
                                       created_at, issue_id)
       SELECT event_id, user_id, event_type, event_category, message, metadata, severity, created_at, issue_id
         FROM input
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id, user_id, severity, created_at
     ), counts AS (
       INSERT INTO user_stats AS s (user_id, total_events, errors, critical, last_seen)
       SELECT user_id, count(*), count(*) FILTER (WHERE severity IN ('error', 'critical')),
              count(*) FILTER (WHERE severity = 'critical'), max(created_at)
         FROM ins GROUP BY user_id ORDER BY user_id COLLATE "C" -- the lock order retention uses too
       ON CONFLICT (user_id) DO UPDATE SET
         total_events = s.total_events + excluded.total_events,
         errors = s.errors + excluded.errors,
         critical = s.critical + excluded.critical,
         last_seen = greatest(s.last_seen, excluded.last_seen)
     )
     SELECT event_id::text FROM ins`,
    [JSON.stringify(rows)],
    { prepare: "ingest_insert_events" },
  );
  return new Set(inserted.map((r) => r.event_id));
}

/** The seed's "automatic binding": one USER_CREATED for each user this transaction created. */
export function userCreatedEvents(
  created: Set<string>,
  touches: { id: string; block: AcceptedEvent["user"]; seenAt: Date }[],
  source: UserSource,
): AcceptedEvent[] {
  const out: AcceptedEvent[] = [];
  for (const t of touches) {
    if (!created.has(t.id)) continue;
    const extra = source.kind === "staff" ? source.metadata : { source: source.kind };
    out.push({
      event_id: crypto.randomUUID(),
      user_id: t.id,
      user: null,
      event_type: "USER_CREATED",
      event_category: "activity",
      message:
        source.kind === "event"
          ? "User first seen in an event"
          : source.kind === "upsert"
            ? "User created by the host app"
            : `User created by ${String(source.metadata.manager_name ?? "staff")}`,
      metadata: { full_name: t.block?.full_name ?? null, email: t.block?.email ?? null, ...extra },
      severity: "info",
      // A user exists before anything they do, so USER_CREATED sorts first in their log.
      created_at: new Date(Math.min(t.seenAt.getTime(), Date.now()) - 1),
    });
  }
  return out;
}

/**
 * Stores one commit group of the ingest writer and commits it. A small group (single-event requests)
 * is one statement, one round trip; a big one is a transaction whose events go in by COPY.
 * Returns the event ids that were new.
 */
export function storeGroup(db: Database, events: AcceptedEvent[]): Promise<Set<string>> {
  if (events.length < COPY_MIN_EVENTS) return storeGroupInOneStatement(db, events);
  return db.transaction((tx) => storeEventGroup(tx, events));
}

/**
 * Stores one group of events in the caller's transaction: users first (logging USER_CREATED for
 * new ones), then the events, then (one statement, only if the group holds errors) their issues.
 * Returns the event ids that were new.
 */
export async function storeEventGroup(tx: Queryable, events: AcceptedEvent[]): Promise<Set<string>> {
  const touches = mergeTouches(events.map((e) => ({ id: e.user_id, block: e.user, seenAt: e.created_at })));
  const created = await upsertUsers(tx, touches);
  const bindings = userCreatedEvents(created, touches, { kind: "event" });
  const issues = draftIssues(events);
  const fresh = await insertEvents(tx, [...bindings, ...events], issues);
  if (issues.size > 0) {
    // Only events this commit really stored count, each id once (a retried duplicate adds nothing).
    const seen = new Set<string>();
    const stored = events.filter(
      (e) => fresh.has(e.event_id) && !seen.has(e.event_id) && seen.add(e.event_id),
    );
    await upsertIssues(tx, stored, issues);
  }
  return fresh;
}
