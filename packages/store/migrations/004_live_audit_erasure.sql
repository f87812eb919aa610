-- Live tail: every insert into user_activity_logs, by any path (the ingest writer, a user upsert,
-- the worker), announces the new ids on channel usertrail_logs. NOTIFY is transactional, so
-- listeners hear only committed rows; the ids are split so that each payload stays far below
-- PostgreSQL's 8000-byte limit (500 ids of up to 16 digits).
CREATE OR REPLACE FUNCTION usertrail_notify_new_logs() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  chunk text;
BEGIN
  FOR chunk IN
    SELECT string_agg(id::text, ',' ORDER BY id)
      FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / 500 AS part FROM new_rows) numbered
     GROUP BY part ORDER BY part
  LOOP
    PERFORM pg_notify('usertrail_logs', chunk);
  END LOOP;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS user_activity_logs_notify ON user_activity_logs;
CREATE TRIGGER user_activity_logs_notify AFTER INSERT ON user_activity_logs
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION usertrail_notify_new_logs();

-- Who looked at which user, and which users were erased. Erasure rows keep the user id only:
-- the erased data itself is never copied here.
CREATE TABLE IF NOT EXISTS audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL CHECK (action IN ('view', 'erase')),
  -- What was looked at: logs, stats, user, export, live; for an erasure, counts of rows removed.
  detail text NOT NULL DEFAULT '',
  actor_id uuid,
  user_id text NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log (user_id, id DESC);

CREATE OR REPLACE FUNCTION usertrail_is_admin() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce(current_setting('usertrail.role', true), '') = 'admin' $$;

-- Staff sessions write their own accesses; only admins read the audit, and nobody edits it.
GRANT SELECT, INSERT ON audit_log TO usertrail_staff;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO usertrail_staff;
-- The audit names the staff member who acted; never their password hash.
GRANT SELECT (id, email, name) ON accounts TO usertrail_staff;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS staff_insert ON audit_log;
CREATE POLICY staff_insert ON audit_log FOR INSERT TO usertrail_staff WITH CHECK (usertrail_is_staff());
DROP POLICY IF EXISTS admin_read ON audit_log;
CREATE POLICY admin_read ON audit_log FOR SELECT TO usertrail_staff USING (usertrail_is_admin());

-- Erasure runs as usertrail_staff too, so a route that forgot its admin check still deletes nothing.
GRANT DELETE ON user_activity_logs, users, user_stats, system_health_logs TO usertrail_staff;
DROP POLICY IF EXISTS admin_erase ON user_activity_logs;
CREATE POLICY admin_erase ON user_activity_logs FOR DELETE TO usertrail_staff USING (usertrail_is_admin());
DROP POLICY IF EXISTS admin_erase ON users;
CREATE POLICY admin_erase ON users FOR DELETE TO usertrail_staff USING (usertrail_is_admin());
DROP POLICY IF EXISTS admin_erase ON user_stats;
CREATE POLICY admin_erase ON user_stats FOR DELETE TO usertrail_staff USING (usertrail_is_admin());
DROP POLICY IF EXISTS admin_erase ON system_health_logs;
CREATE POLICY admin_erase ON system_health_logs FOR DELETE TO usertrail_staff USING (usertrail_is_admin());

-- Health rows name a user by id or, for browser errors, by the email in metadata.userEmail.
CREATE INDEX IF NOT EXISTS system_health_logs_user ON system_health_logs (user_id) WHERE user_id IS NOT NULL;
