/** Table rows ↔ Ticket, TicketEvent and SlaClock objects. */
import type { SlaClock } from '../sla/types.ts';
import { timestampToIso } from '../store/database.ts';
import type { Ticket, TicketEvent } from './types.ts';

/** Ticket columns plus its clocks and linked-report count, in one row per ticket. */
export const TICKET_SELECT = `
  SELECT t.*,
    (SELECT count(*) FROM tickets c WHERE c.parent_id = t.id) AS children,
    (SELECT coalesce(jsonb_agg(to_jsonb(k) ORDER BY k.kind), '[]'::jsonb) FROM sla_clocks k WHERE k.ticket_id = t.id) AS clock_rows
  FROM tickets t`;

export interface TicketRow {
  id: string;
  number: number;
  title: string;
  status: Ticket['status'];
  severity: Ticket['severity'];
  category: string;
  intent: string;
  rationale: string;
  signals: Ticket['signals'];
  sensitive: boolean;
  sensitive_reason: string | null;
  tier: Ticket['tier'];
  requester_id: string;
  thread_id: string;
  assignee_id: string | null;
  parent_id: string | null;
  transcript: Ticket['transcript'];
  csat: number | null;
  version: number;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  closed_at: string | null;
  children: number;
  clock_rows: ClockRow[];
}

/** sla_clocks as jsonb: timestamps come back as text with the session's offset, not as ISO. */
interface ClockRow {
  kind: SlaClock['kind'];
  severity: SlaClock['severity'];
  calendar_id: string;
  started_at: string;
  budget_ms: number;
  consumed_ms: number;
  running_since: string | null;
  stopped_at: string | null;
  warned_at: string | null;
  breached_at: string | null;
}

export const formatNumber = (n: number): string => `HL-${n}`;

/** "HL-1042", "hl-1042" or "1042" → 1042; undefined when it is not a ticket number. */
export function parseNumber(text: string): number | undefined {
  const m = /^(?:HL-)?(\d{1,15})$/i.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (text: string): boolean => UUID.test(text);

const isoOrNull = (text: string | null) => (text === null ? null : timestampToIso(text));

export function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    number: formatNumber(row.number),
    title: row.title,
    status: row.status,
    severity: row.severity,
    category: row.category,
    intent: row.intent,
    rationale: row.rationale,
    signals: row.signals,
    sensitive: row.sensitive,
    sensitiveReason: row.sensitive_reason,
    tier: row.tier,
    requesterId: row.requester_id,
    threadId: row.thread_id,
    assigneeId: row.assignee_id,
    parentId: row.parent_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    clocks: row.clock_rows.map(toClock),
    reporters: 1 + Number(row.children),
    transcript: row.transcript,
    csat: row.csat,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    version: row.version,
  };
}

function toClock(row: ClockRow): SlaClock {
  return {
    kind: row.kind,
    severity: row.severity,
    calendarId: row.calendar_id,
    startedAt: timestampToIso(row.started_at),
    budgetMs: Number(row.budget_ms),
    consumedMs: Number(row.consumed_ms),
    runningSince: isoOrNull(row.running_since),
    stoppedAt: isoOrNull(row.stopped_at),
    warnedAt: isoOrNull(row.warned_at),
    breachedAt: isoOrNull(row.breached_at),
  };
}

export interface EventRow {
  id: number;
  ticket_id: string;
  at: string;
  actor: string;
  action: TicketEvent['action'];
  from_value: string | null;
  to_value: string | null;
  reason: string | null;
  data: Record<string, unknown>;
}

export function toEvent(row: EventRow): TicketEvent {
  return {
    id: Number(row.id),
    ticketId: row.ticket_id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    from: row.from_value,
    to: row.to_value,
    reason: row.reason,
    data: row.data,
  };
}
