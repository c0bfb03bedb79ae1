import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import {
  addCalendarTime,
  calendarTimeBetween,
  isWorkingDate,
  isWorkingTime,
  nextWorkingTime,
  workingDayMs,
} from '../../src/sla/calendar.ts';
import { ALWAYS_OPEN, CN_BUSINESS } from '../../src/sla/calendars/builtin.ts';
import type { BusinessCalendar } from '../../src/sla/types.ts';
import { H, MIN, NEW_YORK, random, sh } from './fixtures.ts';

// 2025-03-03 is a Monday with no holiday that week.
const add = (start: string, ms: number) => sh(addCalendarTime(CN_BUSINESS, start, ms));

describe('cn-business: 09:00–12:00 and 13:00–18:00 Beijing time, Monday–Friday', () => {
  it('has an 8-hour business day (lunch hour off)', () => {
    expect(workingDayMs(CN_BUSINESS)).toBe(8 * H);
    expect(workingDayMs(NEW_YORK)).toBe(9 * H);
    expect(workingDayMs(ALWAYS_OPEN)).toBe(24 * H);
  });

  it('knows working time: span starts count, span ends and lunch do not', () => {
    expect(isWorkingTime(CN_BUSINESS, '2025-03-03T09:00:00+08:00')).toBe(true);
    expect(isWorkingTime(CN_BUSINESS, '2025-03-03T08:59:59+08:00')).toBe(false);
    expect(isWorkingTime(CN_BUSINESS, '2025-03-03T11:59:59+08:00')).toBe(true);
    expect(isWorkingTime(CN_BUSINESS, '2025-03-03T12:30:00+08:00')).toBe(false);
    expect(isWorkingTime(CN_BUSINESS, '2025-03-03T13:00:00+08:00')).toBe(true);
    expect(isWorkingTime(CN_BUSINESS, '2025-03-03T18:00:00+08:00')).toBe(false);
    expect(isWorkingTime(CN_BUSINESS, '2025-03-08T10:00:00+08:00')).toBe(false); // Saturday
    // The same instant written in UTC.
    expect(isWorkingTime(CN_BUSINESS, '2025-03-03T01:00:00Z')).toBe(true);
  });

  it('adds time within a span and across the lunch hour', () => {
    expect(add('2025-03-03T09:30:00+08:00', 2 * H)).toBe('2025-03-03T11:30:00+08:00');
    expect(add('2025-03-03T11:00:00+08:00', 2 * H)).toBe('2025-03-03T14:00:00+08:00');
    expect(add('2025-03-03T12:20:00+08:00', 30 * MIN)).toBe('2025-03-03T13:30:00+08:00');
  });

  it('adds time across the night', () => {
    expect(add('2025-03-03T17:00:00+08:00', 2 * H)).toBe('2025-03-04T10:00:00+08:00');
    expect(add('2025-03-03T22:00:00+08:00', 1 * H)).toBe('2025-03-04T10:00:00+08:00');
    expect(add('2025-03-04T03:00:00+08:00', 8 * H)).toBe('2025-03-04T18:00:00+08:00');
  });

  it('is due at the end of a span when the budget runs out there, not the next morning', () => {
    expect(add('2025-03-03T17:00:00+08:00', 1 * H)).toBe('2025-03-03T18:00:00+08:00');
    expect(add('2025-03-03T10:00:00+08:00', 2 * H)).toBe('2025-03-03T12:00:00+08:00');
  });

  it('skips the weekend: P2 4 business hours opened Friday 16:00 is due Monday 11:00', () => {
    expect(add('2025-03-07T16:00:00+08:00', 4 * H)).toBe('2025-03-10T11:00:00+08:00');
    expect(add('2025-03-08T10:00:00+08:00', 1 * H)).toBe('2025-03-10T10:00:00+08:00');
  });

  it('counts whole business days and weeks', () => {
    expect(add('2025-03-03T09:00:00+08:00', 40 * H)).toBe('2025-03-07T18:00:00+08:00');
    expect(add('2025-03-03T14:00:00+08:00', 40 * H)).toBe('2025-03-10T14:00:00+08:00');
  });

  it('adds nothing for 0 ms, even at night', () => {
    expect(add('2025-03-03T22:00:00+08:00', 0)).toBe('2025-03-03T22:00:00+08:00');
  });

  it('measures working time between two instants', () => {
    const between = (a: string, b: string) => calendarTimeBetween(CN_BUSINESS, a, b);
    expect(between('2025-03-03T09:00:00+08:00', '2025-03-07T18:00:00+08:00')).toBe(40 * H);
    expect(between('2025-03-07T16:00:00+08:00', '2025-03-10T11:00:00+08:00')).toBe(4 * H);
    expect(between('2025-03-03T12:05:00+08:00', '2025-03-03T12:55:00+08:00')).toBe(0);
    expect(between('2025-03-03T11:00:00+08:00', '2025-03-03T14:00:00+08:00')).toBe(2 * H);
    expect(between('2025-03-03T14:00:00+08:00', '2025-03-03T11:00:00+08:00')).toBe(0);
  });

  it('finds the next working moment', () => {
    expect(sh(nextWorkingTime(CN_BUSINESS, '2025-03-07T18:30:00+08:00'))).toBe('2025-03-10T09:00:00+08:00');
    expect(sh(nextWorkingTime(CN_BUSINESS, '2025-03-03T12:10:00+08:00'))).toBe('2025-03-03T13:00:00+08:00');
    expect(sh(nextWorkingTime(CN_BUSINESS, '2025-03-03T10:10:00+08:00'))).toBe('2025-03-03T10:10:00+08:00');
  });

  it('adding then measuring gives back the budget (seeded property check over 2025–2026)', () => {
    const rnd = random(20250930);
    const from = Date.parse('2025-01-01T00:00:00Z');
    const span = Date.parse('2026-12-01T00:00:00Z') - from;
    for (let i = 0; i < 500; i++) {
      const start = new Date(from + Math.floor(rnd() * span));
      const ms = Math.floor(rnd() * 60 * H);
      const due = addCalendarTime(CN_BUSINESS, start, ms);
      expect(calendarTimeBetween(CN_BUSINESS, start, due)).toBe(ms);
      // Earliest such instant: the millisecond before it was working time (unless nothing was added).
      if (ms > 0) expect(isWorkingTime(CN_BUSINESS, due.getTime() - 1)).toBe(true);
    }
  });
});

describe('other calendar shapes', () => {
  it('24×7 counts every millisecond', () => {
    expect(addCalendarTime(ALWAYS_OPEN, '2025-10-01T03:00:00+08:00', 15 * MIN).toISOString()).toBe(
      '2025-09-30T19:15:00.000Z',
    );
    expect(calendarTimeBetween(ALWAYS_OPEN, '2025-10-01T00:00:00+08:00', '2025-10-08T00:00:00+08:00')).toBe(
      7 * 24 * H,
    );
    expect(isWorkingTime(ALWAYS_OPEN, '2025-10-01T03:00:00+08:00')).toBe(true);
    expect(isWorkingDate(ALWAYS_OPEN, '2025-10-01')).toBe(true);
  });

  it('allows several spans a day, a weekend shift and a span ending at midnight', () => {
    const shifts: BusinessCalendar = {
      id: 'shifts',
      timeZone: 'Asia/Singapore',
      workingHours: [
        { start: '20:00', end: '24:00' },
        { start: '08:00', end: '11:00' },
        { start: '14:00', end: '17:00' },
      ],
      weekdays: [1, 2, 3, 4, 5, 6],
    };
    expect(workingDayMs(shifts)).toBe(10 * H);
    const at = (iso: string, ms: number) => addCalendarTime(shifts, iso, ms).toISOString();
    // Saturday 2025-03-08 23:00 SGT: 1 h until midnight, Sunday off, Monday 08:00 + 1 h.
    expect(at('2025-03-08T23:00:00+08:00', 2 * H)).toBe('2025-03-10T01:00:00.000Z');
    expect(at('2025-03-10T10:00:00+08:00', 5 * H)).toBe('2025-03-10T13:00:00.000Z'); // 1 h + 3 h + 1 h → 21:00 SGT
    expect(calendarTimeBetween(shifts, '2025-03-10T00:00:00+08:00', '2025-03-11T00:00:00+08:00')).toBe(
      10 * H,
    );
  });

  it('touching spans behave as one', () => {
    const split: BusinessCalendar = {
      id: 'split',
      workingHours: [
        { start: '09:00', end: '12:00' },
        { start: '12:00', end: '18:00' },
      ],
    };
    expect(sh(addCalendarTime(split, '2025-03-03T11:00:00+08:00', 2 * H))).toBe('2025-03-03T13:00:00+08:00');
    expect(workingDayMs(split)).toBe(9 * H);
  });

  it('defaults to Asia/Shanghai and Monday–Friday', () => {
    const plain: BusinessCalendar = { id: 'plain', workingHours: [{ start: '09:00', end: '18:00' }] };
    expect(sh(addCalendarTime(plain, '2025-03-07T16:00:00+08:00', 4 * H))).toBe('2025-03-10T11:00:00+08:00');
  });

  it('reports a calendar whose working days have run out instead of walking forever', () => {
    const once: BusinessCalendar = {
      id: 'once',
      workingHours: [{ start: '09:00', end: '18:00' }],
      weekdays: [],
      workdays: ['2025-03-03'],
    };
    expect(sh(addCalendarTime(once, '2025-03-01T00:00:00+08:00', 9 * H))).toBe('2025-03-03T18:00:00+08:00');
    expect(() => addCalendarTime(once, '2025-03-01T00:00:00+08:00', 10 * H)).toThrow(
      /no working day in the 10 years/,
    );
  });
});

describe('arguments', () => {
  it('refuses times without a zone, which would depend on the server', () => {
    try {
      addCalendarTime(CN_BUSINESS, '2025-03-03T09:00:00', H);
      expect.unreachable();
    } catch (err) {
      expect(isHelplineError(err, 'SLA_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(/2025-09-30T17:00:00\+08:00/);
    }
    expect(() => addCalendarTime(CN_BUSINESS, 'yesterday', H)).toThrow(/not an ISO time/);
  });

  it('accepts Date and epoch ms', () => {
    const d = new Date('2025-03-03T01:00:00Z');
    expect(addCalendarTime(CN_BUSINESS, d, H).toISOString()).toBe('2025-03-03T02:00:00.000Z');
    expect(addCalendarTime(CN_BUSINESS, d.getTime(), H).toISOString()).toBe('2025-03-03T02:00:00.000Z');
  });

  it('refuses negative or non-finite budgets', () => {
    expect(() => addCalendarTime(CN_BUSINESS, '2025-03-03T09:00:00+08:00', -1)).toThrow(/non-negative/);
    expect(() => addCalendarTime(CN_BUSINESS, '2025-03-03T09:00:00+08:00', Number.NaN)).toThrow(
      /non-negative/,
    );
  });

  it('refuses an invalid calendar on first use with SLA_INVALID and the problems', () => {
    const bad: BusinessCalendar = {
      id: 'bad',
      timeZone: 'Asia/Shangai',
      workingHours: [{ start: '9:00', end: '18:00' }],
    };
    try {
      isWorkingTime(bad, '2025-03-03T09:00:00+08:00');
      expect.unreachable();
    } catch (err) {
      expect(isHelplineError(err, 'SLA_INVALID')).toBe(true);
      expect((err as { details: string[] }).details).toHaveLength(2);
    }
  });
});
