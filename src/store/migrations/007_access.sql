-- Identity and access (DESIGN §7): API tokens, sign-in sessions, single-use sign-in links, the
-- OpenID Connect logins in flight, and the links that make one person one user across channels.
-- Secrets are never stored: tokens, session ids and link codes are kept as their SHA-256.

CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  user_id text NOT NULL,
  role text NOT NULL,
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id text NOT NULL,
  role text NOT NULL,
  csrf text NOT NULL,
  via text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_links (
  code_hash text PRIMARY KEY,
  user_id text NOT NULL,
  role text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE oidc_logins (
  state text PRIMARY KEY,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  return_to text NOT NULL DEFAULT '/',
  created_at timestamptz NOT NULL
);

-- One person, one user: every user key (web "emp-a", "slack:U1", "lark:ou_1", "oidc:<sub>") of
-- the same person points at one person id, found by verified email or identity-provider subject.
CREATE TABLE identities (
  user_key text PRIMARY KEY,
  person_id text NOT NULL,
  email text,
  linked_at timestamptz NOT NULL
);
CREATE INDEX identities_person ON identities (person_id);

-- Roles are configuration (`roles` in helpline.config.yaml) and credentials; this table was never used.
DROP TABLE role_mappings;
