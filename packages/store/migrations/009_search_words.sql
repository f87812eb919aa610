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

-- Staff reads run under row-level security, and PostgreSQL will not use an index for a condition
-- whose operator is not leakproof (LIKE is not) ahead of a policy's own check. Every search was
-- therefore a full scan of users when run as usertrail_staff (0.8-2.5 s at 1M users), whatever the
-- indexes. This function checks the same policy once, then searches as the table's owner, so the
-- indexes serve; a caller who is not staff still gets nothing. `newest` set: the newest-first walk
-- of that many users; NULL: every match through the trigram index (the OFFSET 0 fence keeps the
-- LIMIT from turning that into a walk), then sorted. EXECUTE plans each call with its own term.
CREATE OR REPLACE FUNCTION usertrail_search_users(pattern text, digits text, max_rows int, newest int)
  RETURNS TABLE (id text, full_name text, email text, phone text, created_at timestamptz)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT usertrail_is_staff() THEN
    RETURN;
  END IF;
  IF newest IS NOT NULL THEN
    RETURN QUERY EXECUTE
      'SELECT u.id, u.full_name, u.email, u.phone, u.created_at FROM users u WHERE u.id IN (
         SELECT r.id FROM (
           SELECT w.id, w.created_at, w.search_words FROM users w ORDER BY w.created_at DESC, w.id LIMIT $4
         ) r WHERE r.search_words LIKE $1 OR ($2 IS NOT NULL AND r.search_words LIKE $2)
         ORDER BY r.created_at DESC, r.id LIMIT $3)
       ORDER BY u.created_at DESC, u.id'
      USING pattern, digits, max_rows, newest;
  ELSE
    RETURN QUERY EXECUTE
      'SELECT m.id, m.full_name, m.email, m.phone, m.created_at FROM (
         SELECT u.id, u.full_name, u.email, u.phone, u.created_at FROM users u
          WHERE u.search_words LIKE $1 OR ($2 IS NOT NULL AND u.search_words LIKE $2) OFFSET 0
       ) m ORDER BY m.created_at DESC, m.id LIMIT $3'
      USING pattern, digits, max_rows;
  END IF;
END
$$;
REVOKE ALL ON FUNCTION usertrail_search_users(text, text, int, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION usertrail_search_users(text, text, int, int) TO usertrail_staff;
