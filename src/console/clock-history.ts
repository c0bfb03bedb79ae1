/**
 * A ticket's SLA clocks with their history, for the workspace (issue 14 item 2), from what is
 * already stored: the clocks (sla_clocks) and the audit log (ticket_events). The resolution clock
 * stands still while the ticket waits on the employee (src/tickets/sla-sync.ts) and between a
 * resolve and a reopen; each such stretch is one `hold`, from the event that started it to the one
 * that ended it (the employee replied, the ticket was escalated, resolved or reopened), or still
 * open. The first-response clock never pauses: it runs until someone engages.
 */
import { calendarById } from '../sla/calendars/builtin.ts';
import { clockState, consumedAt, dueAt } from '../sla/clock.ts';
import type { CalendarSet, ClockKind, ClockState } from '../sla/types.ts';
import type { Ticket, TicketEvent } from '../tickets/types.ts';

export interface ClockHold {
  /** waiting_employee: paused for the employee's answer; resolved: stopped until reopened. */
  kind: 'waiting_employee' | 'resolved';
  from: string;
  /** null while it still holds. */
  to: string | null;
  /** Who started it and why (the question asked, the resolve note). */
  by: string;
  reason: string | null;
  /** The audit action that ended it: employee_replied, escalated, resolved, reopened. */
  endedBy: string | null;
}

export interface ClockHistory {
  kind: ClockKind;
  state: ClockState;
  startedAt: string;
  dueAt: string | null;
  stoppedAt: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
  budgetMs: number;
  /** Calendar time counted so far (business time on a business calendar). */
  consumedMs: number;
  calendar: string;
  holds: ClockHold[];
}

const STATUSES = new Set(['new', 'waiting_l2', 'claimed', 'waiting_employee', 'resolved', 'closed']);
const status = (v: unknown) => (typeof v === 'string' && STATUSES.has(v) ? v : null);

/** The status an audit event moved the ticket from and to, when it moved it. */
function statusMove(e: TicketEvent): { from: string | null; to: string | null } | undefined {
  const moved = e.data?.status as { from?: unknown; to?: unknown } | undefined;
  // Escalations keep the tier in from/to and the status in data.
  const [from, to] =
    moved && typeof moved === 'object'
      ? [status(moved.from), status(moved.to)]
      : [status(e.from), status(e.to)];
  return from !== null || to !== null ? { from, to } : undefined;
}

/** The resolution clock's holds, oldest first, from the audit log. */
export function resolutionHolds(events: readonly TicketEvent[]): ClockHold[] {
  const holds: ClockHold[] = [];
  let open: ClockHold | undefined;
  for (const e of [...events].sort((a, b) => a.id - b.id)) {
    const move = statusMove(e);
    if (!move) continue;
    // Waiting ends with any move away from it; resolved (and closed after it) only with a reopen.
    const ends =
      open?.kind === 'waiting_employee' ? move.from === 'waiting_employee' : e.action === 'reopened';
    if (open && ends) {
      open.to = e.at;
      open.endedBy = e.action;
      open = undefined;
    }
    if (!open && (move.to === 'waiting_employee' || move.to === 'resolved')) {
      open = { kind: move.to, from: e.at, to: null, by: e.actor, reason: e.reason, endedBy: null };
      holds.push(open);
    }
  }
  return holds;
}

export function clockHistory(
  ticket: Pick<Ticket, 'clocks'>,
  events: readonly TicketEvent[],
  calendars: CalendarSet,
  now: Date,
): ClockHistory[] {
  const holds = resolutionHolds(events);
  return ticket.clocks.map((c) => {
    const cal = calendarById(calendars, c.calendarId);
    return {
      kind: c.kind,
      state: clockState(c, cal, now),
      startedAt: c.startedAt,
      dueAt: dueAt(c, cal)?.toISOString() ?? null,
      stoppedAt: c.stoppedAt,
      warnedAt: c.warnedAt,
      breachedAt: c.breachedAt,
      budgetMs: c.budgetMs,
      consumedMs: consumedAt(c, cal, now),
      calendar: c.calendarId,
      holds: c.kind === 'resolution' ? holds : [],
    };
  });
}
