/**
 * A BusinessCalendar checked once and turned into the form the time math runs on: spans in minutes,
 * dates as day numbers in sets, and per-calendar caches of offsets and per-day working intervals.
 */
import { HelplineError } from '../errors.ts';
import type { BusinessCalendar } from './types.ts';
import { isValidTimeZone, parseDate } from './zone.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
export const DEFAULT_WEEKDAYS: readonly number[] = [1, 2, 3, 4, 5];

/** [start, end) in epoch ms. */
export type Interval = readonly [number, number];

export interface CompiledCalendar {
  readonly id: string;
  readonly alwaysOpen: boolean;
  readonly timeZone: string;
  /** Working spans as [start, end) minutes after local midnight, sorted, touching spans merged. */
  readonly spans: readonly (readonly [number, number])[];
  readonly weekdays: ReadonlySet<number>;
  readonly holidays: ReadonlySet<number>;
  readonly workdays: ReadonlySet<number>;
  /** Zone offset at day number k's 00:00 UTC, cached: consecutive days share probes. */
  readonly probes: Map<number, number>;
  /** Working intervals of a local day number, cached. */
  readonly days: Map<number, readonly Interval[]>;
}

const TIME = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes after midnight of 'HH:MM' ('24:00' allowed only as an end), or null. */
function parseTime(value: unknown, isEnd: boolean): number | null {
  if (typeof value !== 'string') return null;
  const m = TIME.exec(value);
  if (!m) return null;
  const minutes = +m[1] * 60 + +m[2];
  if (minutes > 24 * 60 || (minutes === 24 * 60 && !isEnd)) return null;
  return minutes;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A hint for a time written almost right ('9:00' → '09:00'). */
function timeHint(value: unknown): string {
  if (typeof value === 'string') {
    const m = /^(\d{1,2}):?(\d{2})$/.exec(value.trim());
    if (m && +m[1] <= 24 && +m[2] < 60) return `: write it as ${m[1].padStart(2, '0')}:${m[2]}`;
  }
  return ": write it as HH:MM, 24-hour, e.g. '09:00' or '18:30'";
}

/**
 * Everything wrong with a calendar, each message naming the field and what to write instead. Empty
 * when the calendar is usable. Takes `unknown`-ish input because it runs on parsed config.
 */
export function validateCalendar(cal: BusinessCalendar): string[] {
  const problems: string[] = [];
  const name = typeof cal?.id === 'string' && cal.id.trim() !== '' ? `calendar "${cal.id}"` : 'calendar';
  const say = (msg: string) => problems.push(`${name}: ${msg}`);

  if (cal === null || typeof cal !== 'object') {
    return [
      'calendar: expected an object such as { id: "cn-business", workingHours: [{ start: "09:00", end: "18:00" }] }',
    ];
  }
  if (typeof cal.id !== 'string' || cal.id.trim() === '')
    say('id is missing: give the calendar a name such as "cn-business"');

  if (cal.alwaysOpen !== undefined && typeof cal.alwaysOpen !== 'boolean')
    say('alwaysOpen must be true or false');
  if (cal.alwaysOpen === true) {
    const ignored = (['workingHours', 'weekdays', 'holidays', 'workdays'] as const).filter(
      (k) => Array.isArray(cal[k]) && (cal[k] as unknown[]).length > 0,
    );
    if (ignored.length > 0) {
      say(
        `alwaysOpen counts every hour of every day, so ${ignored.join(', ')} would be ignored: remove them, or remove alwaysOpen`,
      );
    }
    if (cal.timeZone !== undefined && !isValidTimeZone(cal.timeZone)) say(zoneProblem(cal.timeZone));
    return problems;
  }

  if (cal.timeZone !== undefined && !isValidTimeZone(cal.timeZone)) say(zoneProblem(cal.timeZone));

  const spans: [number, number][] = [];
  if (!Array.isArray(cal.workingHours) || cal.workingHours.length === 0) {
    say(
      "workingHours is empty: add spans such as [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }], or set alwaysOpen: true",
    );
  } else {
    cal.workingHours.forEach((span, i) => {
      const start = parseTime(span?.start, false);
      const end = parseTime(span?.end, true);
      if (start === null)
        say(`workingHours[${i}].start ${JSON.stringify(span?.start)} is not a time${timeHint(span?.start)}`);
      if (end === null)
        say(`workingHours[${i}].end ${JSON.stringify(span?.end)} is not a time${timeHint(span?.end)}`);
      if (start === null || end === null) return;
      if (end === start)
        say(`workingHours[${i}] ${span.start}–${span.end} is empty: make end later than start`);
      else if (end < start) {
        say(
          `workingHours[${i}] ends (${span.end}) before it starts (${span.start}): spans cannot cross midnight; split a night shift such as 22:00–06:00 into 22:00–24:00 and 00:00–06:00`,
        );
      } else spans.push([start, end]);
    });
    const sorted = [...spans].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      const [ps, pe] = sorted[i - 1];
      const [s, e] = sorted[i];
      if (s < pe) {
        say(
          `workingHours ${hhmm(ps)}–${hhmm(pe)} and ${hhmm(s)}–${hhmm(e)} overlap: make them disjoint, e.g. end the first at ${hhmm(s)}`,
        );
      }
    }
  }

  if (cal.weekdays !== undefined) {
    if (!Array.isArray(cal.weekdays))
      say('weekdays must be a list of ISO weekdays, 1 (Monday) … 7 (Sunday), e.g. [1, 2, 3, 4, 5]');
    else {
      for (const d of cal.weekdays) {
        if (!Number.isInteger(d) || d < 1 || d > 7)
          say(`weekdays contains ${JSON.stringify(d)}: use 1 (Monday) … 7 (Sunday)`);
      }
      const workdays = Array.isArray(cal.workdays) ? cal.workdays.length : 0;
      if (cal.weekdays.length === 0 && workdays === 0) {
        say(
          'weekdays is empty and there are no workdays, so no time would ever count: list working weekdays such as [1, 2, 3, 4, 5]',
        );
      }
    }
  }

  const holidays = dateList(cal.holidays, 'holidays', say);
  const workdays = dateList(cal.workdays, 'workdays', say);
  for (const day of holidays.keys()) {
    if (workdays.has(day)) say(`${holidays.get(day)} is both a holiday and a workday: keep it in one list`);
  }
  return problems;
}

function zoneProblem(zone: unknown): string {
  return `timeZone ${JSON.stringify(zone)} is not a known IANA time zone: use a name such as "Asia/Shanghai", "Asia/Singapore", "Europe/Berlin" or "America/New_York"`;
}

/** Day number → original text of a date list, reporting bad entries. */
function dateList(list: unknown, field: string, say: (msg: string) => void): Map<number, string> {
  const out = new Map<number, string>();
  if (list === undefined) return out;
  if (!Array.isArray(list)) {
    say(`${field} must be a list of dates written YYYY-MM-DD, e.g. ['2025-10-01']`);
    return out;
  }
  for (const value of list) {
    const day = typeof value === 'string' ? parseDate(value) : null;
    if (day === null)
      say(
        `${field} contains ${JSON.stringify(value)}, which is not a date: write YYYY-MM-DD, e.g. 2025-10-01`,
      );
    else out.set(day, value as string);
  }
  return out;
}

/** Every problem of a list of calendars, plus duplicate ids. */
export function validateCalendars(calendars: readonly BusinessCalendar[]): string[] {
  const problems = calendars.flatMap((c) => validateCalendar(c));
  const seen = new Set<string>();
  for (const c of calendars) {
    if (typeof c?.id !== 'string') continue;
    if (seen.has(c.id)) problems.push(`calendar "${c.id}" is defined twice: give each calendar its own id`);
    seen.add(c.id);
  }
  return problems;
}

export function assertValidCalendar(cal: BusinessCalendar): void {
  const problems = validateCalendar(cal);
  if (problems.length > 0) {
    throw new HelplineError('SLA_INVALID', `Invalid SLA calendar — ${problems.join('; ')}`, {
      details: problems,
    });
  }
}

const compiledCache = new WeakMap<BusinessCalendar, CompiledCalendar>();

/** The compiled form of a calendar, validated on first use and cached per calendar object. */
export function compile(cal: BusinessCalendar): CompiledCalendar {
  const cached = compiledCache.get(cal);
  if (cached) return cached;
  assertValidCalendar(cal);
  const spans = (cal.workingHours ?? [])
    .map((s) => [parseTime(s.start, false)!, parseTime(s.end, true)!] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && last[1] === span[0]) last[1] = span[1];
    else merged.push([span[0], span[1]]);
  }
  const compiled: CompiledCalendar = {
    id: cal.id,
    alwaysOpen: cal.alwaysOpen === true,
    timeZone: cal.timeZone ?? DEFAULT_TIME_ZONE,
    spans: merged,
    weekdays: new Set(cal.weekdays ?? DEFAULT_WEEKDAYS),
    holidays: new Set((cal.holidays ?? []).map((d) => parseDate(d)!)),
    workdays: new Set((cal.workdays ?? []).map((d) => parseDate(d)!)),
    probes: new Map(),
    days: new Map(),
  };
  compiledCache.set(cal, compiled);
  return compiled;
}
