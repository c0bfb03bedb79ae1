/** SLA data shared by the pure engine (src/sla) and its persistence (src/tickets, sla_clocks table). */

export type Severity = 'P0' | 'P1' | 'P2' | 'P3';

export type ClockKind = 'first_response' | 'resolution';

/**
 * A clock counts *calendar time* (business time on a business calendar, all time on 24×7) against
 * a budget. It is pure data: every operation takes `now` and returns a new clock.
 */
export interface SlaClock {
  kind: ClockKind;
  severity: Severity;
  /** Id of the calendar the budget is counted on (e.g. 'cn-business', '24x7'). */
  calendarId: string;
  /** ISO time the clock was started. */
  startedAt: string;
  /** The whole budget in calendar milliseconds (e.g. 4 business hours = 14_400_000). */
  budgetMs: number;
  /** Calendar milliseconds consumed before the current running period (grows on each pause). */
  consumedMs: number;
  /** ISO time the current running period began; null while paused or stopped. */
  runningSince: string | null;
  /** ISO time the clock was stopped for good (first response given, ticket resolved); null otherwise. */
  stoppedAt: string | null;
  /** ISO time the 75% warning fired, if it did. */
  warnedAt: string | null;
  /** ISO time the budget ran out, if it did. */
  breachedAt: string | null;
}

export type ClockState = 'running' | 'warning' | 'breached' | 'paused' | 'stopped';

/**
 * A severity's targets. Budget = minutes + days × the calendar's business day, where a business day
 * is the length of the calendar's working day (the sum of its `workingHours` spans: 8 h for
 * 09:00–12:00 + 13:00–18:00, 9 h for 09:00–18:00; 24 h on an `alwaysOpen` calendar).
 */
export interface SeverityPolicy {
  /** Budget for the first human response, in minutes of calendar time. */
  firstResponseMinutes: number;
  /** Whole business days added to `firstResponseMinutes`. @defaultValue 0 */
  firstResponseDays?: number;
  /** Budget for resolution, in minutes of calendar time. */
  resolutionMinutes: number;
  /** Whole business days added to `resolutionMinutes`. @defaultValue 0 */
  resolutionDays?: number;
  /** Calendar id the budgets count on. */
  calendar: string;
}

export type SlaPolicy = Record<Severity, SeverityPolicy>;

/** One working span of a day, wall-clock time in the calendar's zone; `end` may be '24:00'. */
export interface WorkingSpan {
  /** 'HH:MM', 00:00–23:59. */
  start: string;
  /** 'HH:MM', after `start`, up to '24:00'. Spans never cross midnight: split 22:00–06:00 in two. */
  end: string;
}

/**
 * When time counts. Plain data, validated once at load (`validateCalendar`); treat it as immutable
 * after first use (compiled forms are cached per object).
 */
export interface BusinessCalendar {
  id: string;
  /** 24×7: every millisecond counts; the fields below are then ignored. @defaultValue false */
  alwaysOpen?: boolean;
  /** IANA zone whose wall clock the working hours and dates are read in. @defaultValue 'Asia/Shanghai' */
  timeZone?: string;
  /** Working spans of a working day, e.g. 09:00–12:00 and 13:00–18:00. Required unless `alwaysOpen`. */
  workingHours?: WorkingSpan[];
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. @defaultValue [1, 2, 3, 4, 5] */
  weekdays?: number[];
  /** 'YYYY-MM-DD' dates that are not worked even on a working weekday (public holidays). */
  holidays?: string[];
  /** 'YYYY-MM-DD' dates that are worked even on a weekend (make-up working days, China's 调休). */
  workdays?: string[];
}

/** Calendars by id. */
export type CalendarSet = Readonly<Record<string, BusinessCalendar>>;

/** Escalation ladder (DESIGN §2 flow 6); structurally the same as `Tier` in src/tickets/types.ts. */
export type EscalationTier = 'L2' | 'L3' | 'manager';

/** What `evaluateClocks` asks the caller to do for one clock. */
export interface SlaEvent<C extends SlaClock = SlaClock> {
  /** 'warn': 75% of the budget consumed; 'breach': 100% consumed (mark breached, escalate one tier). */
  kind: 'warn' | 'breach';
  clock: C;
  /**
   * When the threshold was crossed: exact when that happened in the clock's current running period,
   * otherwise (crossed before a pause) the evaluation time. Pass it to markWarned / markBreached.
   */
  at: Date;
}
