-- Search at 1M users with a cost that does not depend on the planner's guesses (issue 5).
-- search_words is search_key with spaces and . @ - + _ turned into uppercase letters (users-read.ts
-- says why), stored, so neither a scan nor a recheck evaluates translate() per row any more.
-- users_newest_words lets search walk the newest users in an index-only scan (the words ride in
-- the index), and the trigram index serves the terms that walk does not find 50 times.
ALTER TABLE users ADD COLUMN IF NOT EXISTS search_words text GENERATED ALWAYS AS (
  translate(
    lower(id || ' ' || coalesce(email, '') || ' ' || coalesce(full_name, '') || ' '
      || regexp_replace(coalesce(phone, ''), '\D', '', 'g')),
    ' .@-+_', 'SDAHPU')
) STORED;
CREATE INDEX IF NOT EXISTS users_words_trgm ON users USING gin (search_words gin_trgm_ops);
CREATE INDEX IF NOT EXISTS users_newest_words ON users (created_at DESC, id) INCLUDE (search_words);
DROP INDEX IF EXISTS users_search_words;
DROP INDEX IF EXISTS users_created;
ALTER TABLE users DROP COLUMN IF EXISTS search_key;
