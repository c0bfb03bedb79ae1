import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import { ALWAYS_OPEN, BUILTIN_CALENDARS, CN_BUSINESS } from '../../src/sla/calendars/builtin.ts';
import {
  clockState,
  consumedAt,
  dueAt,
  markBreached,
  markWarned,
  pauseClock,
  remainingMs,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  warnAt,
} from '../../src/sla/clock.ts';
import { DEFAULT_SLA_POLICY } from '../../src/sla/policy.ts';
import type { SlaClock } from '../../src/sla/types.ts';
import { H, MIN, sh } from './fixtures.ts';

const policy = DEFAULT_SLA_POLICY;
const cals = BUILTIN_CALENDARS;

function expectCode(fn: () => unknown, code: 'SLA_CLOCK_STATE' | 'SLA_INVALID', message?: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isHelplineError(err, code), String(err)).toBe(true);
    if (message) expect((err as Error).message).toMatch(message);
    return;
  }
  expect.unreachable(`expected ${code}`);
}

describe('starting clocks', () => {
  it('P0 first response: 15 minutes around the clock, even at 03:00 on a holiday', () => {
    const clock = startClock('first_response', 'P0', policy, cals, '2025-10-01T03:00:00+08:00');
    expect(clock).toEqual({
      kind: 'first_response',
      severity: 'P0',
      calendarId: '24x7',
      startedAt: '2025-09-30T19:00:00.000Z',
      budgetMs: 15 * MIN,
      consumedMs: 0,
      runningSince: '2025-09-30T19:00:00.000Z',
      stoppedAt: null,
      warnedAt: null,
      breachedAt: null,
    });
    expect(sh(dueAt(clock, ALWAYS_OPEN))).toBe('2025-10-01T03:15:00+08:00');
    expect(sh(warnAt(clock, ALWAYS_OPEN))).toBe('2025-10-01T03:11:15+08:00');
  });

  it('P0 resolution: 4 hours around the clock', () => {
    const clock = startClock('resolution', 'P0', policy, cals, '2025-03-08T22:00:00+08:00');
    expect(sh(dueAt(clock, ALWAYS_OPEN))).toBe('2025-03-09T02:00:00+08:00');
  });

  it('P2 first response opened Friday 16:00 is due Monday 11:00', () => {
    const clock = startClock('first_response', 'P2', policy, cals, '2025-03-07T16:00:00+08:00');
    expect(clock.calendarId).toBe('cn-business');
    expect(sh(dueAt(clock, CN_BUSINESS))).toBe('2025-03-10T11:00:00+08:00');
    expect(sh(warnAt(clock, CN_BUSINESS))).toBe('2025-03-10T10:00:00+08:00');
  });

  it('P1 resolution is one business day; P3 first response one, resolution five', () => {
    const p1 = startClock('resolution', 'P1', policy, cals, '2025-03-03T14:00:00+08:00');
    expect(sh(dueAt(p1, CN_BUSINESS))).toBe('2025-03-04T14:00:00+08:00');
    const p3 = startClock('resolution', 'P3', policy, cals, '2025-03-03T14:00:00+08:00');
    expect(sh(dueAt(p3, CN_BUSINESS))).toBe('2025-03-10T14:00:00+08:00');
  });

  it('survives a JSON round trip (the database) unchanged', () => {
    const clock = startClock('resolution', 'P2', policy, cals, '2025-03-07T16:00:00+08:00');
    const stored = JSON.parse(JSON.stringify(clock)) as SlaClock;
    expect(dueAt(stored, CN_BUSINESS)).toEqual(dueAt(clock, CN_BUSINESS));
  });

  it('refuses the wrong calendar and unknown severities', () => {
    const clock = startClock('resolution', 'P2', policy, cals, '2025-03-07T16:00:00+08:00');
    expectCode(() => dueAt(clock, ALWAYS_OPEN), 'SLA_INVALID', /counts on calendar "cn-business"/);
    expectCode(
      () => startClock('resolution', 'P2', policy, { '24x7': ALWAYS_OPEN }, '2025-03-07T16:00:00+08:00'),
      'SLA_INVALID',
      /Unknown SLA calendar "cn-business"/,
    );
  });
});

describe('pause and resume (waiting on the employee)', () => {
  // P2 resolution, 3 business days = 24 h, opened Monday 2025-03-03 10:00.
  const opened = startClock('resolution', 'P2', policy, cals, '2025-03-03T10:00:00+08:00');

  it('without a pause the ticket is due Thursday 10:00', () => {
    expect(sh(dueAt(opened, CN_BUSINESS))).toBe('2025-03-06T10:00:00+08:00');
  });

  it('two days waiting on the employee consume nothing and move the due date two business days', () => {
    const paused = pauseClock(opened, CN_BUSINESS, '2025-03-03T14:00:00+08:00');
    expect(paused.consumedMs).toBe(3 * H); // 10–12 and 13–14
    expect(paused.runningSince).toBeNull();
    expect(dueAt(paused, CN_BUSINESS)).toBeNull();
    expect(warnAt(paused, CN_BUSINESS)).toBeNull();
    expect(clockState(paused, CN_BUSINESS, '2025-03-04T15:00:00+08:00')).toBe('paused');
    expect(remainingMs(paused, CN_BUSINESS, '2025-03-04T15:00:00+08:00')).toBe(21 * H);
    expect(remainingMs(paused, CN_BUSINESS, '2025-03-05T13:59:00+08:00')).toBe(21 * H);

    const resumed = resumeClock(paused, '2025-03-05T14:00:00+08:00');
    expect(resumed.runningSince).toBe('2025-03-05T06:00:00.000Z');
    // 21 h left from Wednesday 14:00: 4 h Wed, 8 h Thu, 8 h Fri, 1 h Monday.
    expect(sh(dueAt(resumed, CN_BUSINESS))).toBe('2025-03-10T10:00:00+08:00');
    expect(consumedAt(resumed, CN_BUSINESS, '2025-03-05T16:00:00+08:00')).toBe(5 * H);
  });

  it('a pause across a holiday and a make-up day counts only working time', () => {
    const clock = startClock('resolution', 'P2', policy, cals, '2025-09-26T10:00:00+08:00');
    const paused = pauseClock(clock, CN_BUSINESS, '2025-09-26T17:00:00+08:00'); // Friday: 2 h + 4 h
    expect(paused.consumedMs).toBe(6 * H);
    const resumed = resumeClock(paused, '2025-09-30T09:00:00+08:00');
    // 18 h from Tuesday 9/30: 8 h, then National Day, then Thu 10/9 8 h, Fri 10/10 2 h.
    expect(sh(dueAt(resumed, CN_BUSINESS))).toBe('2025-10-10T11:00:00+08:00');
  });

  it('stopping freezes the consumed time; a paused clock may be stopped', () => {
    const stopped = stopClock(opened, CN_BUSINESS, '2025-03-04T10:00:00+08:00');
    expect(stopped.consumedMs).toBe(8 * H);
    expect(stopped.stoppedAt).toBe('2025-03-04T02:00:00.000Z');
    expect(clockState(stopped, CN_BUSINESS, '2025-04-01T10:00:00+08:00')).toBe('stopped');
    expect(dueAt(stopped, CN_BUSINESS)).toBeNull();
    expect(remainingMs(stopped, CN_BUSINESS, '2025-04-01T10:00:00+08:00')).toBe(16 * H);

    const paused = pauseClock(opened, CN_BUSINESS, '2025-03-03T11:00:00+08:00');
    expect(stopClock(paused, CN_BUSINESS, '2025-03-10T11:00:00+08:00').consumedMs).toBe(1 * H);
  });

  it('never mutates the clock it is given', () => {
    const frozen = Object.freeze({ ...opened });
    const paused = pauseClock(frozen, CN_BUSINESS, '2025-03-03T14:00:00+08:00');
    resumeClock(Object.freeze(paused), '2025-03-05T14:00:00+08:00');
    stopClock(frozen, CN_BUSINESS, '2025-03-03T14:00:00+08:00');
    expect(frozen.runningSince).toBe('2025-03-03T02:00:00.000Z');
  });

  it('illegal operations throw SLA_CLOCK_STATE with a reason', () => {
    const paused = pauseClock(opened, CN_BUSINESS, '2025-03-03T14:00:00+08:00');
    const stopped = stopClock(opened, CN_BUSINESS, '2025-03-03T14:00:00+08:00');
    expectCode(
      () => pauseClock(paused, CN_BUSINESS, '2025-03-03T15:00:00+08:00'),
      'SLA_CLOCK_STATE',
      /already paused/,
    );
    expectCode(() => resumeClock(opened, '2025-03-03T15:00:00+08:00'), 'SLA_CLOCK_STATE', /already running/);
    expectCode(
      () => pauseClock(stopped, CN_BUSINESS, '2025-03-03T15:00:00+08:00'),
      'SLA_CLOCK_STATE',
      /stopped at/,
    );
    expectCode(() => resumeClock(stopped, '2025-03-03T15:00:00+08:00'), 'SLA_CLOCK_STATE', /stopped at/);
    expectCode(
      () => stopClock(stopped, CN_BUSINESS, '2025-03-03T15:00:00+08:00'),
      'SLA_CLOCK_STATE',
      /already stopped/,
    );
    expectCode(
      () => retargetClock(stopped, 'P1', policy, cals, '2025-03-03T15:00:00+08:00'),
      'SLA_CLOCK_STATE',
      /Cannot retarget/,
    );
    expectCode(() => resumeClock(paused, 'tomorrow'), 'SLA_INVALID');
  });
});

describe('state and marks', () => {
  const clock = startClock('first_response', 'P2', policy, cals, '2025-03-03T09:00:00+08:00'); // 4 h, due 14:00

  it('runs, warns at 75%, breaches at 100%', () => {
    expect(clockState(clock, CN_BUSINESS, '2025-03-03T11:59:59+08:00')).toBe('running');
    expect(clockState(clock, CN_BUSINESS, '2025-03-03T12:00:00+08:00')).toBe('warning'); // 3 h of 4
    expect(clockState(clock, CN_BUSINESS, '2025-03-03T12:59:59+08:00')).toBe('warning'); // lunch: still 3 h
    expect(clockState(clock, CN_BUSINESS, '2025-03-03T13:59:59+08:00')).toBe('warning');
    expect(clockState(clock, CN_BUSINESS, '2025-03-03T14:00:00+08:00')).toBe('breached');
    expect(remainingMs(clock, CN_BUSINESS, '2025-03-03T15:30:00+08:00')).toBe(-1.5 * H);
  });

  it('stays breached while paused after the deadline', () => {
    const paused = pauseClock(clock, CN_BUSINESS, '2025-03-03T15:00:00+08:00');
    expect(clockState(paused, CN_BUSINESS, '2025-03-05T15:00:00+08:00')).toBe('breached');
    // Resumed, the deadline is already behind it: reported as the resume time.
    const resumed = resumeClock(paused, '2025-03-05T10:00:00+08:00');
    expect(sh(dueAt(resumed, CN_BUSINESS))).toBe('2025-03-05T10:00:00+08:00');
  });

  it('marks once: the first mark is kept', () => {
    const warned = markWarned(clock, '2025-03-03T13:00:00+08:00');
    expect(warned.warnedAt).toBe('2025-03-03T05:00:00.000Z');
    expect(markWarned(warned, '2025-03-03T13:30:00+08:00')).toBe(warned);
    const breached = markBreached(warned, '2025-03-03T14:00:00+08:00');
    expect(breached.breachedAt).toBe('2025-03-03T06:00:00.000Z');
    expect(markBreached(breached, '2025-03-03T15:00:00+08:00')).toBe(breached);
  });
});

describe('retargeting on a severity change', () => {
  it('same calendar: keeps the consumed time, takes the new budget', () => {
    const p3 = startClock('resolution', 'P3', policy, cals, '2025-03-03T09:00:00+08:00'); // 40 h
    const p1 = retargetClock(p3, 'P1', policy, cals, '2025-03-03T15:00:00+08:00'); // 5 h consumed of 8 h
    expect(p1).toMatchObject({
      severity: 'P1',
      calendarId: 'cn-business',
      budgetMs: 8 * H,
      consumedMs: 5 * H,
    });
    expect(p1.startedAt).toBe(p3.startedAt);
    expect(sh(dueAt(p1, CN_BUSINESS))).toBe('2025-03-03T18:00:00+08:00');
    expect(clockState(p1, CN_BUSINESS, '2025-03-03T15:00:00+08:00')).toBe('running');
  });

  it('to another calendar: each consumed business millisecond counts once on the new calendar', () => {
    // P2 opened Friday 17:00; 1 business hour consumed by Monday 09:00; raised to P0 (24×7) then.
    const p2 = startClock('resolution', 'P2', policy, cals, '2025-03-07T17:00:00+08:00');
    const p0 = retargetClock(p2, 'P0', policy, cals, '2025-03-10T09:00:00+08:00');
    expect(p0).toMatchObject({
      calendarId: '24x7',
      budgetMs: 4 * H,
      consumedMs: 1 * H,
      runningSince: '2025-03-10T01:00:00.000Z',
    });
    expect(sh(dueAt(p0, ALWAYS_OPEN))).toBe('2025-03-10T12:00:00+08:00');
  });

  it('keeps a paused clock paused', () => {
    const clock = pauseClock(
      startClock('resolution', 'P2', policy, cals, '2025-03-03T09:00:00+08:00'),
      CN_BUSINESS,
      '2025-03-03T10:00:00+08:00',
    );
    const p1 = retargetClock(clock, 'P1', policy, cals, '2025-03-04T10:00:00+08:00');
    expect(p1.runningSince).toBeNull();
    expect(p1.consumedMs).toBe(1 * H);
  });

  it('clears marks the new budget no longer reaches, keeps those it does', () => {
    const p1 = startClock('resolution', 'P1', policy, cals, '2025-03-03T09:00:00+08:00'); // 8 h
    const warned = markWarned(p1, '2025-03-03T16:00:00+08:00'); // 6 h = 75%
    const down = retargetClock(warned, 'P3', policy, cals, '2025-03-03T16:00:00+08:00'); // 6 of 40 h
    expect(down.warnedAt).toBeNull();
    const up = retargetClock(
      markWarned(down, '2025-03-07T09:00:00+08:00'),
      'P1',
      policy,
      cals,
      '2025-03-03T17:00:00+08:00',
    );
    expect(up.warnedAt).not.toBeNull();
    expect(clockState(up, CN_BUSINESS, '2025-03-03T17:00:00+08:00')).toBe('warning');
  });

  it('refuses to measure a clock whose calendar is gone', () => {
    const clock = startClock('resolution', 'P2', policy, cals, '2025-03-03T09:00:00+08:00');
    expectCode(
      () => retargetClock(clock, 'P0', policy, { '24x7': ALWAYS_OPEN }, '2025-03-03T10:00:00+08:00'),
      'SLA_INVALID',
      /not configured/,
    );
  });
});
