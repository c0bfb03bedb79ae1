/**
 * SLA clocks as values: every operation takes `now` and returns a new clock; nothing here reads the
 * system time. A clock consumes calendar time while running (`consumedMs` + the calendar time since
 * `runningSince`), stands still while paused (waiting on the employee), and is final once stopped.
 *
 * States, in order of precedence: stopped (final, whatever it consumed) › breached (100% consumed,
 * even while paused) › paused › warning (75%) › running.
 */
import { HelplineError } from '../errors.ts';
import { addCalendarTime, calendarTimeBetween } from './calendar.ts';
import { budgetMs, policyCalendar } from './policy.ts';
import type {
  BusinessCalendar,
  CalendarSet,
  ClockKind,
  ClockState,
  Severity,
  SlaClock,
  SlaPolicy,
} from './types.ts';
import { type Instant, toMs } from './zone.ts';

/** Share of the budget at which the warning goes out. */
export const WARN_FRACTION = 0.75;

const iso = (ms: number) => new Date(ms).toISOString();

function stateError(clock: SlaClock, action: string, why: string): HelplineError {
  return new HelplineError(
    'SLA_CLOCK_STATE',
    `Cannot ${action} the ${clock.severity} ${clock.kind} clock: ${why}.`,
  );
}

function checkCalendar(clock: SlaClock, cal: BusinessCalendar): void {
  if (cal.id !== clock.calendarId) {
    throw new HelplineError(
      'SLA_INVALID',
      `The ${clock.kind} clock counts on calendar "${clock.calendarId}", but calendar "${cal.id}" was given: look the calendar up by clock.calendarId.`,
    );
  }
}

/** A running clock with the budget the policy gives `severity` for `kind`. */
export function startClock(
  kind: ClockKind,
  severity: Severity,
  policy: SlaPolicy,
  calendars: CalendarSet,
  now: Instant,
): SlaClock {
  const cal = policyCalendar(policy, severity, calendars);
  const at = iso(toMs(now, 'start time'));
  return {
    kind,
    severity,
    calendarId: cal.id,
    startedAt: at,
    budgetMs: budgetMs(policy, severity, kind, cal),
    consumedMs: 0,
    runningSince: at,
    stoppedAt: null,
    warnedAt: null,
    breachedAt: null,
  };
}

/** Calendar ms consumed as of `now`. */
export function consumedAt(clock: SlaClock, cal: BusinessCalendar, now: Instant): number {
  checkCalendar(clock, cal);
  if (clock.runningSince === null) return clock.consumedMs;
  return clock.consumedMs + calendarTimeBetween(cal, clock.runningSince, now);
}

/** Stop counting (waiting on the employee); the consumed time so far is kept. */
export function pauseClock(clock: SlaClock, cal: BusinessCalendar, now: Instant): SlaClock {
  if (clock.stoppedAt !== null) throw stateError(clock, 'pause', `it was stopped at ${clock.stoppedAt}`);
  if (clock.runningSince === null) throw stateError(clock, 'pause', 'it is already paused');
  return { ...clock, consumedMs: consumedAt(clock, cal, now), runningSince: null };
}

/** Count again from `now` (the employee answered). */
export function resumeClock(clock: SlaClock, now: Instant): SlaClock {
  if (clock.stoppedAt !== null) throw stateError(clock, 'resume', `it was stopped at ${clock.stoppedAt}`);
  if (clock.runningSince !== null) throw stateError(clock, 'resume', 'it is already running');
  return { ...clock, runningSince: iso(toMs(now, 'resume time')) };
}

/** Stop for good (first response given, ticket resolved); a paused clock may be stopped too. */
export function stopClock(clock: SlaClock, cal: BusinessCalendar, now: Instant): SlaClock {
  if (clock.stoppedAt !== null)
    throw stateError(clock, 'stop', `it was already stopped at ${clock.stoppedAt}`);
  return {
    ...clock,
    consumedMs: consumedAt(clock, cal, now),
    runningSince: null,
    stoppedAt: iso(toMs(now, 'stop time')),
  };
}

/** Calendar ms left as of `now`; negative once breached (by how much it is over). */
export function remainingMs(clock: SlaClock, cal: BusinessCalendar, now: Instant): number {
  return clock.budgetMs - consumedAt(clock, cal, now);
}

/** Consumed calendar ms at which the 75% warning is due. */
export function warnThresholdMs(clock: SlaClock): number {
  return Math.round(clock.budgetMs * WARN_FRACTION);
}

/**
 * When a running clock reaches `thresholdMs` consumed. Null when paused or stopped: the remaining
 * budget is known, the date is not. A threshold already passed before the current running period
 * gives `runningSince` (it was reached no later than that).
 */
function reachesAt(clock: SlaClock, cal: BusinessCalendar, thresholdMs: number): Date | null {
  checkCalendar(clock, cal);
  if (clock.stoppedAt !== null || clock.runningSince === null) return null;
  return addCalendarTime(cal, clock.runningSince, Math.max(0, thresholdMs - clock.consumedMs));
}

/** The deadline of a running clock; null while paused or stopped. */
export function dueAt(clock: SlaClock, cal: BusinessCalendar): Date | null {
  return reachesAt(clock, cal, clock.budgetMs);
}

/** When 75% of the budget will have been consumed; null while paused or stopped. */
export function warnAt(clock: SlaClock, cal: BusinessCalendar): Date | null {
  return reachesAt(clock, cal, warnThresholdMs(clock));
}

export function clockState(clock: SlaClock, cal: BusinessCalendar, now: Instant): ClockState {
  if (clock.stoppedAt !== null) return 'stopped';
  const consumed = consumedAt(clock, cal, now);
  if (consumed >= clock.budgetMs) return 'breached';
  if (clock.runningSince === null) return 'paused';
  if (consumed >= warnThresholdMs(clock)) return 'warning';
  return 'running';
}

/** Record that the warning went out; a clock already marked keeps its first mark. */
export function markWarned(clock: SlaClock, at: Instant): SlaClock {
  return clock.warnedAt !== null ? clock : { ...clock, warnedAt: iso(toMs(at, 'warning time')) };
}

/** Record the breach; a clock already marked keeps its first mark. */
export function markBreached(clock: SlaClock, at: Instant): SlaClock {
  return clock.breachedAt !== null ? clock : { ...clock, breachedAt: iso(toMs(at, 'breach time')) };
}

/**
 * The clock under a new severity: the budget and calendar of `newSeverity`, the consumed calendar
 * time carried over as it is. When the calendar changes (P2 on cn-business → P0 on 24x7), each
 * consumed millisecond counts as one millisecond on the new calendar — it is the working time the
 * team has already had — and counting continues from `now` on the new calendar. Re-measuring the
 * whole history on the new calendar would need the pause history (not kept) and would make an
 * upgrade to P0 on Monday morning count the weekend, breaching on the spot.
 *
 * A mark whose threshold is no longer reached under the new budget is cleared, so a downgraded
 * ticket warns again at 75% of its new budget; a mark still reached stays, so nothing fires twice.
 * Stopped clocks are final: retargeting one throws SLA_CLOCK_STATE.
 */
export function retargetClock(
  clock: SlaClock,
  newSeverity: Severity,
  policy: SlaPolicy,
  calendars: CalendarSet,
  now: Instant,
): SlaClock {
  if (clock.stoppedAt !== null) throw stateError(clock, 'retarget', `it was stopped at ${clock.stoppedAt}`);
  const oldCal = clockCalendar(clock, calendars);
  const consumed = consumedAt(clock, oldCal, now);
  const cal = policyCalendar(policy, newSeverity, calendars);
  const next: SlaClock = {
    ...clock,
    severity: newSeverity,
    calendarId: cal.id,
    budgetMs: budgetMs(policy, newSeverity, clock.kind, cal),
    consumedMs: consumed,
    runningSince: clock.runningSince === null ? null : iso(toMs(now, 'retarget time')),
  };
  if (consumed < warnThresholdMs(next)) next.warnedAt = null;
  if (consumed < next.budgetMs) next.breachedAt = null;
  return next;
}

function clockCalendar(clock: SlaClock, calendars: CalendarSet): BusinessCalendar {
  const cal = Object.hasOwn(calendars, clock.calendarId) ? calendars[clock.calendarId] : undefined;
  if (!cal) {
    throw new HelplineError(
      'SLA_INVALID',
      `The ${clock.kind} clock counts on calendar "${clock.calendarId}", which is not configured: restore it under calendars so the time already consumed can be measured.`,
    );
  }
  return cal;
}
