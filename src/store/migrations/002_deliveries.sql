-- Outbound deliveries (src/delivery): one row per idempotency key, so a retried or redelivered job
-- never posts the same message twice, and a message that could not be delivered is kept (dead
-- letter) instead of dropped.
CREATE TABLE deliveries (
  -- The message's idempotency key (reply:<message id>, status:<ticket id>:<version> …).
  key text PRIMARY KEY,
  platform text NOT NULL CHECK (platform IN ('web', 'slack', 'lark')),
  channel text NOT NULL,
  -- The platform's reference for the posted message (Slack channel:ts, Lark message id).
  ref text,
  -- pending: an attempt started and has not succeeded (yet); sent: posted, never again; dead: gave up.
  status text NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
  -- Send attempts made, rate-limited ones included.
  attempts integer NOT NULL DEFAULT 0,
  -- The last failure.
  error text,
  -- The whole message, kept only while it is dead (to inspect and replay it); NULL otherwise.
  message jsonb,
  -- While an attempt runs: until when it holds the key (another worker waits). NULL when released.
  claimed_until timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (status <> 'sent' OR ref IS NOT NULL)
);
-- Dead letters, newest first, for operators and metrics.
CREATE INDEX deliveries_dead ON deliveries (updated_at DESC) WHERE status = 'dead';
