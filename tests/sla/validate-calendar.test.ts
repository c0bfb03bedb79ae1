import { describe, expect, it } from 'vitest';
import { validateCalendar, validateCalendars } from '../../src/sla/calendar.ts';
import { ALWAYS_OPEN, CN_BUSINESS } from '../../src/sla/calendars/builtin.ts';
import type { BusinessCalendar } from '../../src/sla/types.ts';

const base: BusinessCalendar = { id: 'office', workingHours: [{ start: '09:00', end: '18:00' }] };
const problems = (patch: Partial<BusinessCalendar>) =>
  validateCalendar({ ...base, ...patch } as BusinessCalendar);

describe('validateCalendar', () => {
  it('accepts the built-ins and a minimal calendar', () => {
    expect(validateCalendar(CN_BUSINESS)).toEqual([]);
    expect(validateCalendar(ALWAYS_OPEN)).toEqual([]);
    expect(validateCalendar(base)).toEqual([]);
    expect(problems({ workingHours: [{ start: '00:00', end: '24:00' }] })).toEqual([]);
  });

  it('says how to write a time', () => {
    expect(problems({ workingHours: [{ start: '9:00', end: '18:00' }] })).toEqual([
      'calendar "office": workingHours[0].start "9:00" is not a time: write it as 09:00',
    ]);
    expect(problems({ workingHours: [{ start: '09:00', end: '6pm' }] })).toEqual([
      'calendar "office": workingHours[0].end "6pm" is not a time: write it as HH:MM, 24-hour, e.g. \'09:00\' or \'18:30\'',
    ]);
    expect(problems({ workingHours: [{ start: '24:00', end: '24:00' }] })[0]).toMatch(
      /start "24:00" is not a time/,
    );
  });

  it('explains spans that end before they start (no crossing midnight)', () => {
    expect(problems({ workingHours: [{ start: '22:00', end: '06:00' }] })).toEqual([
      'calendar "office": workingHours[0] ends (06:00) before it starts (22:00): spans cannot cross midnight; split a night shift such as 22:00–06:00 into 22:00–24:00 and 00:00–06:00',
    ]);
    expect(problems({ workingHours: [{ start: '09:00', end: '09:00' }] })).toEqual([
      'calendar "office": workingHours[0] 09:00–09:00 is empty: make end later than start',
    ]);
  });

  it('finds overlapping spans, in any order', () => {
    expect(
      problems({
        workingHours: [
          { start: '12:00', end: '18:00' },
          { start: '09:00', end: '13:00' },
        ],
      }),
    ).toEqual([
      'calendar "office": workingHours 09:00–13:00 and 12:00–18:00 overlap: make them disjoint, e.g. end the first at 12:00',
    ]);
  });

  it('names an unknown time zone and suggests real ones', () => {
    expect(problems({ timeZone: 'Asia/Beijing' })).toEqual([
      'calendar "office": timeZone "Asia/Beijing" is not a known IANA time zone: use a name such as "Asia/Shanghai", "Asia/Singapore", "Europe/Berlin" or "America/New_York"',
    ]);
  });

  it('rejects dates that do not exist and dates in both lists', () => {
    expect(problems({ holidays: ['2025-02-30', '2025/10/01'] })).toEqual([
      'calendar "office": holidays contains "2025-02-30", which is not a date: write YYYY-MM-DD, e.g. 2025-10-01',
      'calendar "office": holidays contains "2025/10/01", which is not a date: write YYYY-MM-DD, e.g. 2025-10-01',
    ]);
    expect(problems({ holidays: ['2025-10-01'], workdays: ['2025-10-01'] })).toEqual([
      'calendar "office": 2025-10-01 is both a holiday and a workday: keep it in one list',
    ]);
  });

  it('checks weekdays', () => {
    expect(problems({ weekdays: [0, 1, 8] })).toEqual([
      'calendar "office": weekdays contains 0: use 1 (Monday) … 7 (Sunday)',
      'calendar "office": weekdays contains 8: use 1 (Monday) … 7 (Sunday)',
    ]);
    expect(problems({ weekdays: [] })).toEqual([
      'calendar "office": weekdays is empty and there are no workdays, so no time would ever count: list working weekdays such as [1, 2, 3, 4, 5]',
    ]);
  });

  it('asks for working hours or alwaysOpen, and flags settings alwaysOpen ignores', () => {
    expect(validateCalendar({ id: 'empty' })).toEqual([
      "calendar \"empty\": workingHours is empty: add spans such as [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }], or set alwaysOpen: true",
    ]);
    expect(validateCalendar({ id: 'always', alwaysOpen: true, holidays: ['2025-10-01'] })).toEqual([
      'calendar "always": alwaysOpen counts every hour of every day, so holidays would be ignored: remove them, or remove alwaysOpen',
    ]);
  });

  it('asks for an id, and for one id per calendar', () => {
    expect(validateCalendar({ ...base, id: '' })).toEqual([
      'calendar: id is missing: give the calendar a name such as "cn-business"',
    ]);
    expect(validateCalendars([base, { ...base }])).toEqual([
      'calendar "office" is defined twice: give each calendar its own id',
    ]);
  });
});
