-- The worker's job queue: a plain table polled with FOR UPDATE SKIP LOCKED, so it works the same
-- on embedded PGlite and on a PostgreSQL server shared by several worker processes.
CREATE TABLE IF NOT EXISTS jobs (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  -- At most one queued job per (kind, dedupe_key): the daily retention run is scheduled once.
  dedupe_key text,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 10,
  -- When the job may run next: now for fresh jobs, later for backoff and for scheduled work.
  run_after timestamptz NOT NULL DEFAULT now(),
  -- A running job whose worker died is taken again once this passes.
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (run_after, id) WHERE state IN ('queued', 'running');
CREATE UNIQUE INDEX IF NOT EXISTS jobs_queued_dedupe ON jobs (kind, dedupe_key)
  WHERE state = 'queued' AND dedupe_key IS NOT NULL;
-- Finished jobs are pruned by age.
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

-- Alert throttling: one window per (user, message). The first critical event of a window is
-- mailed at once; later ones only count here and are mailed as one digest when the window closes.
CREATE TABLE IF NOT EXISTS alert_windows (
  id bigserial PRIMARY KEY,
  user_id text NOT NULL,
  message_key text NOT NULL,
  message text NOT NULL,
  opened_at timestamptz NOT NULL DEFAULT now(),
  closes_at timestamptz NOT NULL,
  suppressed integer NOT NULL DEFAULT 0,
  -- A few of the suppressed events (time and event id), for the digest mail.
  samples jsonb NOT NULL DEFAULT '[]',
  digest_sent_at timestamptz
);
CREATE INDEX IF NOT EXISTS alert_windows_key ON alert_windows (user_id, message_key, closes_at DESC);

-- Both tables hold names, emails and messages: only the server's own role reads them, and staff
-- sessions (usertrail_staff) get no grant and no policy, so row-level security shows them nothing.
ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE alert_windows ENABLE ROW LEVEL SECURITY;
