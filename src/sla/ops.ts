/** Binds the pure SLA engine to the configured policy and calendars, as the ticket service wants it. */
import type { SlaOps } from '../tickets/sla-sync.ts';
import { calendarById } from './calendars/builtin.ts';
import { dueAt, pauseClock, resumeClock, retargetClock, startClock, stopClock } from './clock.ts';
import type { CalendarSet, SlaClock, SlaPolicy } from './types.ts';

export function slaOps(policy: SlaPolicy, calendars: CalendarSet): SlaOps {
  const cal = (c: SlaClock) => calendarById(calendars, c.calendarId);
  return {
    start: (kind, severity, now) => startClock(kind, severity, policy, calendars, now),
    pause: (c, now) => pauseClock(c, cal(c), now),
    resume: (c, now) => resumeClock(c, now),
    stop: (c, now) => stopClock(c, cal(c), now),
    retarget: (c, severity, now) => retargetClock(c, severity, policy, calendars, now),
  };
}

/** When a running clock is due, as an ISO string (undefined when paused or stopped). */
export function dueIso(clock: SlaClock | undefined, calendars: CalendarSet): string | undefined {
  if (!clock) return undefined;
  return dueAt(clock, calendarById(calendars, clock.calendarId))?.toISOString();
}
