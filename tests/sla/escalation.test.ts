import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import { ALWAYS_OPEN, BUILTIN_CALENDARS, CN_BUSINESS } from '../../src/sla/calendars/builtin.ts';
import { markBreached, markWarned, pauseClock, startClock, stopClock } from '../../src/sla/clock.ts';
import { evaluateClocks, nextTier } from '../../src/sla/escalation.ts';
import { DEFAULT_SLA_POLICY } from '../../src/sla/policy.ts';
import type { SlaClock, SlaEvent } from '../../src/sla/types.ts';
import { MIN, sh } from './fixtures.ts';

const policy = DEFAULT_SLA_POLICY;
const cals = BUILTIN_CALENDARS;
const OPEN = '2025-10-01T03:00:00+08:00';
const p0 = () => startClock('first_response', 'P0', policy, cals, OPEN); // due 03:15, warn 03:11:15

function apply<C extends SlaClock>(events: SlaEvent<C>[]): C[] {
  return events.map(
    (e) => (e.kind === 'warn' ? markWarned(e.clock, e.at) : markBreached(e.clock, e.at)) as C,
  );
}

describe('nextTier', () => {
  it('climbs L2 → L3 → manager and stays with the manager', () => {
    expect(nextTier('L2')).toBe('L3');
    expect(nextTier('L3')).toBe('manager');
    expect(nextTier('manager')).toBe('manager');
  });
});

describe('evaluateClocks', () => {
  it('fires nothing before 75%', () => {
    expect(evaluateClocks([p0()], cals, '2025-10-01T03:11:14+08:00')).toEqual([]);
  });

  it('warns at 75% with the exact crossing time, once', () => {
    const events = evaluateClocks([p0()], cals, '2025-10-01T03:12:00+08:00');
    expect(events.map((e) => [e.kind, sh(e.at)])).toEqual([['warn', '2025-10-01T03:11:15+08:00']]);
    const [warned] = apply(events);
    expect(warned.warnedAt).toBe('2025-09-30T19:11:15.000Z');
    expect(evaluateClocks([warned], cals, '2025-10-01T03:13:00+08:00')).toEqual([]);
  });

  it('breaches at 100%, once; a breached clock does not warn late', () => {
    const warned = markWarned(p0(), '2025-10-01T03:11:15+08:00');
    expect(evaluateClocks([warned], cals, '2025-10-01T03:14:59+08:00')).toEqual([]);
    const events = evaluateClocks([warned], cals, '2025-10-01T03:15:00+08:00');
    expect(events.map((e) => [e.kind, sh(e.at)])).toEqual([['breach', '2025-10-01T03:15:00+08:00']]);
    const [breached] = apply(events);
    expect(evaluateClocks([breached], cals, '2025-10-01T09:00:00+08:00')).toEqual([]);
  });

  it('a clock that jumped past 100% between sweeps gets only the breach', () => {
    const events = evaluateClocks([p0()], cals, '2025-10-01T04:00:00+08:00');
    expect(events.map((e) => [e.kind, sh(e.at)])).toEqual([['breach', '2025-10-01T03:15:00+08:00']]);
  });

  it('ignores stopped clocks; reports crossings of paused clocks at evaluation time', () => {
    const stopped = stopClock(p0(), ALWAYS_OPEN, '2025-10-01T03:20:00+08:00');
    expect(evaluateClocks([stopped], cals, '2025-10-01T04:00:00+08:00')).toEqual([]);
    // P2 first response 4 h, opened 09:00; paused at 13:30 (3.5 h) before any sweep saw it.
    const paused = pauseClock(
      startClock('first_response', 'P2', policy, cals, '2025-03-03T09:00:00+08:00'),
      CN_BUSINESS,
      '2025-03-03T13:30:00+08:00',
    );
    const events = evaluateClocks([paused], cals, '2025-03-03T15:00:00+08:00');
    expect(events.map((e) => [e.kind, sh(e.at)])).toEqual([['warn', '2025-03-03T15:00:00+08:00']]);
  });

  it('hands back the caller’s own objects (ticket ids travel with the clock)', () => {
    const a = { ...p0(), ticketId: 'HL-1' };
    const b = { ...startClock('resolution', 'P3', policy, cals, OPEN), ticketId: 'HL-2' };
    const events = evaluateClocks([a, b], cals, '2025-10-01T03:16:00+08:00');
    expect(events.map((e) => [e.kind, e.clock.ticketId])).toEqual([['breach', 'HL-1']]);
    expect(events[0].clock).toBe(a);
  });

  it('refuses a clock whose calendar is not configured', () => {
    const orphan = { ...p0(), calendarId: 'gone' };
    try {
      evaluateClocks([orphan], cals, OPEN);
      expect.unreachable();
    } catch (err) {
      expect(isHelplineError(err, 'SLA_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(/Unknown SLA calendar "gone".*24x7, cn-business/);
    }
  });

  it('a sweep every minute over a working week fires each warning and breach exactly once', () => {
    let clocks = [
      startClock('first_response', 'P0', policy, cals, '2025-03-03T08:00:00+08:00'),
      startClock('resolution', 'P0', policy, cals, '2025-03-03T08:00:00+08:00'),
      startClock('first_response', 'P1', policy, cals, '2025-03-03T08:00:00+08:00'),
      startClock('first_response', 'P2', policy, cals, '2025-03-03T08:00:00+08:00'),
      startClock('resolution', 'P2', policy, cals, '2025-03-03T08:00:00+08:00'),
      startClock('first_response', 'P3', policy, cals, '2025-03-03T08:00:00+08:00'),
    ];
    const fired: string[] = [];
    const start = Date.parse('2025-03-03T08:00:00+08:00');
    for (let t = start; t <= start + 3 * 24 * 60 * MIN; t += MIN) {
      const events = evaluateClocks(clocks, cals, t);
      for (const e of events) fired.push(`${e.clock.severity} ${e.clock.kind} ${e.kind} ${sh(e.at)}`);
      const marked = new Map(
        events.map((e) => [
          e.clock,
          e.kind === 'warn' ? markWarned(e.clock, e.at) : markBreached(e.clock, e.at),
        ]),
      );
      clocks = clocks.map((c) => marked.get(c) ?? c);
    }
    expect(fired).toEqual([
      'P0 first_response warn 2025-03-03T08:11:15+08:00',
      'P0 first_response breach 2025-03-03T08:15:00+08:00',
      'P1 first_response warn 2025-03-03T09:45:00+08:00',
      'P1 first_response breach 2025-03-03T10:00:00+08:00',
      'P0 resolution warn 2025-03-03T11:00:00+08:00',
      'P0 resolution breach 2025-03-03T12:00:00+08:00',
      'P2 first_response warn 2025-03-03T12:00:00+08:00',
      'P2 first_response breach 2025-03-03T14:00:00+08:00',
      'P3 first_response warn 2025-03-03T16:00:00+08:00',
      'P3 first_response breach 2025-03-03T18:00:00+08:00',
      'P2 resolution warn 2025-03-05T11:00:00+08:00',
      'P2 resolution breach 2025-03-05T18:00:00+08:00',
    ]);
  });
});
