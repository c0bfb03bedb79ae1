/**
 * Calendars that exist without configuration, and the lookup every clock operation goes through.
 * Configured calendars with the same id replace these (an operator may redefine 'cn-business').
 */
import { HelplineError } from '../../errors.ts';
import type { BusinessCalendar, CalendarSet } from '../types.ts';
import { CN_HOLIDAYS, CN_WORKDAYS } from './cn-holidays.ts';

/** Every hour of every day counts (P0). */
export const ALWAYS_OPEN: BusinessCalendar = { id: '24x7', alwaysOpen: true };

/**
 * Chinese office hours: Monday–Friday 09:00–12:00 and 13:00–18:00 Beijing time, with the lunch hour
 * off — the common 朝九晚六 day of 8 working hours (the statutory 8-hour day), so one business day
 * is 8 h. PRC public holidays and 调休 make-up working days for the years in cn-holidays.ts.
 */
export const CN_BUSINESS: BusinessCalendar = {
  id: 'cn-business',
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:00', end: '18:00' },
  ],
  weekdays: [1, 2, 3, 4, 5],
  holidays: [...CN_HOLIDAYS],
  workdays: [...CN_WORKDAYS],
};

export const BUILTIN_CALENDARS: CalendarSet = {
  [ALWAYS_OPEN.id]: ALWAYS_OPEN,
  [CN_BUSINESS.id]: CN_BUSINESS,
};

/** The built-in calendars plus configured ones; a configured id replaces the built-in of that id. */
export function withBuiltinCalendars(configured: readonly BusinessCalendar[] = []): CalendarSet {
  const set: Record<string, BusinessCalendar> = { ...BUILTIN_CALENDARS };
  for (const cal of configured) set[cal.id] = cal;
  return set;
}

/** The calendar of that id, or an SLA_INVALID error that lists the ids there are. */
export function calendarById(calendars: CalendarSet, id: string): BusinessCalendar {
  const cal = Object.hasOwn(calendars, id) ? calendars[id] : undefined;
  if (!cal) {
    throw new HelplineError(
      'SLA_INVALID',
      `Unknown SLA calendar "${id}": define it under calendars in helpline.config.yaml or use one of ${Object.keys(calendars).join(', ')}.`,
    );
  }
  return cal;
}
