/**
 * What the SLA sweep must do now: which clocks crossed 75% (warn the assignee, or the triage channel
 * when unclaimed) or 100% (mark breached, escalate one tier, update the card). Marking a clock
 * (markWarned / markBreached with the event's `at`) is what keeps an event from firing again, so a
 * sweep that runs twice — or after a restart — fires each event once as long as the marks are saved.
 */

import { addCalendarTime } from './calendar.ts';
import { calendarById } from './calendars/builtin.ts';
import { consumedAt, warnThresholdMs } from './clock.ts';
import type { BusinessCalendar, CalendarSet, EscalationTier, SlaClock, SlaEvent } from './types.ts';
import { type Instant, toMs } from './zone.ts';

/** The tier a breach escalates to: L2 → L3 → manager; a manager's breach stays with the manager. */
export function nextTier(tier: EscalationTier): EscalationTier {
  return tier === 'L2' ? 'L3' : 'manager';
}

/**
 * The events due for `clocks` as of `now`, in input order. A clock past 100% that is not marked
 * breached gives 'breach' (and no 'warn': a warning after the deadline is noise); one past 75% that
 * is not marked warned gives 'warn'. Stopped clocks give nothing (their outcome is consumedMs vs
 * budgetMs). Paused clocks can still give an event for a threshold crossed before the pause.
 *
 * Generic so the caller can pass clocks carrying their ticket id and get them back in the events.
 */
export function evaluateClocks<C extends SlaClock>(
  clocks: readonly C[],
  calendars: CalendarSet,
  now: Instant,
): SlaEvent<C>[] {
  const nowMs = toMs(now, 'evaluation time');
  const events: SlaEvent<C>[] = [];
  for (const clock of clocks) {
    if (clock.stoppedAt !== null) continue;
    const cal = calendarById(calendars, clock.calendarId);
    const consumed = consumedAt(clock, cal, nowMs);
    if (consumed >= clock.budgetMs) {
      if (clock.breachedAt === null)
        events.push({ kind: 'breach', clock, at: crossedAt(clock, cal, clock.budgetMs, nowMs) });
    } else if (consumed >= warnThresholdMs(clock) && clock.warnedAt === null) {
      events.push({ kind: 'warn', clock, at: crossedAt(clock, cal, warnThresholdMs(clock), nowMs) });
    }
  }
  return events;
}

/** When the clock reached `thresholdMs`: exact within the current running period, else `now`. */
function crossedAt(clock: SlaClock, cal: BusinessCalendar, thresholdMs: number, nowMs: number): Date {
  if (clock.runningSince !== null && thresholdMs >= clock.consumedMs) {
    return addCalendarTime(cal, clock.runningSince, thresholdMs - clock.consumedMs);
  }
  return new Date(nowMs);
}
