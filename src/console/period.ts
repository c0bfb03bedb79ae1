/**
 * The periods the KPIs and the monthly report cover, read in the service's time zone: a date means
 * that whole local day, a month that whole local month. The service's zone is the zone of the
 * business calendar the P3 policy counts on (built-in: cn-business, Asia/Shanghai), so "busiest
 * hours" and "tickets per day" read as the help desk's own clock does.
 */
import { HelplineError } from '../errors.ts';
import type { CalendarSet, SlaPolicy } from '../sla/types.ts';
import { DAY_MS, formatDate, instantToWall, isValidTimeZone, parseDate, wallToInstant } from '../sla/zone.ts';

const DEFAULT_ZONE = 'Asia/Shanghai';
/** The longest period one call may ask for. */
const MAX_PERIOD_DAYS = 400;

export interface Period {
  from: Date;
  to: Date;
  timeZone: string;
}

export function serviceZone(policy: SlaPolicy, calendars: CalendarSet): string {
  const cal = calendars[policy.P3.calendar];
  return cal && !cal.alwaysOpen && cal.timeZone ? cal.timeZone : DEFAULT_ZONE;
}

const bad = (message: string) => new HelplineError('BAD_REQUEST', message);

/** The instant a local date starts in the zone. */
const dayStart = (day: number, timeZone: string) => new Date(wallToInstant(timeZone, day * DAY_MS));

/** The local date ('YYYY-MM-DD') of an instant in the zone. */
export const localDay = (ms: number, timeZone: string) =>
  formatDate(Math.floor(instantToWall(timeZone, ms) / DAY_MS));

/** The local hour (0–23) of an instant in the zone. */
export const localHour = (ms: number, timeZone: string) =>
  Math.floor((((instantToWall(timeZone, ms) % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000);

function edge(value: string, name: 'from' | 'to', timeZone: string): Date {
  const day = parseDate(value);
  // A date is a whole local day: `from` its start, `to` its end (the next day's start).
  if (day !== null) return dayStart(name === 'to' ? day + 1 : day, timeZone);
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw bad(`"${name}" must be a date like 2026-11-01 or an ISO time like 2026-11-01T09:00:00+08:00.`);
  }
  return new Date(ms);
}

/**
 * `from`/`to` from a query: dates (whole local days, both included) or ISO times (`to` excluded).
 * With neither, the last 30 days up to now.
 */
export function parsePeriod(
  q: { from?: string; to?: string; tz?: string },
  defaults: { now: Date; timeZone: string },
): Period {
  const timeZone = q.tz || defaults.timeZone;
  if (!isValidTimeZone(timeZone)) throw bad(`"tz" must be an IANA time zone like Asia/Shanghai or UTC.`);
  const to = q.to ? edge(q.to, 'to', timeZone) : new Date(defaults.now.getTime() + 1000);
  const from = q.from ? edge(q.from, 'from', timeZone) : new Date(to.getTime() - 30 * DAY_MS);
  if (from >= to) throw bad('"from" must be before "to".');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw bad(`Ask for at most ${MAX_PERIOD_DAYS} days at a time.`);
  }
  return { from, to, timeZone };
}

/** A month ('2026-11') as a period in the zone; a clear error for anything else. */
export function monthPeriod(month: string, timeZone: string): Period {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const first = m ? parseDate(`${m[1]}-${m[2]}-01`) : null;
  if (!m || first === null) throw bad(`A report month looks like 2026-11; got "${month.slice(0, 20)}".`);
  const next =
    m[2] === '12' ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(Number(m[2]) + 1).padStart(2, '0')}-01`;
  return { from: dayStart(first, timeZone), to: dayStart(parseDate(next)!, timeZone), timeZone };
}

/** The month before ('2026-01' → '2025-12'). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Every local date from `from` up to (not including) `to`. */
export function daysOf(period: Period): string[] {
  const first = parseDate(localDay(period.from.getTime(), period.timeZone))!;
  const last = parseDate(localDay(period.to.getTime() - 1, period.timeZone))!;
  const days: string[] = [];
  for (let d = first; d <= last; d += 1) days.push(formatDate(d));
  return days;
}
