-- Mass incidents (DESIGN §2 flow 8, issue 14): the updates an engineer posts to every reporter of
-- a parent incident. One row per update, keyed by the page's idempotency key, so a retried post is
-- recorded (and audited) once; its deliveries are keyed per update and reporter (deliveries table).
CREATE TABLE incident_updates (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id uuid NOT NULL REFERENCES tickets (id),
  key text NOT NULL,
  author text NOT NULL,
  text text NOT NULL,
  -- How many reporters it went to when first posted (the opener included).
  reporters integer NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (incident_id, key)
);
