/**
 * A ticket's SLA clocks as delayed jobs on the 'sla' queue (DESIGN §2 flow 6, §7): one job per clock
 * and stage, with the deterministic id `sla:<ticket id>:<clock kind>:<stage>`, so re-syncing is
 * "remove the old one, add the new one" and costs nothing when nothing moved.
 *
 * The jobs are only alarms: the deadlines live in the database (sla_clocks), the job handler
 * re-reads the ticket and decides with the pure SLA engine, and the sweep rebuilds every job from
 * the database. A lost, early or duplicated job therefore never changes what happens — only when.
 *
 * Child tickets of a mass incident (parentId set) carry no timers: the parent incident carries the
 * SLA for every report linked to it, and warning or escalating each report would page the same
 * people once per reporter. Closed and resolved tickets carry none either.
 */
import type { JobRunner } from '../jobs/types.ts';
import { calendarById } from '../sla/calendars/builtin.ts';
import { dueAt, warnAt, warnThresholdMs } from '../sla/clock.ts';
import type { BusinessCalendar, CalendarSet, ClockKind, SlaClock } from '../sla/types.ts';
import { isOpen } from '../tickets/lifecycle.ts';
import type { Ticket } from '../tickets/types.ts';

export const SLA_QUEUE = 'sla';
/** The job name of every SLA timer. */
export const SLA_FIRE = 'sla-fire';

/** 'warn': 75% of the budget consumed; 'breach': 100%. */
export type TimerStage = 'warn' | 'breach';

export const CLOCK_KINDS: readonly ClockKind[] = ['first_response', 'resolution'];
export const TIMER_STAGES: readonly TimerStage[] = ['warn', 'breach'];

/** The payload of an 'sla-fire' job. The handler re-reads the ticket; this only says why it woke. */
export interface SlaTimerData {
  ticketId: string;
  kind: ClockKind;
  stage: TimerStage;
}

/** One timer a ticket should have, or should not (`at` null: removed and not added again). */
export interface PlannedTimer extends SlaTimerData {
  id: string;
  at: Date | null;
}

export function timerId(ticketId: string, kind: ClockKind, stage: TimerStage): string {
  return `sla:${ticketId}:${kind}:${stage}`;
}

/** Whether the ticket's clocks are watched at all: open, and not a report linked to an incident. */
export function carriesTimers(ticket: Pick<Ticket, 'status' | 'parentId'>): boolean {
  return isOpen(ticket.status) && ticket.parentId === null;
}

/**
 * When a stage of `clock` should fire: null when stopped or already marked (a breached clock does
 * not warn either); the projected instant while running; `now` when paused with the threshold
 * crossed before the pause and never marked (the handler fires it; a paused clock has no future
 * instant, and its date would only come from a resume, which re-syncs).
 */
export function stageInstant(
  clock: SlaClock,
  cal: BusinessCalendar,
  stage: TimerStage,
  now: Date,
): Date | null {
  if (clock.stoppedAt !== null || clock.breachedAt !== null) return null;
  if (stage === 'warn' && clock.warnedAt !== null) return null;
  if (clock.runningSince !== null) return stage === 'warn' ? warnAt(clock, cal) : dueAt(clock, cal);
  const threshold = stage === 'warn' ? warnThresholdMs(clock) : clock.budgetMs;
  return clock.consumedMs >= threshold ? now : null;
}

/** Every timer id the ticket can have, each with its instant (null: it should have none). */
export function planTimers(ticket: Ticket, calendars: CalendarSet, now: Date): PlannedTimer[] {
  const watched = carriesTimers(ticket);
  return CLOCK_KINDS.flatMap((kind) => {
    const clock = watched ? ticket.clocks.find((c) => c.kind === kind) : undefined;
    const cal = clock && calendarById(calendars, clock.calendarId);
    return TIMER_STAGES.map((stage) => ({
      id: timerId(ticket.id, kind, stage),
      ticketId: ticket.id,
      kind,
      stage,
      at: clock && cal ? stageInstant(clock, cal, stage, now) : null,
    }));
  });
}

/**
 * Makes the runner hold exactly the ticket's current timers: each id is removed and, when its stage
 * has an instant, added again at that instant (delay 0 when it is already past). Idempotent; call it
 * after every change to the ticket. Returns the plan it applied.
 *
 * A job that is running cannot be removed or replaced (the runner ignores both): the 'sla-fire'
 * handler covers its own id by retrying itself (RetryLater) when it fired early, and the sweep
 * repairs any other race within one sweep interval.
 */
export async function syncTimers(
  runner: JobRunner,
  ticket: Ticket,
  calendars: CalendarSet,
  now: Date,
): Promise<PlannedTimer[]> {
  const plan = planTimers(ticket, calendars, now);
  await Promise.all(
    plan.map(async (timer) => {
      await runner.remove(SLA_QUEUE, timer.id);
      if (timer.at === null) return;
      await runner.add<SlaTimerData>(SLA_QUEUE, {
        name: SLA_FIRE,
        id: timer.id,
        data: { ticketId: timer.ticketId, kind: timer.kind, stage: timer.stage },
        delayMs: Math.max(0, timer.at.getTime() - now.getTime()),
      });
    }),
  );
  return plan;
}
