/**
 * Many deadlines at once, as on a restart that rebuilds every timer. Correctness only: timing belongs
 * in a benchmark, not in a unit test on a shared machine.
 */
import { describe, expect, it } from 'vitest';
import { calendarTimeBetween, isWorkingTime } from '../../src/sla/calendar.ts';
import { BUILTIN_CALENDARS, calendarById } from '../../src/sla/calendars/builtin.ts';
import { consumedAt, dueAt, pauseClock, resumeClock, startClock } from '../../src/sla/clock.ts';
import { DEFAULT_SLA_POLICY, SEVERITIES } from '../../src/sla/policy.ts';
import type { ClockKind, SlaClock } from '../../src/sla/types.ts';
import { H, random } from './fixtures.ts';

describe('10 000 deadlines', () => {
  it('computes every due date consistently with the time it measures', () => {
    const rnd = random(7);
    const from = Date.parse('2025-01-01T00:00:00+08:00');
    const clocks: SlaClock[] = [];
    for (let i = 0; i < 10_000; i++) {
      const severity = SEVERITIES[i % 4];
      const kind: ClockKind = i % 2 === 0 ? 'first_response' : 'resolution';
      const opened = from + Math.floor(rnd() * 700 * 24 * H);
      let clock = startClock(kind, severity, DEFAULT_SLA_POLICY, BUILTIN_CALENDARS, opened);
      if (i % 3 === 0) {
        const cal = calendarById(BUILTIN_CALENDARS, clock.calendarId);
        clock = pauseClock(clock, cal, opened + Math.floor(rnd() * 4 * H));
        clock = resumeClock(clock, opened + Math.floor((4 + rnd() * 72) * H));
      }
      clocks.push(clock);
    }
    for (const clock of clocks) {
      const cal = calendarById(BUILTIN_CALENDARS, clock.calendarId);
      const due = dueAt(clock, cal)!;
      expect(due.getTime()).toBeGreaterThanOrEqual(Date.parse(clock.runningSince!));
      if (clock.consumedMs < clock.budgetMs) {
        expect(consumedAt(clock, cal, due)).toBe(clock.budgetMs);
        expect(isWorkingTime(cal, due.getTime() - 1)).toBe(true);
      }
      expect(calendarTimeBetween(cal, clock.startedAt, due)).toBeGreaterThanOrEqual(
        clock.budgetMs - clock.consumedMs,
      );
    }
  });
});
