-- Error groups (issues): one row per fingerprint, kept up to date at ingest in the same
-- transaction as the events, so counts never lag and never need a recount at read time.
-- The id is a hash of the fingerprint, known before the insert, so each log row can carry it.
CREATE TABLE IF NOT EXISTS issues (
  id text PRIMARY KEY,
  fingerprint text NOT NULL,
  title text NOT NULL,
  exception_type text NOT NULL,
  event_type text NOT NULL,
  frames jsonb NOT NULL DEFAULT '[]',
  sample_stack text,
  count bigint NOT NULL DEFAULT 0,
  users bigint NOT NULL DEFAULT 0,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'ignored')),
  status_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS issues_status_last_seen ON issues (status, last_seen DESC);

-- The exact set of users each issue touched (no sketch: the counts are small and must be exact).
CREATE TABLE IF NOT EXISTS issue_users (
  issue_id text NOT NULL,
  user_id text NOT NULL,
  count bigint NOT NULL DEFAULT 0,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX IF NOT EXISTS issue_users_user ON issue_users (user_id);

-- Links a user's error to its group; a nullable column without default costs no table rewrite.
ALTER TABLE user_activity_logs ADD COLUMN IF NOT EXISTS issue_id text;
CREATE INDEX IF NOT EXISTS user_activity_logs_issue ON user_activity_logs (issue_id, created_at DESC)
  WHERE issue_id IS NOT NULL;

-- Anomaly alerts already sent, so a restarted scan does not mail the same spike twice.
CREATE TABLE IF NOT EXISTS anomaly_alerts (
  metric text NOT NULL,
  bucket timestamptz NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (metric, bucket)
);

GRANT SELECT ON issues, issue_users TO usertrail_staff;
GRANT UPDATE (status, status_changed_at) ON issues TO usertrail_staff;
ALTER TABLE issues ENABLE ROW LEVEL SECURITY;
ALTER TABLE issue_users ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS staff_read ON issues;
CREATE POLICY staff_read ON issues FOR SELECT TO usertrail_staff USING (usertrail_is_staff());
DROP POLICY IF EXISTS staff_update ON issues;
CREATE POLICY staff_update ON issues FOR UPDATE TO usertrail_staff
  USING (usertrail_is_staff()) WITH CHECK (usertrail_is_staff());
DROP POLICY IF EXISTS staff_read ON issue_users;
CREATE POLICY staff_read ON issue_users FOR SELECT TO usertrail_staff USING (usertrail_is_staff());
