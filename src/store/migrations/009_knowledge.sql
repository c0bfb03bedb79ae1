-- Knowledge upkeep (console /console/knowledge): every article published, uploaded or replaced
-- from the console, by whom, when and from which ticket. Append-only, like the ticket audit log.
CREATE TABLE kb_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL CHECK (action IN ('created', 'replaced')),
  -- Relative to the KB folder, with `/`.
  path text NOT NULL,
  bytes integer NOT NULL,
  sha256 text NOT NULL,
  -- The ticket an article was drafted from, if any.
  ticket_number text
);
CREATE INDEX kb_changes_path ON kb_changes (path, id);
