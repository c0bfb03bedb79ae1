-- Helpline's first schema. One dialect for PGlite and PostgreSQL: plain PostgreSQL 15+ SQL, no
-- extensions. Ids made by the application (uuid, random text) so no server function is needed.
-- Times are timestamptz written by the application's clock (tests inject it).

-- Conversations: a thread on a platform (web chat, a Slack or Lark thread) owned by one user.
CREATE TABLE conversations (
  id text PRIMARY KEY,
  platform text NOT NULL DEFAULT 'web',
  user_id text NOT NULL,
  -- The platform's own thread reference (Slack channel+ts, Lark chat+root message id).
  external_ref text,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX conversations_external_ref ON conversations (platform, external_ref)
  WHERE external_ref IS NOT NULL;
CREATE INDEX conversations_user ON conversations (user_id, created_at);

CREATE TABLE messages (
  id text PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  -- Insertion order; breaks ties between messages stamped in the same millisecond.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  author text NOT NULL CHECK (author IN ('user', 'bot', 'agent')),
  text text NOT NULL,
  citations jsonb,
  -- The ticket a message announces. No foreign key: the snapshot in `ticket` is what was shown,
  -- and the message outlives any cleanup of tickets.
  ticket_id text,
  ticket jsonb,
  buttons jsonb,
  -- The platform's id for the delivered message, so a retried send is recognised.
  external_ref text,
  created_at timestamptz NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, created_at, seq);
CREATE INDEX messages_ticket ON messages (ticket_id) WHERE ticket_id IS NOT NULL;

-- Tickets. `number` is shown to people as HL-<number>, starting at HL-1001. A sequence may skip a
-- number when a transaction rolls back; numbers are unique and increasing, not gap-free.
CREATE TABLE tickets (
  id uuid PRIMARY KEY,
  number bigint GENERATED ALWAYS AS IDENTITY (START WITH 1001) UNIQUE,
  title text NOT NULL,
  status text NOT NULL CHECK (status IN ('new', 'waiting_l2', 'claimed', 'waiting_employee', 'resolved', 'closed')),
  severity text NOT NULL CHECK (severity IN ('P0', 'P1', 'P2', 'P3')),
  category text NOT NULL,
  intent text NOT NULL,
  rationale text NOT NULL,
  signals jsonb NOT NULL DEFAULT '[]',
  sensitive boolean NOT NULL DEFAULT false,
  -- Why it is sensitive: payroll, security, medical, harassment, flagged.
  sensitive_reason text,
  tier text NOT NULL DEFAULT 'L2' CHECK (tier IN ('L2', 'L3', 'manager')),
  requester_id text NOT NULL,
  thread_id text NOT NULL,
  assignee_id text,
  -- Mass incident: reports of the same problem point at one parent; reporters = 1 + children.
  parent_id uuid REFERENCES tickets (id),
  -- What the employee and the bot said before the handoff, with the passages the bot tried.
  transcript jsonb NOT NULL DEFAULT '[]',
  csat smallint CHECK (csat BETWEEN 1 AND 5),
  -- Optimistic concurrency: every update must name the version it read and bumps it.
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  resolved_at timestamptz,
  closed_at timestamptz,
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX tickets_requester ON tickets (requester_id, created_at);
CREATE INDEX tickets_assignee ON tickets (assignee_id, status) WHERE assignee_id IS NOT NULL;
CREATE INDEX tickets_status ON tickets (status, category, created_at);
CREATE INDEX tickets_thread ON tickets (thread_id);
CREATE INDEX tickets_parent ON tickets (parent_id) WHERE parent_id IS NOT NULL;

-- The audit log: every change to a ticket, who made it, when and why. Append-only.
CREATE TABLE ticket_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id uuid NOT NULL REFERENCES tickets (id),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  from_value text,
  to_value text,
  reason text,
  data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
CREATE INDEX ticket_events_at ON ticket_events (at);

-- SLA clocks exactly as the pure engine (src/sla) returns them; one per ticket and kind.
CREATE TABLE sla_clocks (
  ticket_id uuid NOT NULL REFERENCES tickets (id),
  kind text NOT NULL CHECK (kind IN ('first_response', 'resolution')),
  severity text NOT NULL CHECK (severity IN ('P0', 'P1', 'P2', 'P3')),
  calendar_id text NOT NULL,
  started_at timestamptz NOT NULL,
  budget_ms bigint NOT NULL,
  consumed_ms bigint NOT NULL,
  running_since timestamptz,
  stopped_at timestamptz,
  warned_at timestamptz,
  breached_at timestamptz,
  PRIMARY KEY (ticket_id, kind)
);
-- The timer sweep after a restart reads the clocks that can still warn or breach.
CREATE INDEX sla_clocks_live ON sla_clocks (running_since) WHERE stopped_at IS NULL AND breached_at IS NULL;

-- 👍/👎 on answers and CSAT on tickets.
CREATE TABLE feedback (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id text,
  thread_id text NOT NULL,
  user_id text NOT NULL,
  ticket_id uuid REFERENCES tickets (id),
  helpful boolean,
  csat smallint CHECK (csat BETWEEN 1 AND 5),
  comment text,
  at timestamptz NOT NULL
);
-- One vote per person per answer: a redelivered button click updates instead of counting twice.
CREATE UNIQUE INDEX feedback_message_user ON feedback (message_id, user_id) WHERE message_id IS NOT NULL;
CREATE INDEX feedback_at ON feedback (at);

-- Roles (employee, hr_admin, l2, l3, admin) from platform user ids or groups.
CREATE TABLE role_mappings (
  platform text NOT NULL,
  subject_kind text NOT NULL CHECK (subject_kind IN ('user', 'group')),
  subject_id text NOT NULL,
  role text NOT NULL CHECK (role IN ('employee', 'hr_admin', 'l2', 'l3', 'admin')),
  PRIMARY KEY (platform, subject_kind, subject_id, role)
);

-- Questions the bot could not answer, grouped by their normalized form.
CREATE TABLE knowledge_gaps (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  question text NOT NULL,
  normalized text NOT NULL,
  lang text NOT NULL,
  count integer NOT NULL DEFAULT 1,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  example_thread_id text,
  UNIQUE (normalized, lang)
);
CREATE INDEX knowledge_gaps_rank ON knowledge_gaps (count DESC, last_seen DESC);
