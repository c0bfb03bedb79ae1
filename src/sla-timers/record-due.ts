/**
 * Marks the SLA events that are due on a ticket and, for a breach, escalates it one tier — in one
 * TicketStore.mutate, so the mark, the audit events and the escalation are stored together or not
 * at all. That transaction is what makes a breach escalate exactly once: a second run (a duplicate
 * job, the sweep racing a timer, a retry after a crash) reads the mark and finds nothing due, and two
 * runs at the same moment meet on the ticket's version, the loser re-reading the mark.
 *
 * The ticket service's `escalate` cannot be used for this: marking first and escalating in a second
 * call would escalate twice when two runs race, or never when the process dies in between, and it
 * has no room for the breach in its audit event. The escalation here goes through the same state
 * machine (`transition`) and the same clock rules (`syncClocks`) as the service's.
 */
import { HelplineError } from '../errors.ts';
import { calendarById } from '../sla/calendars/builtin.ts';
import { markBreached, markWarned, pauseClock, resumeClock, stopClock } from '../sla/clock.ts';
import { evaluateClocks, nextTier } from '../sla/escalation.ts';
import { dueIso } from '../sla/ops.ts';
import type { CalendarSet, SlaClock } from '../sla/types.ts';
import { transition } from '../tickets/lifecycle.ts';
import { type SlaOps, syncClocks } from '../tickets/sla-sync.ts';
import type { TicketStore } from '../tickets/ticket-store.ts';
import type { NewTicketEvent, Ticket, Tier } from '../tickets/types.ts';
import { carriesTimers } from './schedule.ts';

/** The actor SLA timers write in the audit log. */
export const SLA_ACTOR = 'helpline';

/** One event that was marked (and, for a breach, escalated) by `recordDueEvents`. */
export interface RecordedSlaEvent {
  kind: 'warn' | 'breach';
  /** The clock as stored, with its mark. */
  clock: SlaClock;
  /** When the threshold was crossed (ISO). */
  at: string;
  /** The tier change a breach made; null for a warning or a breach already at the top tier. */
  escalation: { from: Tier; to: Tier; previousAssigneeId: string | null } | null;
}

/** Thrown inside the mutation to leave the ticket untouched (nothing is due on a re-read). */
class NothingDue extends Error {}

/**
 * Records every SLA event due on the ticket as of `now`. Returns the stored ticket and the events
 * recorded now (empty, with the ticket as read, when nothing was due).
 *
 * `sla` moves the clocks an escalation affects (a paused resolution clock resumes when the ticket
 * goes back to a queue); by default the calendar-only clock operations are used, which is all an
 * escalation needs.
 */
export async function recordDueEvents(
  store: TicketStore,
  ticketId: string,
  calendars: CalendarSet,
  now: Date,
  sla: SlaOps = clockOps(calendars),
): Promise<{ ticket: Ticket | undefined; recorded: RecordedSlaEvent[] }> {
  let recorded: RecordedSlaEvent[] = [];
  try {
    const ticket = await store.mutate(ticketId, (current) => {
      const change = markDue(current, calendars, now, sla);
      if (!change) throw new NothingDue();
      recorded = change.recorded;
      return { ticket: change.ticket, events: change.events };
    });
    return { ticket, recorded };
  } catch (err) {
    if (!(err instanceof NothingDue)) throw err;
    return { ticket: await store.get(ticketId), recorded: [] };
  }
}

/** The ticket with its due events marked and breaches escalated, or undefined when nothing is due. */
export function markDue(
  current: Ticket,
  calendars: CalendarSet,
  now: Date,
  sla: SlaOps,
): { ticket: Ticket; events: NewTicketEvent[]; recorded: RecordedSlaEvent[] } | undefined {
  if (!carriesTimers(current)) return undefined;
  const due = evaluateClocks(current.clocks, calendars, now);
  if (due.length === 0) return undefined;

  const nowIso = now.toISOString();
  const clocks = [...current.clocks];
  const events: NewTicketEvent[] = [];
  const recorded: RecordedSlaEvent[] = [];
  let ticket = current;
  for (const event of due) {
    const i = clocks.indexOf(event.clock);
    const at = event.at.toISOString();
    const base = { ticketId: current.id, at: nowIso, actor: SLA_ACTOR, reason: null };
    const about = { clock: event.clock.kind, severity: event.clock.severity };
    if (event.kind === 'warn') {
      clocks[i] = markWarned(event.clock, event.at);
      events.push({
        ...base,
        action: 'sla_warned',
        from: null,
        to: null,
        data: { ...about, warnedAt: at, dueAt: dueIso(event.clock, calendars) ?? null },
      });
      recorded.push({ kind: 'warn', clock: clocks[i], at, escalation: null });
      continue;
    }
    clocks[i] = markBreached(event.clock, event.at);
    const from = ticket.tier;
    const to = from === 'manager' ? null : nextTier(from);
    events.push({
      ...base,
      action: 'sla_breached',
      from,
      to,
      data: { ...about, dueAt: at, tier: to ?? from, escalated: to !== null },
    });
    let escalation: RecordedSlaEvent['escalation'] = null;
    if (to !== null) {
      const reason = `SLA breach: the ${event.clock.severity} ${label(event.clock)} deadline passed at ${at}`;
      const step = transition(ticket, { type: 'escalate', reason }, SLA_ACTOR, now);
      ticket = step.ticket;
      // Which breach escalated: a reader of the audit log (and a test) can tie the two together.
      events.push({
        ...step.event,
        data: { ...step.event.data, slaBreach: { clock: event.clock.kind, dueAt: at } },
      });
      escalation = { from, to, previousAssigneeId: current.assigneeId };
    }
    recorded.push({ kind: 'breach', clock: clocks[i], at, escalation });
  }

  const next: Ticket = { ...ticket, clocks, updatedAt: nowIso };
  if (next.status !== current.status) next.clocks = syncClocks(next, sla, now);
  // Report the clocks as stored (an escalation may have resumed one).
  for (const r of recorded) r.clock = next.clocks.find((c) => c.kind === r.clock.kind) ?? r.clock;
  return { ticket: next, events, recorded };
}

const label = (clock: SlaClock) => (clock.kind === 'first_response' ? 'first-response' : 'resolution');

/**
 * The clock operations that need only calendars. Starting or retargeting a clock needs the SLA
 * policy; an escalation does neither (the severity does not change), so they refuse with a message.
 */
export function clockOps(calendars: CalendarSet): SlaOps {
  const cal = (c: SlaClock) => calendarById(calendars, c.calendarId);
  const needsPolicy = (what: string) => (): never => {
    throw new HelplineError(
      'INTERNAL',
      `SLA timers cannot ${what} a clock without the SLA policy: pass the ticket service's SlaOps as \`sla\` to createSlaTimers.`,
    );
  };
  return {
    start: needsPolicy('start'),
    retarget: needsPolicy('retarget'),
    pause: (c, now) => pauseClock(c, cal(c), now),
    resume: (c, now) => resumeClock(c, now),
    stop: (c, now) => stopClock(c, cal(c), now),
  };
}
