-- Erasure reaches every table that names a user: the worker's jobs and alert windows (003) and the
-- issue-to-user links (005). Only an admin session may read or delete these rows, and only to erase.
GRANT SELECT, DELETE ON jobs, alert_windows, issue_users TO usertrail_staff;

DROP POLICY IF EXISTS admin_erase_read ON jobs;
CREATE POLICY admin_erase_read ON jobs FOR SELECT TO usertrail_staff USING (usertrail_is_admin());
DROP POLICY IF EXISTS admin_erase ON jobs;
CREATE POLICY admin_erase ON jobs FOR DELETE TO usertrail_staff USING (usertrail_is_admin());

ALTER TABLE alert_windows ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS admin_erase_read ON alert_windows;
CREATE POLICY admin_erase_read ON alert_windows FOR SELECT TO usertrail_staff USING (usertrail_is_admin());
DROP POLICY IF EXISTS admin_erase ON alert_windows;
CREATE POLICY admin_erase ON alert_windows FOR DELETE TO usertrail_staff USING (usertrail_is_admin());

DROP POLICY IF EXISTS admin_erase ON issue_users;
CREATE POLICY admin_erase ON issue_users FOR DELETE TO usertrail_staff USING (usertrail_is_admin());
