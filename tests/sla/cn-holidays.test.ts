import { describe, expect, it } from 'vitest';
import {
  addCalendarTime,
  calendarTimeBetween,
  isWorkingDate,
  validateCalendar,
} from '../../src/sla/calendar.ts';
import { CN_BUSINESS } from '../../src/sla/calendars/builtin.ts';
import {
  CN_HOLIDAY_SCHEDULES,
  CN_HOLIDAY_YEARS,
  CN_HOLIDAYS,
  CN_WORKDAYS,
} from '../../src/sla/calendars/cn-holidays.ts';
import { formatDate, isoWeekday, parseDate } from '../../src/sla/zone.ts';
import { H, sh } from './fixtures.ts';

const add = (start: string, ms: number) => sh(addCalendarTime(CN_BUSINESS, start, ms));
const weekday = (date: string) => isoWeekday(parseDate(date)!);

describe('PRC holiday data', () => {
  it('covers 2025 and 2026 and is a valid calendar', () => {
    expect(CN_HOLIDAY_YEARS).toEqual([2025, 2026]);
    expect(validateCalendar(CN_BUSINESS)).toEqual([]);
  });

  it('puts every make-up working day on a weekend and keeps the lists apart', () => {
    for (const day of CN_WORKDAYS) expect([6, 7], day).toContain(weekday(day));
    for (const day of CN_WORKDAYS) expect(CN_HOLIDAYS).not.toContain(day);
    expect(new Set(CN_HOLIDAYS).size).toBe(CN_HOLIDAYS.length);
  });

  it('matches the weekdays the notices print (周二, 周日 …)', () => {
    expect(weekday('2025-01-28')).toBe(2); // 春节 from 除夕, 周二
    expect(weekday('2025-02-04')).toBe(2);
    expect(weekday('2025-10-08')).toBe(3);
    expect(weekday('2026-01-03')).toBe(6);
    expect(weekday('2026-02-15')).toBe(7); // 腊月二十八, 周日
    expect(weekday('2026-02-23')).toBe(1);
    expect(weekday('2026-10-07')).toBe(3);
  });

  it('has the lengths the notices give', () => {
    const lengths = (year: number) =>
      CN_HOLIDAY_SCHEDULES.find((s) => s.year === year)!.periods.map(
        (p) => parseDate(p.to)! - parseDate(p.from)! + 1,
      );
    expect(lengths(2025)).toEqual([1, 8, 3, 5, 3, 8]);
    expect(lengths(2026)).toEqual([3, 9, 3, 5, 3, 3, 7]);
  });

  it('leaves 248 working days in each year: 365 − 104 weekend days − 13 statutory holidays', () => {
    for (const year of [2025, 2026]) {
      let days = 0;
      for (let d = parseDate(`${year}-01-01`)!; d <= parseDate(`${year}-12-31`)!; d++) {
        if (isWorkingDate(CN_BUSINESS, formatDate(d))) days++;
      }
      expect(days, String(year)).toBe(248);
    }
  });

  it('makes every listed holiday a day off and every make-up day a working day', () => {
    for (const day of CN_HOLIDAYS) expect(isWorkingDate(CN_BUSINESS, day), day).toBe(false);
    for (const day of CN_WORKDAYS) expect(isWorkingDate(CN_BUSINESS, day), day).toBe(true);
  });
});

describe('2025 schedule (国办发明电〔2024〕12号)', () => {
  it('National Day: opened 2025-09-30 17:00, the budget continues 2025-10-09 09:00', () => {
    expect(add('2025-09-30T17:00:00+08:00', 1 * H)).toBe('2025-09-30T18:00:00+08:00');
    expect(add('2025-09-30T17:00:00+08:00', 4 * H)).toBe('2025-10-09T12:00:00+08:00');
    expect(add('2025-09-30T17:00:00+08:00', 8 * H)).toBe('2025-10-09T17:00:00+08:00');
    expect(calendarTimeBetween(CN_BUSINESS, '2025-09-30T17:00:00+08:00', '2025-10-09T09:00:00+08:00')).toBe(
      1 * H,
    );
  });

  it('National Day make-up days: Sunday 9/28 and Saturday 10/11 count', () => {
    expect(add('2025-09-27T10:00:00+08:00', 4 * H)).toBe('2025-09-28T14:00:00+08:00');
    expect(add('2025-10-10T17:00:00+08:00', 4 * H)).toBe('2025-10-11T12:00:00+08:00');
  });

  it('Spring Festival: Sunday 1/26 is worked, 1/28–2/4 are off, Saturday 2/8 is worked', () => {
    expect(add('2025-01-25T10:00:00+08:00', 1 * H)).toBe('2025-01-26T10:00:00+08:00');
    expect(add('2025-01-27T17:00:00+08:00', 2 * H)).toBe('2025-02-05T10:00:00+08:00');
    expect(add('2025-02-07T17:00:00+08:00', 2 * H)).toBe('2025-02-08T10:00:00+08:00');
  });

  it("New Year's Day is one day off with no make-up", () => {
    expect(add('2024-12-31T17:00:00+08:00', 2 * H)).toBe('2025-01-02T10:00:00+08:00');
  });

  it('Labour Day: Sunday 4/27 is worked, 5/1–5/5 are off', () => {
    expect(isWorkingDate(CN_BUSINESS, '2025-04-27')).toBe(true);
    expect(add('2025-04-30T17:00:00+08:00', 2 * H)).toBe('2025-05-06T10:00:00+08:00');
  });

  it('Qingming and Dragon Boat: Friday 4/4 and Monday 6/2 are off', () => {
    expect(add('2025-04-03T17:00:00+08:00', 2 * H)).toBe('2025-04-07T10:00:00+08:00');
    expect(add('2025-05-30T17:00:00+08:00', 2 * H)).toBe('2025-06-03T10:00:00+08:00');
  });
});

describe('2026 schedule (国办发明电〔2025〕7号)', () => {
  it('Spring Festival: opened Friday 2026-02-13 17:00, Saturday 2/14 is a make-up working day', () => {
    expect(add('2026-02-13T17:00:00+08:00', 4 * H)).toBe('2026-02-14T12:00:00+08:00');
    expect(add('2026-02-13T17:00:00+08:00', 8 * H)).toBe('2026-02-14T17:00:00+08:00');
    // P3 resolution, 5 business days: 1 h Fri, 8 h Sat 2/14, 2/15–2/23 off, then Tue–Fri.
    expect(add('2026-02-13T17:00:00+08:00', 40 * H)).toBe('2026-02-27T17:00:00+08:00');
    expect(isWorkingDate(CN_BUSINESS, '2026-02-28')).toBe(true);
    expect(isWorkingDate(CN_BUSINESS, '2026-02-23')).toBe(false);
  });

  it("New Year's Day: 1/1–1/3 off, Sunday 1/4 worked", () => {
    expect(add('2025-12-31T17:00:00+08:00', 2 * H)).toBe('2026-01-04T10:00:00+08:00');
  });

  it('Mid-Autumn and National Day: 9/25 and 10/1–10/7 off, Sunday 9/20 and Saturday 10/10 worked', () => {
    expect(add('2026-09-19T10:00:00+08:00', 1 * H)).toBe('2026-09-20T10:00:00+08:00');
    expect(add('2026-09-24T17:00:00+08:00', 2 * H)).toBe('2026-09-28T10:00:00+08:00');
    expect(add('2026-09-30T17:00:00+08:00', 2 * H)).toBe('2026-10-08T10:00:00+08:00');
    expect(add('2026-10-09T17:00:00+08:00', 2 * H)).toBe('2026-10-10T10:00:00+08:00');
  });

  it('Labour Day: 5/1–5/5 off, Saturday 5/9 worked; Dragon Boat: Friday 6/19 off', () => {
    expect(add('2026-04-30T17:00:00+08:00', 2 * H)).toBe('2026-05-06T10:00:00+08:00');
    expect(add('2026-05-08T17:00:00+08:00', 2 * H)).toBe('2026-05-09T10:00:00+08:00');
    expect(add('2026-06-18T17:00:00+08:00', 2 * H)).toBe('2026-06-22T10:00:00+08:00');
  });
});
