-- Row-level security as the seed has it: admin and sales may read and insert logs; nobody else
-- sees a row. The server runs staff reads as usertrail_staff with the caller's role in the
-- transaction setting usertrail.role, so a route that forgot its own check still returns nothing.
DO $$
BEGIN
  CREATE ROLE usertrail_staff NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

DO $$
BEGIN
  -- A non-superuser owner must be a member to SET ROLE; for a superuser this is harmless.
  EXECUTE format('GRANT usertrail_staff TO %I', current_user);
EXCEPTION WHEN others THEN NULL;
END $$;

CREATE OR REPLACE FUNCTION usertrail_is_staff() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce(current_setting('usertrail.role', true), '') IN ('admin', 'sales') $$;

GRANT SELECT, INSERT ON user_activity_logs, users, user_stats, system_health_logs TO usertrail_staff;
GRANT USAGE ON SEQUENCE user_activity_logs_id_seq, system_health_logs_id_seq TO usertrail_staff;

ALTER TABLE user_activity_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_stats ENABLE ROW LEVEL SECURITY;
ALTER TABLE system_health_logs ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS staff_read ON user_activity_logs;
CREATE POLICY staff_read ON user_activity_logs FOR SELECT TO usertrail_staff USING (usertrail_is_staff());
DROP POLICY IF EXISTS staff_insert ON user_activity_logs;
CREATE POLICY staff_insert ON user_activity_logs FOR INSERT TO usertrail_staff WITH CHECK (usertrail_is_staff());

DROP POLICY IF EXISTS staff_read ON users;
CREATE POLICY staff_read ON users FOR SELECT TO usertrail_staff USING (usertrail_is_staff());
DROP POLICY IF EXISTS staff_insert ON users;
CREATE POLICY staff_insert ON users FOR INSERT TO usertrail_staff WITH CHECK (usertrail_is_staff());

DROP POLICY IF EXISTS staff_read ON user_stats;
CREATE POLICY staff_read ON user_stats FOR SELECT TO usertrail_staff USING (usertrail_is_staff());

DROP POLICY IF EXISTS staff_read ON system_health_logs;
CREATE POLICY staff_read ON system_health_logs FOR SELECT TO usertrail_staff USING (usertrail_is_staff());
