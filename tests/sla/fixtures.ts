/** Calendars and helpers shared by the SLA tests. Every instant is fixed; nothing reads the clock. */
import type { BusinessCalendar } from '../../src/sla/types.ts';
import { HOUR_MS, toZonedIso } from '../../src/sla/zone.ts';

export const H = HOUR_MS;
export const MIN = 60_000;

/** Wall-clock reading in Shanghai with its offset, e.g. '2025-10-09T09:00:00+08:00'. */
export const sh = (d: Date | string | null): string | null =>
  d === null ? null : toZonedIso(d, 'Asia/Shanghai');

/** Same in New York. */
export const ny = (d: Date | string | null): string | null =>
  d === null ? null : toZonedIso(d, 'America/New_York');

/** US office hours, 09:00–18:00 in one span, no holidays: a 9-hour working day. */
export const NEW_YORK: BusinessCalendar = {
  id: 'us-east',
  timeZone: 'America/New_York',
  workingHours: [{ start: '09:00', end: '18:00' }],
  weekdays: [1, 2, 3, 4, 5],
};

/** Deterministic PRNG (mulberry32) for property checks. */
export { prng as random } from '../../src/util/prng.ts';
