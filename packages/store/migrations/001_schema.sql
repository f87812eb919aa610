-- The tracked people (the seed's tripwire_users). Search reads one trigram index over
-- id, email, name and the digits of the phone, so "7011234567" finds "+7 (701) 123-45-67".
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE IF NOT EXISTS users (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
  full_name text,
  email text,
  phone text,
  phone_digits text GENERATED ALWAYS AS (nullif(regexp_replace(coalesce(phone, ''), '\D', '', 'g'), '')) STORED,
  search_key text GENERATED ALWAYS AS (
    lower(id || ' ' || coalesce(email, '') || ' ' || coalesce(full_name, '') || ' '
      || regexp_replace(coalesce(phone, ''), '\D', '', 'g'))
  ) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS users_search_trgm ON users USING gin (search_key gin_trgm_ops);
CREATE INDEX IF NOT EXISTS users_email_lower ON users (lower(email));

-- One row per event, as in the seed, plus a client-made event_id so a retried event is stored once.
CREATE TABLE IF NOT EXISTS user_activity_logs (
  id bigserial PRIMARY KEY,
  event_id uuid NOT NULL,
  user_id text NOT NULL,
  event_type text NOT NULL,
  event_category text NOT NULL CHECK (event_category IN ('error', 'auth', 'content', 'activity')),
  message text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  severity text NOT NULL CHECK (severity IN ('critical', 'error', 'warning', 'info', 'debug')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS user_activity_logs_event_id ON user_activity_logs (event_id);
-- A user's newest logs: the panel's main query, keyset-paged by (created_at, id).
CREATE INDEX IF NOT EXISTS user_activity_logs_user_time ON user_activity_logs (user_id, created_at DESC, id DESC);
-- The overview's time windows and retention's "older than" sweep.
CREATE INDEX IF NOT EXISTS user_activity_logs_time ON user_activity_logs (created_at);

-- Counters kept as events arrive, in the same transaction, so stats never count at read time.
CREATE TABLE IF NOT EXISTS user_stats (
  user_id text PRIMARY KEY,
  total_events bigint NOT NULL DEFAULT 0,
  errors bigint NOT NULL DEFAULT 0,
  critical bigint NOT NULL DEFAULT 0,
  last_seen timestamptz
);

-- Errors not tied to one user (and every browser error, as the seed logs both).
CREATE TABLE IF NOT EXISTS system_health_logs (
  id bigserial PRIMARY KEY,
  source text NOT NULL,
  message text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('critical', 'error', 'warning', 'info', 'debug')),
  metadata jsonb NOT NULL DEFAULT '{}',
  user_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS system_health_logs_time ON system_health_logs (created_at DESC);

-- Accounts that may log in. Students may hold one, but every read route refuses them.
CREATE TABLE IF NOT EXISTS accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'sales', 'student')),
  password_hash text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS accounts_email_lower ON accounts (lower(email));

-- Only a hash of each session token is kept, so a leaked table cannot be replayed.
CREATE TABLE IF NOT EXISTS sessions (
  token_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at);

CREATE TABLE IF NOT EXISTS settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
