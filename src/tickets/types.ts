/** Tickets as the core sees them; persisted by src/tickets/ticket-store.ts. */
import type { Citation } from '../assistant/types.ts';
import type { Severity, SlaClock } from '../sla/types.ts';

export type TicketStatus = 'new' | 'waiting_l2' | 'claimed' | 'waiting_employee' | 'resolved' | 'closed';

export type Tier = 'L2' | 'L3' | 'manager';

export interface Ticket {
  id: string;
  /** Sequential, human-friendly: "HL-1042". */
  number: string;
  title: string;
  status: TicketStatus;
  severity: Severity;
  category: string;
  intent: string;
  /** Why this severity, readable by an engineer ("scope: 全员; core function down"). */
  rationale: string;
  signals: { name: string; match: string; effect?: string }[];
  sensitive: boolean;
  tier: Tier;
  requesterId: string;
  /** Where the employee's conversation lives (platform thread). */
  threadId: string;
  assigneeId: string | null;
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
  clocks: SlaClock[];
  // Added with persistence (src/tickets/ticket-store.ts):
  /** Why `sensitive` is set: 'payroll' | 'security' | 'medical' | 'harassment' | 'flagged'; null when not. */
  sensitiveReason: string | null;
  /** People reporting this problem: 1 + the tickets linked to this one as their parent incident. */
  reporters: number;
  /** What was said before the handoff, with the passages the bot tried (flow 3). */
  transcript: TranscriptLine[];
  /** 1–5 from the employee at closing; null until rated (and again after a reopen). */
  csat: number | null;
  resolvedAt: string | null;
  closedAt: string | null;
  /** Optimistic-concurrency version: bumped by every stored change; an update names the one it read. */
  version: number;
}

export interface TranscriptLine {
  /**
   * The thread message this line is (its id in the conversation store), where it is one: the last
   * user line's id names the message that opened the ticket (src/tickets/thread-parts.ts).
   */
  id?: string;
  author: 'user' | 'bot' | 'agent';
  text: string;
  /** ISO time. */
  at?: string;
  /** Passages the bot cited or tried for this line. */
  citations?: Citation[];
}

/** What the audit log records; `from`/`to` hold the changed value (status, tier, severity, parent). */
export type TicketEventAction =
  | 'opened'
  | 'submitted'
  | 'claimed'
  | 'waiting_on_employee'
  | 'employee_replied'
  | 'escalated'
  | 'severity_overridden'
  | 'resolved'
  | 'closed'
  | 'rated'
  | 'reopened'
  | 'linked_to_parent'
  | 'reporter_linked'
  // Mass incidents (src/incidents): a report taken off its incident; an update sent to every reporter.
  | 'unlinked_from_parent'
  | 'reporter_unlinked'
  | 'incident_update'
  // A sensitive ticket was read by someone other than its requester (DESIGN §7: every read audited).
  | 'viewed'
  // From the console (src/console): an internal note, never relayed; a reply sent to the employee.
  | 'note'
  | 'agent_replied'
  // For the SLA timers (not written by this module yet): a clock reached 75% / 100%.
  | 'sla_warned'
  | 'sla_breached';

/** One line of a ticket's audit log (table ticket_events). Append-only. */
export interface TicketEvent {
  /** Increasing: the order events happened in. */
  id: number;
  ticketId: string;
  /** ISO time. */
  at: string;
  /** Who: a user id, or 'helpline' for the bot and the SLA timers. */
  actor: string;
  action: TicketEventAction;
  from: string | null;
  to: string | null;
  reason: string | null;
  data: Record<string, unknown>;
}

export type NewTicketEvent = Omit<TicketEvent, 'id'>;
