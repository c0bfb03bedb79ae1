/**
 * Calendar time: how much working time lies between two instants, and when a budget of working time
 * runs out. Working hours are wall-clock times in the calendar's zone, so 09:00–18:00 in New York
 * is 09:00–18:00 local on both sides of a DST change. Working time is the real time elapsed inside
 * those spans; the two only differ for a span that contains a DST transition itself (a 00:00–06:00
 * span on a spring-forward night holds 5 h). A span bound that falls in a DST gap starts at the
 * transition; one that falls in an overlap is its first occurrence.
 *
 * The walk goes one local day at a time, from cached per-day intervals: a non-working day costs a set
 * lookup, a working day one Intl call the first time it is seen. Calendars of 10 years with no
 * working day are reported rather than walked forever.
 */
import { HelplineError } from '../errors.ts';
import { type CompiledCalendar, compile, type Interval } from './calendar-rules.ts';
import type { BusinessCalendar } from './types.ts';
import {
  DAY_MS,
  type Instant,
  instantToWall,
  isoWeekday,
  MINUTE_MS,
  offsetAt,
  parseDate,
  toMs,
  wallToInstant,
} from './zone.ts';

export {
  assertValidCalendar,
  DEFAULT_TIME_ZONE,
  DEFAULT_WEEKDAYS,
  validateCalendar,
  validateCalendars,
} from './calendar-rules.ts';
export type { BusinessCalendar, WorkingSpan } from './types.ts';

/** Longest run of non-working days walked before the calendar is declared empty. */
const MAX_IDLE_DAYS = 3660;
/** Cached days and offset probes per calendar before the cache starts over. */
const MAX_CACHED = 4096;
const NONE: readonly Interval[] = [];

/**
 * The length of one working day: the sum of the working spans (wall-clock), 24 h when alwaysOpen.
 * This is what "1 business day" means in a policy.
 */
export function workingDayMs(cal: BusinessCalendar): number {
  const c = compile(cal);
  if (c.alwaysOpen) return DAY_MS;
  return c.spans.reduce((sum, [s, e]) => sum + (e - s) * MINUTE_MS, 0);
}

/** Whether `instant` is inside working time (a span's start counts, its end does not). */
export function isWorkingTime(cal: BusinessCalendar, instant: Instant): boolean {
  const c = compile(cal);
  const t = toMs(instant);
  if (c.alwaysOpen) return true;
  return dayIntervals(c, localDay(c, t)).some(([s, e]) => s <= t && t < e);
}

/** Whether a local date 'YYYY-MM-DD' is a working day on the calendar (always, when alwaysOpen). */
export function isWorkingDate(cal: BusinessCalendar, date: string): boolean {
  const c = compile(cal);
  const day = parseDate(date);
  if (day === null)
    throw new HelplineError('SLA_INVALID', `${JSON.stringify(date)} is not a date: write YYYY-MM-DD.`);
  return c.alwaysOpen || isWorkingDay(c, day);
}

/** Make-up workdays win, then holidays, then the weekday rule. */
function isWorkingDay(c: CompiledCalendar, day: number): boolean {
  if (c.workdays.has(day)) return true;
  if (c.holidays.has(day)) return false;
  return c.weekdays.has(isoWeekday(day));
}

/**
 * The instant at which `ms` of working time has elapsed from `start`: the earliest instant t with
 * calendarTimeBetween(cal, start, t) === ms. So a budget that runs out at a span's end is due at
 * 18:00, not the next morning; `ms` = 0 gives `start` itself.
 */
export function addCalendarTime(cal: BusinessCalendar, start: Instant, ms: number): Date {
  const c = compile(cal);
  const t0 = toMs(start, 'start time');
  if (!Number.isFinite(ms) || ms < 0) {
    throw new HelplineError(
      'SLA_INVALID',
      `Working time to add must be a non-negative number of ms, got ${ms}.`,
    );
  }
  if (c.alwaysOpen || ms === 0) return new Date(t0 + ms);
  let remaining = ms;
  let idle = 0;
  for (let day = localDay(c, t0); ; day++) {
    const intervals = dayIntervals(c, day);
    for (const [s, e] of intervals) {
      if (e <= t0) continue;
      const from = Math.max(s, t0);
      if (remaining <= e - from) return new Date(from + remaining);
      remaining -= e - from;
    }
    idle = intervals.length > 0 ? 0 : idle + 1;
    if (idle > MAX_IDLE_DAYS) throw noWorkingTime(c, t0);
  }
}

/** Working ms in [from, to); 0 when `to` is not after `from`. */
export function calendarTimeBetween(cal: BusinessCalendar, from: Instant, to: Instant): number {
  const c = compile(cal);
  const a = toMs(from, 'start time');
  const b = toMs(to, 'end time');
  if (b <= a) return 0;
  if (c.alwaysOpen) return b - a;
  let total = 0;
  const last = localDay(c, b);
  for (let day = localDay(c, a); day <= last; day++) {
    for (const [s, e] of dayIntervals(c, day)) {
      const overlap = Math.min(e, b) - Math.max(s, a);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/** `instant` itself when it is working time, otherwise the start of the next working span. */
export function nextWorkingTime(cal: BusinessCalendar, instant: Instant): Date {
  const c = compile(cal);
  const t0 = toMs(instant);
  if (c.alwaysOpen) return new Date(t0);
  let idle = 0;
  for (let day = localDay(c, t0); ; day++) {
    const intervals = dayIntervals(c, day);
    for (const [s, e] of intervals) if (e > t0) return new Date(Math.max(s, t0));
    idle = intervals.length > 0 ? 0 : idle + 1;
    if (idle > MAX_IDLE_DAYS) throw noWorkingTime(c, t0);
  }
}

function noWorkingTime(c: CompiledCalendar, t0: number): HelplineError {
  return new HelplineError(
    'SLA_INVALID',
    `Calendar "${c.id}" has no working day in the 10 years after ${new Date(t0).toISOString()}: add weekdays or workdays to it.`,
  );
}

/** Local day number of an instant; from cached probes when no offset change is near. */
function localDay(c: CompiledCalendar, t: number): number {
  const k = Math.floor(t / DAY_MS);
  const offset = probe(c, k - 1);
  if (offset === probe(c, k + 2)) return Math.floor((t + offset) / DAY_MS);
  return Math.floor(instantToWall(c.timeZone, t) / DAY_MS);
}

function probe(c: CompiledCalendar, k: number): number {
  let offset = c.probes.get(k);
  if (offset === undefined) {
    offset = offsetAt(c.timeZone, k * DAY_MS);
    if (c.probes.size >= MAX_CACHED) c.probes.clear();
    c.probes.set(k, offset);
  }
  return offset;
}

/** The working intervals (epoch ms) of local day number `day`, in order. */
function dayIntervals(c: CompiledCalendar, day: number): readonly Interval[] {
  if (!isWorkingDay(c, day)) return NONE;
  const cached = c.days.get(day);
  if (cached) return cached;
  // Local day `day` lies within [day − 14 h, day + 38 h] UTC; equal offsets a day beyond both ends
  // mean no transition inside it, and every bound is wall − offset.
  const before = probe(c, day - 1);
  const steady = before === probe(c, day + 2);
  const base = day * DAY_MS;
  const out: Interval[] = [];
  for (const [s, e] of c.spans) {
    const ws = base + s * MINUTE_MS;
    const we = base + e * MINUTE_MS;
    const a = steady ? ws - before : wallToInstant(c.timeZone, ws);
    const b = steady ? we - before : wallToInstant(c.timeZone, we);
    if (b > a) out.push([a, b]);
  }
  if (c.days.size >= MAX_CACHED) c.days.clear();
  c.days.set(day, out);
  return out;
}
