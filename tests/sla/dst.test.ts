/**
 * America/New_York moves to EDT (UTC−4) at 02:00 on Sunday 2026-03-08 and back to EST (UTC−5) at
 * 02:00 on Sunday 2026-11-01. Working hours are wall-clock hours, so a 09:00–18:00 day is 9 h of
 * working time on both sides, and UTC arithmetic (which would shift the day by an hour) is wrong.
 */
import { describe, expect, it } from 'vitest';
import { addCalendarTime, calendarTimeBetween, isWorkingTime } from '../../src/sla/calendar.ts';
import { ALWAYS_OPEN } from '../../src/sla/calendars/builtin.ts';
import type { BusinessCalendar } from '../../src/sla/types.ts';
import { offsetAt, toZonedIso, wallToInstant } from '../../src/sla/zone.ts';
import { H, MIN, NEW_YORK, ny } from './fixtures.ts';

const SEVEN_DAYS: BusinessCalendar = { ...NEW_YORK, id: 'us-east-7', weekdays: [1, 2, 3, 4, 5, 6, 7] };

describe('DST in America/New_York', () => {
  it('converts wall time to instants on both sides of the changes', () => {
    const zone = 'America/New_York';
    expect(offsetAt(zone, Date.parse('2026-03-06T12:00:00Z'))).toBe(-5 * H);
    expect(offsetAt(zone, Date.parse('2026-03-09T12:00:00Z'))).toBe(-4 * H);
    expect(new Date(wallToInstant(zone, Date.UTC(2026, 2, 9, 9))).toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
    expect(new Date(wallToInstant(zone, Date.UTC(2026, 10, 2, 9))).toISOString()).toBe(
      '2026-11-02T14:00:00.000Z',
    );
    // 02:30 on 3/8 never happens: the first instant after it is the change, 03:00 EDT.
    expect(new Date(wallToInstant(zone, Date.UTC(2026, 2, 8, 2, 30))).toISOString()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
    // 01:30 on 11/1 happens twice: the first time, in EDT.
    expect(new Date(wallToInstant(zone, Date.UTC(2026, 10, 1, 1, 30))).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(toZonedIso('2026-11-01T06:30:00Z', zone)).toBe('2026-11-01T01:30:00-05:00');
  });

  it('spring forward: Friday 09:00 EST + 2 business days is Monday 18:00 EDT', () => {
    const due = addCalendarTime(NEW_YORK, '2026-03-06T09:00:00-05:00', 18 * H);
    expect(ny(due)).toBe('2026-03-09T18:00:00-04:00');
    expect(due.toISOString()).toBe('2026-03-09T22:00:00.000Z');
    expect(calendarTimeBetween(NEW_YORK, '2026-03-06T09:00:00-05:00', '2026-03-09T18:00:00-04:00')).toBe(
      18 * H,
    );
  });

  it('fall back: Friday 09:00 EDT + 2 business days is Monday 18:00 EST', () => {
    const due = addCalendarTime(NEW_YORK, '2026-10-30T09:00:00-04:00', 18 * H);
    expect(ny(due)).toBe('2026-11-02T18:00:00-05:00');
    expect(due.toISOString()).toBe('2026-11-02T23:00:00.000Z');
  });

  it('a working week straddling the change is 45 h and ends at 18:00 local', () => {
    expect(ny(addCalendarTime(NEW_YORK, '2026-03-05T09:00:00-05:00', 45 * H))).toBe(
      '2026-03-11T18:00:00-04:00',
    );
    expect(calendarTimeBetween(NEW_YORK, '2026-03-02T00:00:00-05:00', '2026-03-14T00:00:00-05:00')).toBe(
      90 * H,
    );
    expect(calendarTimeBetween(NEW_YORK, '2026-10-26T00:00:00-04:00', '2026-11-07T00:00:00-05:00')).toBe(
      90 * H,
    );
  });

  it('the changeover Sundays themselves hold a full 9-hour working day', () => {
    expect(calendarTimeBetween(SEVEN_DAYS, '2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00')).toBe(
      9 * H,
    );
    expect(calendarTimeBetween(SEVEN_DAYS, '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00')).toBe(
      9 * H,
    );
    expect(ny(addCalendarTime(SEVEN_DAYS, '2026-03-08T00:00:00-05:00', 9 * H))).toBe(
      '2026-03-08T18:00:00-04:00',
    );
    expect(ny(addCalendarTime(SEVEN_DAYS, '2026-11-01T00:00:00-04:00', 9 * H))).toBe(
      '2026-11-01T18:00:00-05:00',
    );
  });

  it('reads working hours on the local clock, not at a fixed UTC hour', () => {
    // 13:30 UTC is 08:30 EST on Friday (closed) and 09:30 EDT on Monday (open).
    expect(isWorkingTime(NEW_YORK, '2026-03-06T13:30:00Z')).toBe(false);
    expect(isWorkingTime(NEW_YORK, '2026-03-09T13:30:00Z')).toBe(true);
    expect(isWorkingTime(NEW_YORK, '2026-11-02T13:30:00Z')).toBe(false);
    expect(isWorkingTime(NEW_YORK, '2026-11-02T14:30:00Z')).toBe(true);
  });

  it('a span that contains the change holds the real time that passes in it', () => {
    const nights: BusinessCalendar = {
      ...SEVEN_DAYS,
      id: 'nights',
      workingHours: [{ start: '00:00', end: '06:00' }],
    };
    expect(calendarTimeBetween(nights, '2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00')).toBe(5 * H);
    expect(calendarTimeBetween(nights, '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00')).toBe(7 * H);
    // A span starting inside the gap starts at the change.
    const gap: BusinessCalendar = {
      ...SEVEN_DAYS,
      id: 'gap',
      workingHours: [{ start: '02:30', end: '04:00' }],
    };
    expect(calendarTimeBetween(gap, '2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00')).toBe(1 * H);
    expect(ny(addCalendarTime(gap, '2026-03-08T00:00:00-05:00', 30 * MIN))).toBe('2026-03-08T03:30:00-04:00');
  });

  it('24×7 counts real time through the change: the spring-forward day has 23 hours', () => {
    expect(calendarTimeBetween(ALWAYS_OPEN, '2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00')).toBe(
      23 * H,
    );
    expect(addCalendarTime(ALWAYS_OPEN, '2026-03-08T01:50:00-05:00', 15 * MIN).toISOString()).toBe(
      '2026-03-08T07:05:00.000Z',
    );
  });
});
