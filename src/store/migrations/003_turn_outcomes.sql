-- Who answered each inbound message: the assistant or the never-silent fallback. The first to
-- insert takes the reply slot, so a retried turn or a late answer never posts a second reply.
CREATE TABLE turn_outcomes (
  message_id text PRIMARY KEY,
  outcome text NOT NULL CHECK (outcome IN ('answered', 'declined', 'ticketed', 'greeted', 'fallback')),
  reason text,
  at timestamptz NOT NULL
);
