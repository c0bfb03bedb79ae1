/**
 * UTC instants ↔ wall-clock time in an IANA zone, with Intl only (no date library, no Temporal).
 *
 * "Wall ms" is a wall-clock reading encoded as if it were UTC: Date.UTC(y, m-1, d, h, min). A "day
 * number" is a local date as whole days since 1970-01-01 (wall ms / 86 400 000).
 */
import { HelplineError } from '../errors.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Anything accepted as an instant: an ISO string with an offset or Z, a Date, or epoch ms. */
export type Instant = string | Date | number;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // format() + a regex is about twice as fast as formatToParts(), and this is the hot path.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const WALL = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

/** Offset of the zone at an instant, in ms (wall = instant + offset). Second precision, as zones are. */
export function offsetAt(timeZone: string, ms: number): number {
  const seconds = Math.floor(ms / 1000) * 1000;
  const m = WALL.exec(formatter(timeZone).format(seconds));
  if (!m)
    throw new HelplineError(
      'SLA_INVALID',
      `Time ${new Date(ms).toISOString()} is out of the supported range (years 1000–9999).`,
    );
  const wall = Date.UTC(+m[3], +m[1] - 1, +m[2], +m[4], +m[5], +m[6]);
  return wall - seconds;
}

/** The wall-clock reading (as wall ms) of an instant in the zone. */
export function instantToWall(timeZone: string, ms: number): number {
  return ms + offsetAt(timeZone, ms);
}

/**
 * The first instant at which the zone's wall clock reads `wallMs`. In a DST overlap (a reading that
 * happens twice) that is the earlier one; in a DST gap (a reading that never happens) it is the
 * transition itself, the first instant the clock reads later than `wallMs`.
 */
export function wallToInstant(timeZone: string, wallMs: number): number {
  // The instant is within ±14 h of wallMs; offsets a day either side bracket any single transition.
  const before = offsetAt(timeZone, wallMs - DAY_MS);
  const after = offsetAt(timeZone, wallMs + DAY_MS);
  if (before === after) {
    const t = wallMs - before;
    if (offsetAt(timeZone, t) === before) return t;
  }
  const candidates = [wallMs - before, wallMs - after].filter((t) => instantToWall(timeZone, t) === wallMs);
  if (candidates.length > 0) return Math.min(...candidates);
  return transitionBetween(
    timeZone,
    Math.min(wallMs - before, wallMs - after),
    Math.max(wallMs - before, wallMs - after),
  );
}

/** First instant in (lo, hi] whose offset differs from lo's; zones change offset on whole seconds. */
function transitionBetween(timeZone: string, lo: number, hi: number): number {
  const start = offsetAt(timeZone, lo);
  let a = Math.floor(lo / 1000);
  let b = Math.ceil(hi / 1000);
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (offsetAt(timeZone, mid * 1000) === start) a = mid;
    else b = mid;
  }
  return b * 1000;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Epoch ms of an instant. Strings must carry Z or an offset: a bare local time would be read in the
 * server's own zone, which is exactly the non-determinism the SLA engine exists to avoid.
 */
export function toMs(instant: Instant, what = 'time'): number {
  let ms: number;
  if (typeof instant === 'number') ms = instant;
  else if (instant instanceof Date) ms = instant.getTime();
  else if (typeof instant === 'string' && ISO_WITH_ZONE.test(instant.trim())) ms = Date.parse(instant.trim());
  else
    throw new HelplineError(
      'SLA_INVALID',
      `The ${what} ${JSON.stringify(instant)} is not an ISO time with a zone: write it like 2025-09-30T17:00:00+08:00 or 2025-09-30T09:00:00Z.`,
    );
  if (!Number.isFinite(ms)) {
    throw new HelplineError(
      'SLA_INVALID',
      `The ${what} ${JSON.stringify(String(instant))} is not a valid date.`,
    );
  }
  return ms;
}

/** Day number of a 'YYYY-MM-DD' date, or null when it is not a real calendar date. */
export function parseDate(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== +m[1] || back.getUTCMonth() !== +m[2] - 1 || back.getUTCDate() !== +m[3])
    return null;
  return ms / DAY_MS;
}

/** 'YYYY-MM-DD' of a day number. */
export function formatDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01, day 0, was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** An instant as local ISO time with its offset in the zone, e.g. '2025-10-09T09:00:00+08:00'. */
export function toZonedIso(instant: Instant, timeZone: string): string {
  const ms = toMs(instant);
  const offset = offsetAt(timeZone, ms);
  const local = new Date(ms + offset).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / MINUTE_MS;
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}
