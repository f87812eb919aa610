-- Performance (issue 5); every statement idempotent. Figures behind each choice: bench/README.md.

-- Counters are rewritten on every ingest group. Free room on each page lets PostgreSQL update a row
-- in place of its page (a HOT update), with no new entry in the primary-key index each time.
ALTER TABLE user_stats SET (fillfactor = 50);

-- Search shows the newest matching users. For a short term that matches a large share of users
-- ("ann", "443") the planner can now walk users newest-first and stop at the 50th match instead of
-- fetching and sorting every match (1.8 s -> 1 ms at 1M users); for a rare term it still uses the
-- trigram index. Deciding between the two needs a finer histogram of search_key than the default.
CREATE INDEX IF NOT EXISTS users_created ON users (created_at DESC, id);
ALTER TABLE users ALTER COLUMN search_key SET STATISTICS 1000;

-- A user's logs filtered by event type: the (user, time) index alone must read every row of a busy
-- user to find a rare type (10 s for one USER_CREATED among 1M events); with the type in the key,
-- each requested type is one short index range, merged newest-first (logs-read.ts).
CREATE INDEX IF NOT EXISTS user_activity_logs_user_type_time
  ON user_activity_logs (user_id, event_type, created_at DESC, id DESC);
