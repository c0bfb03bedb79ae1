/**
 * SLA targets per severity (DESIGN §3) and the budget a clock gets from them.
 *
 * A budget is `minutes` of calendar time plus `days` business days, where a business day is the
 * length of the calendar's working day (workingDayMs: 8 h on the built-in cn-business, which takes
 * the lunch hour off; 9 h on a 09:00–18:00 calendar; 24 h on 24x7). Policies are plain JSON so they
 * sit in helpline.config.yaml as they are:
 *
 *   P2: { firstResponseMinutes: 240, resolutionMinutes: 0, resolutionDays: 3, calendar: cn-business }
 */
import { HelplineError } from '../errors.ts';
import { validateCalendar, workingDayMs } from './calendar.ts';
import { calendarById } from './calendars/builtin.ts';
import type {
  BusinessCalendar,
  CalendarSet,
  ClockKind,
  Severity,
  SeverityPolicy,
  SlaPolicy,
} from './types.ts';
import { MINUTE_MS } from './zone.ts';

export const SEVERITIES: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];

/**
 * DESIGN §3: P0 15 min / 4 h around the clock; P1 1 business hour / 1 business day; P2 4 business
 * hours / 3 business days; P3 1 business day / 5 business days, on Chinese office hours.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  P0: { firstResponseMinutes: 15, resolutionMinutes: 4 * 60, calendar: '24x7' },
  P1: { firstResponseMinutes: 60, resolutionMinutes: 0, resolutionDays: 1, calendar: 'cn-business' },
  P2: { firstResponseMinutes: 4 * 60, resolutionMinutes: 0, resolutionDays: 3, calendar: 'cn-business' },
  P3: {
    firstResponseMinutes: 0,
    firstResponseDays: 1,
    resolutionMinutes: 0,
    resolutionDays: 5,
    calendar: 'cn-business',
  },
};

function parts(p: SeverityPolicy, kind: ClockKind): { minutes: number; days: number } {
  return kind === 'first_response'
    ? { minutes: p.firstResponseMinutes, days: p.firstResponseDays ?? 0 }
    : { minutes: p.resolutionMinutes, days: p.resolutionDays ?? 0 };
}

/** The budget, in calendar ms, of a clock of `kind` for `severity`, counted on `calendar`. */
export function budgetMs(
  policy: SlaPolicy,
  severity: Severity,
  kind: ClockKind,
  calendar: BusinessCalendar,
): number {
  const p = policy[severity];
  if (!p)
    throw new HelplineError(
      'SLA_INVALID',
      `The SLA policy has no entry for ${severity}: add one (see DEFAULT_SLA_POLICY).`,
    );
  if (p.calendar !== calendar.id) {
    throw new HelplineError(
      'SLA_INVALID',
      `${severity} counts on calendar "${p.calendar}", but calendar "${calendar.id}" was given: pass the policy's calendar.`,
    );
  }
  const { minutes, days } = parts(p, kind);
  return Math.round(minutes * MINUTE_MS + days * workingDayMs(calendar));
}

/** The severity's calendar, looked up in the set. */
export function policyCalendar(
  policy: SlaPolicy,
  severity: Severity,
  calendars: CalendarSet,
): BusinessCalendar {
  const p = policy[severity];
  if (!p)
    throw new HelplineError(
      'SLA_INVALID',
      `The SLA policy has no entry for ${severity}: add one (see DEFAULT_SLA_POLICY).`,
    );
  return calendarById(calendars, p.calendar);
}

const FIELDS = ['firstResponseMinutes', 'firstResponseDays', 'resolutionMinutes', 'resolutionDays'] as const;

/**
 * Everything wrong with a policy, each message naming the severity and field and what to write.
 * Calendars are checked for existence here; their own problems come from validateCalendars.
 */
export function validatePolicy(policy: SlaPolicy, calendars: CalendarSet): string[] {
  const problems: string[] = [];
  if (policy === null || typeof policy !== 'object') {
    return ['SLA policy: expected an object with P0, P1, P2 and P3 entries (see DEFAULT_SLA_POLICY)'];
  }
  for (const key of Object.keys(policy)) {
    if (!SEVERITIES.includes(key as Severity))
      problems.push(`SLA policy: unknown severity "${key}": use P0, P1, P2 or P3`);
  }
  for (const severity of SEVERITIES) {
    const p = policy[severity];
    const say = (msg: string) => problems.push(`SLA policy ${severity}: ${msg}`);
    if (p === undefined || p === null || typeof p !== 'object') {
      say('is missing: add { firstResponseMinutes, resolutionMinutes, calendar }');
      continue;
    }
    let numbersOk = true;
    for (const field of FIELDS) {
      const value = p[field];
      const optional = field.endsWith('Days');
      if (value === undefined && optional) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        say(
          `${field} must be a number ≥ 0${optional ? ' (business days)' : ' (minutes)'}, got ${JSON.stringify(value)}`,
        );
        numbersOk = false;
      }
    }
    if (typeof p.calendar !== 'string' || !Object.hasOwn(calendars, p.calendar)) {
      say(
        `calendar ${JSON.stringify(p.calendar)} is not defined: use one of ${Object.keys(calendars).join(', ')}, or define it under calendars`,
      );
      continue;
    }
    const cal = calendars[p.calendar];
    if (!numbersOk || validateCalendar(cal).length > 0) continue;
    const first = budgetMs(policy, severity, 'first_response', cal);
    const resolution = budgetMs(policy, severity, 'resolution', cal);
    if (first <= 0)
      say('the first-response budget is zero: set firstResponseMinutes or firstResponseDays above 0');
    if (resolution <= 0)
      say('the resolution budget is zero: set resolutionMinutes or resolutionDays above 0');
    if (first > resolution) {
      say(
        `the first-response budget (${describe(first)}) is longer than the resolution budget (${describe(resolution)}): a ticket cannot be resolved before it is answered; shorten the first or lengthen the second`,
      );
    }
  }
  return problems;
}

export function assertValidPolicy(policy: SlaPolicy, calendars: CalendarSet): void {
  const problems = validatePolicy(policy, calendars);
  if (problems.length > 0) {
    throw new HelplineError('SLA_INVALID', `Invalid SLA policy — ${problems.join('; ')}`, {
      details: problems,
    });
  }
}

function describe(ms: number): string {
  const minutes = ms / MINUTE_MS;
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}
