-- Where each ticket lives in chat (DESIGN §2 flow 5): the employee's thread and the triage card's
-- thread, so a message in either is relayed to the other and a card can be updated in place.
CREATE TABLE ticket_threads (
  ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  side text NOT NULL CHECK (side IN ('employee', 'triage')),
  platform text NOT NULL CHECK (platform IN ('web', 'slack', 'lark')),
  chat text NOT NULL,
  thread text NOT NULL,
  -- Idempotency key of the latest version of the card posted on this side (triage), for updateOf.
  card_key text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ticket_id, side)
);

CREATE INDEX ticket_threads_by_thread ON ticket_threads (platform, chat, thread);
