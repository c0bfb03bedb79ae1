/** Which timers a ticket has and when they fire: pure decisions on an injected clock. */
import { describe, expect, it } from 'vitest';
import { calendarById } from '../../src/sla/calendars/builtin.ts';
import { markBreached, markWarned, pauseClock, retargetClock, stopClock } from '../../src/sla/clock.ts';
import { planTimers, syncTimers, timerId } from '../../src/sla-timers/schedule.ts';
import type { Ticket } from '../../src/tickets/types.ts';
import { sh } from '../sla/fixtures.ts';
import { CALENDARS, POLICY, RecordingRunner, ticketAt } from './helpers.ts';

const MIN = 60_000;
const H = 60 * MIN;
const ID = '0b0e7c5e-8d3f-4a57-9a3e-2f1d6c9b1a01';
const when = (t: Ticket, now: string) =>
  Object.fromEntries(planTimers(t, CALENDARS, new Date(now)).map((p) => [`${p.kind}:${p.stage}`, sh(p.at)]));

describe('planTimers', () => {
  it('warns at 75% of a business-hours budget, counting the 调休 Sunday as a working day', () => {
    // P2: 4 business hours to first response. Opened Friday 26 Sep 2025 17:00 in Shanghai: one hour
    // counts on Friday; Sunday 28 Sep is the make-up working day before National Day.
    const t = ticketAt('2025-09-26T17:00:00+08:00', 'P2');
    expect(when(t, '2025-09-26T17:00:00+08:00')).toEqual({
      'first_response:warn': '2025-09-28T11:00:00+08:00',
      'first_response:breach': '2025-09-28T12:00:00+08:00',
      // 3 business days = 24 h: Fri 1 + Sun 8 + Mon 29 Sep 8 = 17 h; Tuesday 30 Sep gives the 18th
      // hour (75%) at 10:00 and the 24th at 17:00, the lunch hour not counting.
      'resolution:warn': '2025-09-30T10:00:00+08:00',
      'resolution:breach': '2025-09-30T17:00:00+08:00',
    });
  });

  it('24×7 for P0: 15 minutes to first response warns at 11 min 15 s', () => {
    const t = ticketAt('2025-03-08T02:00:00Z', 'P0'); // a Saturday: it does not matter
    const plan = planTimers(t, CALENDARS, new Date('2025-03-08T02:00:00Z'));
    expect(plan.map((p) => [p.id, p.at?.toISOString()])).toEqual([
      [timerId(ID, 'first_response', 'warn'), '2025-03-08T02:11:15.000Z'],
      [timerId(ID, 'first_response', 'breach'), '2025-03-08T02:15:00.000Z'],
      [timerId(ID, 'resolution', 'warn'), '2025-03-08T05:00:00.000Z'],
      [timerId(ID, 'resolution', 'breach'), '2025-03-08T06:00:00.000Z'],
    ]);
    expect(plan[0].id).toBe(`sla:${ID}:first_response:warn`);
  });

  it('a stage already marked has no timer; a breached clock does not warn', () => {
    const t = ticketAt('2025-03-08T02:00:00Z', 'P0');
    const [fr, res] = t.clocks;
    const warned = { ...t, clocks: [markWarned(fr, '2025-03-08T02:11:15Z'), res] };
    expect(when(warned, '2025-03-08T02:12:00Z')['first_response:warn']).toBeNull();
    expect(when(warned, '2025-03-08T02:12:00Z')['first_response:breach']).not.toBeNull();
    const breached = { ...t, clocks: [markBreached(fr, '2025-03-08T02:15:00Z'), res] };
    expect(when(breached, '2025-03-08T02:16:00Z')['first_response:warn']).toBeNull();
    expect(when(breached, '2025-03-08T02:16:00Z')['first_response:breach']).toBeNull();
  });

  it('a paused clock has no timer, unless it crossed a threshold before the pause unmarked (then: now)', () => {
    const t = ticketAt('2025-03-08T02:00:00Z', 'P0');
    const cal = calendarById(CALENDARS, '24x7');
    const [fr, res] = t.clocks;
    const stoppedFr = stopClock(fr, cal, '2025-03-08T02:05:00Z');
    const paused = {
      ...t,
      status: 'waiting_employee' as const,
      clocks: [stoppedFr, pauseClock(res, cal, '2025-03-08T03:00:00Z')],
    };
    expect(planTimers(paused, CALENDARS, new Date('2025-03-08T09:00:00Z')).every((p) => p.at === null)).toBe(
      true,
    );

    // Paused at 3.5 h of 4 h: the 75% warning was due at 3 h and its timer was lost.
    const late = { ...paused, clocks: [stoppedFr, pauseClock(res, cal, '2025-03-08T05:30:00Z')] };
    expect(when(late, '2025-03-08T09:00:00Z')).toMatchObject({
      'resolution:warn': sh('2025-03-08T09:00:00Z'),
      'resolution:breach': null,
    });
  });

  it('resolved or closed tickets and reports linked to an incident carry no timers', () => {
    const open = ticketAt('2025-03-08T02:00:00Z', 'P0');
    for (const t of [
      { ...open, status: 'resolved' as const },
      { ...open, status: 'closed' as const },
      { ...open, parentId: '6f1c1b7e-3f1a-4c1e-9a53-0d2a8d1e7b11' },
    ]) {
      expect(planTimers(t, CALENDARS, new Date('2025-03-08T02:01:00Z')).map((p) => p.at)).toEqual([
        null,
        null,
        null,
        null,
      ]);
    }
  });
});

describe('syncTimers', () => {
  const now = new Date('2025-03-08T02:00:00Z');

  it('adds one job per pending stage with a deterministic id and the delay to its instant; idempotent', async () => {
    const runner = new RecordingRunner();
    const t = ticketAt(now.toISOString(), 'P0');
    await syncTimers(runner, t, CALENDARS, now);
    const expected = {
      [`sla:${ID}:first_response:warn`]: 11.25 * MIN,
      [`sla:${ID}:first_response:breach`]: 15 * MIN,
      [`sla:${ID}:resolution:warn`]: 3 * H,
      [`sla:${ID}:resolution:breach`]: 4 * H,
    };
    expect(runner.delays()).toEqual(expected);
    const job = runner.jobs.get(`sla/sla:${ID}:first_response:breach`)!.spec;
    expect(job).toMatchObject({
      name: 'sla-fire',
      data: { ticketId: ID, kind: 'first_response', stage: 'breach' },
    });

    // Again, five minutes later: the same jobs, their delays counted from the new now.
    await syncTimers(runner, t, CALENDARS, new Date(now.getTime() + 5 * MIN));
    expect(runner.delays()).toEqual(
      Object.fromEntries(Object.entries(expected).map(([id, d]) => [id, d - 5 * MIN])),
    );
  });

  it('moves the timers when the severity is overridden (P2 on business hours → P0 on 24×7)', async () => {
    const runner = new RecordingRunner();
    // Monday 10 Mar 2025 09:00 Shanghai; an hour later an engineer raises it to P0.
    const opened = '2025-03-10T09:00:00+08:00';
    const t = ticketAt(opened, 'P2');
    await syncTimers(runner, t, CALENDARS, new Date(opened));
    // 4 business hours from 09:00 with the lunch hour off: 14:00.
    expect(runner.delays()[`sla:${ID}:first_response:breach`]).toBe(5 * H);

    const at = new Date('2025-03-10T10:00:00+08:00');
    const p0 = {
      ...t,
      severity: 'P0' as const,
      clocks: t.clocks.map((c) => retargetClock(c, 'P0', POLICY, CALENDARS, at)),
    };
    await syncTimers(runner, p0, CALENDARS, at);
    // One hour used of P0's 15 minutes: the first-response breach is due now; the warning is moot.
    expect(runner.delays()).toEqual({
      [`sla:${ID}:first_response:warn`]: 0,
      [`sla:${ID}:first_response:breach`]: 0,
      [`sla:${ID}:resolution:warn`]: 2 * H,
      [`sla:${ID}:resolution:breach`]: 3 * H,
    });
  });

  it('removes every timer of a resolved ticket and of a paused-and-answered one', async () => {
    const runner = new RecordingRunner();
    const t = ticketAt(now.toISOString(), 'P0');
    await syncTimers(runner, t, CALENDARS, now);
    expect(Object.keys(runner.delays())).toHaveLength(4);

    const cal = calendarById(CALENDARS, '24x7');
    const later = new Date(now.getTime() + 10 * MIN);
    const waiting = {
      ...t,
      status: 'waiting_employee' as const,
      clocks: [stopClock(t.clocks[0], cal, later), pauseClock(t.clocks[1], cal, later)],
    };
    await syncTimers(runner, waiting, CALENDARS, later);
    expect(runner.delays()).toEqual({});

    await syncTimers(runner, t, CALENDARS, now);
    const resolved = {
      ...t,
      status: 'resolved' as const,
      clocks: t.clocks.map((c) => stopClock(c, cal, later)),
    };
    await syncTimers(runner, resolved, CALENDARS, later);
    expect(runner.delays()).toEqual({});
  });
});
