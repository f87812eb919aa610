import type { AcceptedEvent } from "@usertrail/core";
import type { Queryable } from "./db.ts";
import { draftIssues } from "./issues-write.ts";
import { mergeTouches, upsertUsersFrom, userRows } from "./users-write.ts";

/**
 * A small group (what single-event requests make) stored by ONE statement outside any explicit
 * transaction, so one round trip instead of five (BEGIN, users, events, issues, COMMIT). A single
 * statement is atomic by itself and answers only after its commit, so durability is the same. It
 * does what storeEventGroup does in steps: users first (USER_CREATED for the new ones, made here in
 * SQL), the events (a duplicate id is skipped), the per-user counters and the issues, all counting
 * only the rows this statement really inserted. Returns the event ids that were new.
 */
export async function storeGroupInOneStatement(db: Queryable, events: AcceptedEvent[]): Promise<Set<string>> {
  const touches = mergeTouches(events.map((e) => ({ id: e.user_id, block: e.user, seenAt: e.created_at })));
  const drafts = draftIssues(events);
  const rows = events.map((e, ord) => ({
    ord,
    event_id: e.event_id,
    user_id: e.user_id,
    event_type: e.event_type,
    event_category: e.event_category,
    message: e.message,
    metadata: e.metadata,
    severity: e.severity,
    created_at: e.created_at.toISOString(),
    issue_id: drafts.get(e.event_id)?.id ?? null,
  }));
  const meta = new Map<string, Record<string, unknown>>();
  for (const d of drafts.values()) {
    if (meta.has(d.id)) continue;
    meta.set(d.id, {
      id: d.id,
      fingerprint: d.fingerprint.slice(0, 2000),
      title: d.title,
      exception_type: d.type,
      frames: d.frames,
      sample_stack: d.stack ? d.stack.slice(0, 20_000) : null,
    });
  }
  const inserted = await db.query<{ event_id: string }>(
    GROUP_STATEMENT,
    [JSON.stringify(userRows(touches)), JSON.stringify(rows), JSON.stringify([...meta.values()])],
    { prepare: "ingest_group_statement" },
  );
  return new Set(inserted.map((r) => r.event_id));
}

// The users part is users-write.ts's own (upsertUsersFrom); the user_stats and issues parts mirror
// events-write.ts and issues-write.ts (group-paths.test.ts stores one group both ways and compares);
// rows are taken in a fixed order (ids, "C" collation) as there, so concurrent writers lock them in
// the same order. The issue's event type is that of its first stored event.
const GROUP_STATEMENT = `
WITH users_in AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS x(id text, email text, phone text, full_name text, created_at timestamptz)
), ${upsertUsersFrom("users_in")}, created AS (
  SELECT id FROM bare UNION ALL SELECT id FROM profiled WHERE inserted
), input AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(ord int, event_id uuid, user_id text, event_type text,
    event_category text, message text, metadata jsonb, severity text, created_at timestamptz, issue_id text)
), ins AS (
  INSERT INTO user_activity_logs (event_id, user_id, event_type, event_category, message, metadata, severity,
                                  created_at, issue_id)
  -- The seed's automatic binding: USER_CREATED for each user created above, sorting before their events.
  SELECT gen_random_uuid(), u.id, 'USER_CREATED', 'activity', 'User first seen in an event',
         jsonb_build_object('full_name', u.full_name, 'email', u.email, 'source', 'event'), 'info',
         least(u.created_at, now()) - interval '1 millisecond', NULL
    FROM users_in u JOIN created c ON c.id = u.id
  UNION ALL
  (SELECT event_id, user_id, event_type, event_category, message, metadata, severity, created_at, issue_id
     FROM input ORDER BY ord)
  ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id, user_id, event_type, severity, created_at, issue_id
), counts AS (
  INSERT INTO user_stats AS s (user_id, total_events, errors, critical, last_seen)
  SELECT user_id, count(*), count(*) FILTER (WHERE severity IN ('error', 'critical')),
         count(*) FILTER (WHERE severity = 'critical'), max(created_at)
    FROM ins GROUP BY user_id ORDER BY user_id COLLATE "C"
  ON CONFLICT (user_id) DO UPDATE SET
    total_events = s.total_events + excluded.total_events,
    errors = s.errors + excluded.errors,
    critical = s.critical + excluded.critical,
    last_seen = greatest(s.last_seen, excluded.last_seen)
), grouped AS (
  SELECT event_id, issue_id, user_id, event_type, created_at FROM ins WHERE issue_id IS NOT NULL
), first_type AS (
  SELECT DISTINCT ON (g.issue_id) g.issue_id, g.event_type
    FROM grouped g JOIN input i ON i.event_id = g.event_id ORDER BY g.issue_id, i.ord
), per_user AS (
  INSERT INTO issue_users AS iu (issue_id, user_id, count, first_seen, last_seen)
  SELECT issue_id, user_id, count(*), min(created_at), max(created_at)
    FROM grouped GROUP BY issue_id, user_id ORDER BY issue_id, user_id
  ON CONFLICT (issue_id, user_id) DO UPDATE SET
    count = iu.count + excluded.count,
    first_seen = least(iu.first_seen, excluded.first_seen),
    last_seen = greatest(iu.last_seen, excluded.last_seen)
  RETURNING issue_id, (xmax::text = '0') AS inserted
), new_users AS (
  SELECT issue_id, count(*) FILTER (WHERE inserted) AS n FROM per_user GROUP BY issue_id
), agg AS (
  SELECT issue_id, count(*) AS n, min(created_at) AS first_seen, max(created_at) AS last_seen
    FROM grouped GROUP BY issue_id
), issue_rows AS (
  INSERT INTO issues AS i (id, fingerprint, title, exception_type, event_type, frames, sample_stack,
                           count, users, first_seen, last_seen)
  SELECT m.id, m.fingerprint, m.title, m.exception_type, ft.event_type, m.frames, m.sample_stack,
         agg.n, coalesce(nu.n, 0), agg.first_seen, agg.last_seen
    FROM jsonb_to_recordset($3::jsonb) AS m(id text, fingerprint text, title text, exception_type text,
           frames jsonb, sample_stack text)
    JOIN agg ON agg.issue_id = m.id
    JOIN first_type ft ON ft.issue_id = m.id
    LEFT JOIN new_users nu ON nu.issue_id = m.id
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
                             THEN now() ELSE i.status_changed_at END
)
SELECT event_id::text AS event_id FROM ins`;
