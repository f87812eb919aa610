-- Performance (issue 5); every statement idempotent. Figures behind each choice: bench/README.md.

-- Counters are rewritten on every ingest group. Free room on each page lets PostgreSQL update a row
-- in place of its page (a HOT update), with no new entry in the primary-key index each time.
ALTER TABLE user_stats SET (fillfactor = 50);

-- Search shows the newest matching users. For a short term that matches a large share of users
-- ("ann", "443") the planner can now walk users newest-first and stop at the 50th match instead of
-- fetching and sorting every match (1.8 s -> 1 ms at 1M users); for a rare term it uses the trigram
-- index. That index is now on search_key with spaces and . @ - + _ as letters (users-read.ts says
-- why: pg_trgm could not use a term like "v.k" at all), with a fine histogram so the planner can
-- tell common terms from rare ones; the old index on search_key is read by nothing any more.
CREATE INDEX IF NOT EXISTS users_created ON users (created_at DESC, id);
CREATE INDEX IF NOT EXISTS users_search_words
  ON users USING gin (translate(search_key, ' .@-+_', 'SDAHPU') gin_trgm_ops);
ALTER INDEX users_search_words ALTER COLUMN 1 SET STATISTICS 1000;
DROP INDEX IF EXISTS users_search_trgm;

-- A user's logs filtered by event type: the (user, time) index alone must read every row of a busy
-- user to find a rare type (10 s for one USER_CREATED among 1M events); with the type in the key,
-- each requested type is one short index range, merged newest-first (logs-read.ts).
CREATE INDEX IF NOT EXISTS user_activity_logs_user_type_time
  ON user_activity_logs (user_id, event_type, created_at DESC, id DESC);
