/** The sweep rebuilds timers and records overdue events from the database alone. */
import { describe, expect, it } from 'vitest';
import { slaOps } from '../../src/sla/ops.ts';
import { type FireOptions, fireDue } from '../../src/sla-timers/fire.ts';
import { createSlaTimers } from '../../src/sla-timers/index.ts';
import { scheduleSweep, sweep, sweepHandler, sweepJobId } from '../../src/sla-timers/sweep.ts';
import { createTicketService } from '../../src/tickets/ticket-service.ts';
import { eachBackend } from '../store/backends.ts';
import { openInput } from '../tickets/helpers.ts';
import { CALENDARS, manualClock, POLICY, RecordingRunner, recordingNotify } from './helpers.ts';

const MIN = 60_000;

eachBackend('SLA sweep', (ctx) => {
  const setup = async () => {
    const clock = manualClock('2025-03-10T09:00:00+08:00');
    const db = await ctx.fresh();
    const service = createTicketService({ db, now: clock.now, sla: slaOps(POLICY, CALENDARS) });
    const runner = new RecordingRunner();
    const { notify, summary } = recordingNotify();
    const options: FireOptions = {
      store: service.store,
      runner,
      calendars: CALENDARS,
      now: clock.now,
      notify,
    };
    const run = () =>
      sweep({
        tickets: service.store,
        runner,
        calendars: CALENDARS,
        now: clock.now,
        fire: (id) => fireDue(options, id),
        pageSize: 10,
      });
    return { clock, db, service, runner, summary, run };
  };

  it('records overdue events whose timers were lost, re-adds every timer, and counts', async () => {
    const s = await setup();
    const overdue = await s.service.open(openInput({ severity: 'P0' }));
    s.clock.advance(10 * MIN);
    const fresh = await s.service.open(openInput({ severity: 'P0', requesterId: 'emp2' }));
    const done = await s.service.open(openInput({ severity: 'P0', requesterId: 'emp3' }));
    await s.service.resolve(done.id, 'eng-li');
    const child = await s.service.open(openInput({ severity: 'P0', requesterId: 'emp4' }));
    await s.service.linkToParent(child.id, fresh.id, 'helpline');
    s.clock.advance(6 * MIN); // overdue: 16 min > 15; fresh: 6 min < 75% of 15

    // No timer exists at all (Redis lost): the sweep works from the database.
    const result = await s.run();
    expect(result).toEqual({ tickets: 3, fired: 1, scheduled: 6, failed: 0, truncated: [] });
    expect(s.summary()).toEqual([
      { kind: 'sla_breach', clock: 'first_response', recipient: 'triage', tier: 'L3', escalation: 'L2→L3' },
    ]);
    expect(s.runner.delays()).toEqual({
      [`sla:${overdue.id}:resolution:warn`]: 3 * 60 * MIN - 16 * MIN,
      [`sla:${overdue.id}:resolution:breach`]: 4 * 60 * MIN - 16 * MIN,
      [`sla:${fresh.id}:first_response:warn`]: 11.25 * MIN - 6 * MIN,
      [`sla:${fresh.id}:first_response:breach`]: 15 * MIN - 6 * MIN,
      [`sla:${fresh.id}:resolution:warn`]: 3 * 60 * MIN - 6 * MIN,
      [`sla:${fresh.id}:resolution:breach`]: 4 * 60 * MIN - 6 * MIN,
    });

    // A second sweep finds nothing to record and the same timers.
    expect(await s.run()).toEqual({ tickets: 3, fired: 0, scheduled: 6, failed: 0, truncated: [] });
    expect(s.summary()).toHaveLength(1);
  });

  it('says which statuses had a full page, and carries on past a ticket that fails', async () => {
    const s = await setup();
    for (let i = 0; i < 3; i++) await s.service.open(openInput({ severity: 'P0', requesterId: `emp${i}` }));
    const errors: string[] = [];
    let calls = 0;
    const result = await sweep({
      tickets: s.service.store,
      runner: s.runner,
      calendars: CALENDARS,
      now: () => new Date(s.clock.now().getTime() + 20 * MIN),
      fire: async () => {
        if (calls++ === 0) throw new Error('database went away');
        return { notices: [{}], timers: [] };
      },
      pageSize: 3,
      concurrency: 1,
      onError: (_err, context) => errors.push(context),
    });
    expect(result).toMatchObject({ tickets: 3, fired: 2, failed: 1, truncated: ['waiting_l2'] });
    expect(errors).toEqual(['ticket HL-1001']);
  });

  it('a ticket listener keeps timers in step with every change made through the service', async () => {
    const s = await setup();
    const timers = createSlaTimers({
      runner: s.runner,
      tickets: s.service,
      calendars: CALENDARS,
      now: s.clock.now,
      notify: () => {},
    });
    const service = s.service;
    const stop = service.onChange(({ ticket }) => timers.afterChange(ticket));
    const t = await service.open(openInput({ severity: 'P2' }));
    expect(Object.keys(s.runner.delays())).toHaveLength(4);
    await service.claim(t.number, 'eng-li'); // first response stops
    expect(Object.keys(s.runner.delays())).toEqual([
      `sla:${t.id}:resolution:warn`,
      `sla:${t.id}:resolution:breach`,
    ]);
    await service.overrideSeverity(t.number, 'eng-li', 'P0', 'whole office affected');
    expect(s.runner.delays()).toEqual({
      [`sla:${t.id}:resolution:warn`]: 3 * 60 * MIN,
      [`sla:${t.id}:resolution:breach`]: 4 * 60 * MIN,
    });
    await service.waitOnEmployee(t.number, 'eng-li');
    expect(s.runner.delays()).toEqual({});
    await service.employeeReplied(t.number, 'emp1');
    expect(Object.keys(s.runner.delays())).toHaveLength(2);
    await service.resolve(t.number, 'eng-li');
    expect(s.runner.delays()).toEqual({});
    stop();

    // A listener that fails does not fail the change; it is reported with the change.
    const errors: string[] = [];
    const broken = createTicketService({
      db: s.db,
      now: s.clock.now,
      sla: slaOps(POLICY, CALENDARS),
      onListenerError: (err, change) =>
        errors.push(`${change.action} ${change.ticket.number}: ${(err as Error).message}`),
    });
    broken.onChange(async () => Promise.reject(new Error('redis down')));
    expect((await broken.reopen(t.number, 'emp1', 'still broken')).status).toBe('claimed');
    expect(errors).toEqual([`reopen ${t.number}: redis down`]);
  });
});

describe('scheduleSweep', () => {
  it('names one job per slot: many workers starting in the same minute add one sweep', async () => {
    const runner = new RecordingRunner();
    const at = new Date('2025-03-10T01:00:20.000Z');
    const a = await scheduleSweep(runner, 60_000, at);
    const b = await scheduleSweep(runner, 60_000, new Date(at.getTime() + 30_000));
    expect(a).toEqual(b);
    expect(a.id).toBe(sweepJobId(60_000, Date.parse('2025-03-10T01:01:00.000Z')));
    expect(a.id).not.toContain(':');
    expect(runner.delays('maintenance')).toEqual({ [a.id]: 40_000 });
  });

  it('the sweep job schedules the next slot before sweeping, even when it wakes a little early', async () => {
    const runner = new RecordingRunner();
    const slot = Date.parse('2025-03-10T01:01:00.000Z');
    const early = () => new Date(slot - 3);
    let swept = 0;
    const handler = sweepHandler(
      runner,
      async () => {
        swept++;
        throw new Error('database down');
      },
      early,
    );
    await expect(
      handler(
        { everyMs: 60_000, slot },
        { id: 'x', queue: 'maintenance', name: 'sla-sweep', attempt: 1, final: true },
      ),
    ).rejects.toThrow('database down');
    expect(swept).toBe(1);
    expect(runner.delays('maintenance')).toEqual({ [sweepJobId(60_000, slot + 60_000)]: 60_003 });
  });
});
