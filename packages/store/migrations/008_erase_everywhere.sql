-- Erasure reaches every table that names a user: the issue-to-user links (005), and the worker's
-- jobs and alert windows (003). Staff sessions must still read nothing of the worker's tables, so
-- those rows are deleted by a SECURITY DEFINER function that only an admin session may run.
GRANT DELETE ON issue_users TO usertrail_staff;
DROP POLICY IF EXISTS admin_erase ON issue_users;
CREATE POLICY admin_erase ON issue_users FOR DELETE TO usertrail_staff USING (usertrail_is_admin());

CREATE OR REPLACE FUNCTION usertrail_erase_worker_rows(target text, target_email text) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path FROM CURRENT
AS $$
DECLARE
  windows bigint;
  queued bigint;
BEGIN
  IF NOT usertrail_is_admin() THEN
    RAISE EXCEPTION 'only an admin may erase a user' USING ERRCODE = '42501';
  END IF;
  DELETE FROM alert_windows WHERE user_id = target;
  GET DIAGNOSTICS windows = ROW_COUNT;
  -- Payloads name the user in different shapes (an id, an event, an email): match any value.
  DELETE FROM jobs
   WHERE jsonb_path_exists(payload, 'strict $.** ? (@ == $id || @ == $email)',
                           jsonb_build_object('id', target, 'email', coalesce(target_email, target)));
  GET DIAGNOSTICS queued = ROW_COUNT;
  RETURN windows + queued;
END
$$;
REVOKE ALL ON FUNCTION usertrail_erase_worker_rows(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION usertrail_erase_worker_rows(text, text) TO usertrail_staff;
