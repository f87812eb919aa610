-- Performance (issue 5); every statement idempotent. Figures behind each choice: bench/README.md.

-- Counters are rewritten on every ingest group. Free room on each page lets PostgreSQL update a row
-- in place of its page (a HOT update), with no new entry in the primary-key index each time.
ALTER TABLE user_stats SET (fillfactor = 50);
