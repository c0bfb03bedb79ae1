/**
 * What a timer does when it goes off, on a real database and an injected clock: the decision comes
 * from the ticket as stored, not from the job, so early, late and duplicate jobs are harmless.
 */
import { expect, it } from 'vitest';
import { RetryLater } from '../../src/jobs/types.ts';
import { slaOps } from '../../src/sla/ops.ts';
import { type FireOptions, fireDue, fireHandler } from '../../src/sla-timers/fire.ts';
import { createTicketService } from '../../src/tickets/ticket-service.ts';
import { sh } from '../sla/fixtures.ts';
import { eachBackend } from '../store/backends.ts';
import { openInput } from '../tickets/helpers.ts';
import { CALENDARS, manualClock, POLICY, RecordingRunner, recordingNotify } from './helpers.ts';

const MIN = 60_000;

eachBackend('SLA timer firing', (ctx) => {
  const setup = async (start: string) => {
    const clock = manualClock(start);
    const service = createTicketService({
      db: await ctx.fresh(),
      now: clock.now,
      sla: slaOps(POLICY, CALENDARS),
    });
    const runner = new RecordingRunner();
    const { notify, notices, summary } = recordingNotify();
    const metrics: string[] = [];
    const errors: unknown[] = [];
    const options: FireOptions = {
      store: service.store,
      runner,
      calendars: CALENDARS,
      now: clock.now,
      notify,
      onEvent: (kind, severity) => metrics.push(`${kind} ${severity}`),
      onError: (err) => errors.push(err),
    };
    const fire = (id: string) => fireDue(options, id);
    const events = async (id: string) =>
      (await service.events(id))
        .filter((e) => e.action === 'sla_warned' || e.action === 'sla_breached' || e.action === 'escalated')
        .map((e) => e.action);
    return { clock, service, runner, notices, summary, metrics, errors, options, fire, events };
  };

  it('warns at exactly 75% of a business-hours budget, to the triage channel while unclaimed', async () => {
    // P2 opened Friday 26 Sep 2025 17:00 Shanghai: 4 business hours, 3 of them reached on Sunday 28
    // Sep (调休 working day) at 11:00.
    const s = await setup('2025-09-26T17:00:00+08:00');
    const t = await s.service.open(openInput({ severity: 'P2' }));

    s.clock.set('2025-09-28T10:59:59+08:00');
    expect((await s.fire(t.id)).notices).toEqual([]);

    s.clock.set('2025-09-28T11:00:00+08:00');
    const { ticket, notices } = await s.fire(t.id);
    expect(s.summary()).toEqual([
      { kind: 'sla_warning', clock: 'first_response', recipient: 'triage', tier: 'L2', escalation: null },
    ]);
    expect(sh(ticket!.clocks[0].warnedAt)).toBe('2025-09-28T11:00:00+08:00');
    expect(notices[0].key).toBe(`sla:${t.id}:first_response:warn:2025-09-28T03:00:00.000Z`);
    const [warned] = (await s.service.events(t.id)).filter((e) => e.action === 'sla_warned');
    expect(warned).toMatchObject({ actor: 'helpline', from: null, to: null });
    expect(warned.data).toEqual({
      clock: 'first_response',
      severity: 'P2',
      warnedAt: '2025-09-28T03:00:00.000Z',
      dueAt: '2025-09-28T04:00:00.000Z',
    });
    expect(s.metrics).toEqual(['warn P2']);
    // The warning's timer is gone; the breach's is still there.
    expect(Object.keys(s.runner.delays())).toEqual([
      `sla:${t.id}:first_response:breach`,
      `sla:${t.id}:resolution:warn`,
      `sla:${t.id}:resolution:breach`,
    ]);
    expect(s.runner.delays()[`sla:${t.id}:first_response:breach`]).toBe(60 * MIN);
  });

  it('warns the assignee once the ticket is claimed', async () => {
    const s = await setup('2025-03-10T09:00:00+08:00');
    const t = await s.service.open(openInput({ severity: 'P0' }));
    await s.service.claim(t.id, 'eng-li');
    s.clock.advance(3 * 60 * MIN); // 75% of P0's 4 h resolution
    await s.fire(t.id);
    expect(s.summary()).toEqual([
      { kind: 'sla_warning', clock: 'resolution', recipient: 'eng-li', tier: 'L2', escalation: null },
    ]);
  });

  it('a breach escalates L2 → L3 once, however many times and however concurrently the job runs', async () => {
    const s = await setup('2025-03-10T09:00:00+08:00');
    const u = await s.service.open(openInput({ severity: 'P0' }));
    s.clock.advance(15 * MIN);
    // Two deliveries of the timer and a sweep at once, then a late redelivery.
    const handler = fireHandler(s.options);
    const data = { ticketId: u.id, kind: 'first_response' as const, stage: 'breach' as const };
    await Promise.all([handler(data, ctxOf(1)), handler(data, ctxOf(1)), s.fire(u.id)]);
    await handler(data, ctxOf(2));

    const after = await s.service.get(u.id);
    expect(after).toMatchObject({ tier: 'L3', status: 'waiting_l2', assigneeId: null });
    expect(await s.events(u.id)).toEqual(['sla_breached', 'escalated']);
    const log = await s.service.events(u.id);
    const breached = log.find((e) => e.action === 'sla_breached')!;
    expect(breached).toMatchObject({ from: 'L2', to: 'L3' });
    expect(breached.data).toEqual({
      clock: 'first_response',
      severity: 'P0',
      dueAt: '2025-03-10T01:15:00.000Z',
      tier: 'L3',
      escalated: true,
    });
    expect(log.find((e) => e.action === 'escalated')!.data).toMatchObject({
      slaBreach: { clock: 'first_response', dueAt: '2025-03-10T01:15:00.000Z' },
    });
    // No warning after the deadline: the breach supersedes it.
    expect(s.summary()).toEqual([
      { kind: 'sla_breach', clock: 'first_response', recipient: 'triage', tier: 'L3', escalation: 'L2→L3' },
    ]);
    expect(s.metrics).toEqual(['breach P0']);
  });

  it('each breach climbs one tier: L3 → manager on the next one, and a manager breach stays there', async () => {
    const s = await setup('2025-03-10T09:00:00+08:00');
    const t = await s.service.open(openInput({ severity: 'P0' }));
    s.clock.advance(15 * MIN);
    await s.fire(t.id); // first response: L2 → L3
    await s.service.claim(t.id, 'eng-wang');
    s.clock.advance(4 * 60 * MIN);
    await s.fire(t.id); // resolution: L3 → manager
    expect(await s.service.get(t.id)).toMatchObject({ tier: 'manager', assigneeId: null });
    // 4 h 15 min used of 4 h when the second timer fires: a breach, no late warning.
    expect(s.summary().map((n) => [n.kind, n.clock, n.escalation])).toEqual([
      ['sla_breach', 'first_response', 'L2→L3'],
      ['sla_breach', 'resolution', 'L3→manager'],
    ]);
    expect(
      s.notices.find((n) => n.kind === 'sla_breach' && n.clock.kind === 'resolution')!.escalation,
    ).toEqual({
      from: 'L3',
      to: 'manager',
      previousAssigneeId: 'eng-wang',
    });

    // A manager-tier ticket whose clock breaches is marked and notified, not escalated further.
    const m = await s.service.open(openInput({ severity: 'P0', requesterId: 'emp3' }));
    await s.service.escalate(m.id, 'lead', 'vendor outage');
    await s.service.escalate(m.id, 'lead', 'vendor outage');
    s.clock.advance(15 * MIN);
    const { ticket, notices } = await s.fire(m.id);
    expect(ticket!.tier).toBe('manager');
    expect(notices.map((n) => [n.kind, n.escalation])).toEqual([['sla_breach', null]]);
    const breached = (await s.service.events(m.id)).find((e) => e.action === 'sla_breached')!;
    expect(breached).toMatchObject({ from: 'manager', to: null });
    expect(breached.data).toMatchObject({ tier: 'manager', escalated: false });
  });

  it('an escalation from waiting-on-employee puts the ticket back in a queue with its clock running again', async () => {
    const s = await setup('2025-03-10T09:00:00+08:00');
    const t = await s.service.open(openInput({ severity: 'P0' }));
    await s.service.claim(t.id, 'eng-li');
    s.clock.advance(4 * 60 * MIN + MIN); // the resolution deadline passes, but its timer was lost…
    await s.service.waitOnEmployee(t.id, 'eng-li', 'which office?'); // …and the clock is paused over budget
    const { ticket } = await s.fire(t.id);
    expect(ticket).toMatchObject({ tier: 'L3', status: 'waiting_l2' });
    const res = ticket!.clocks.find((c) => c.kind === 'resolution')!;
    expect(res.breachedAt).not.toBeNull();
    expect(res.runningSince).toBe(s.clock.now().toISOString());
  });

  it('a timer that fires early (the clock was paused since) records nothing and retries at the new instant', async () => {
    const s = await setup('2025-03-10T09:00:00+08:00');
    const t = await s.service.open(openInput({ severity: 'P0' }));
    await s.service.claim(t.id, 'eng-li');
    s.clock.advance(60 * MIN);
    await s.service.waitOnEmployee(t.id, 'eng-li', 'screenshot?');
    s.clock.advance(2 * 60 * MIN + 30 * MIN); // the original warning instant (3 h) has passed while paused
    await s.service.employeeReplied(t.id, 'emp1');

    const handler = fireHandler(s.options);
    const err = await handler({ ticketId: t.id, kind: 'resolution', stage: 'warn' }, ctxOf(1)).catch(
      (e) => e,
    );
    // 1 h used; the warning is due after 2 more hours of running time.
    expect(err).toBeInstanceOf(RetryLater);
    expect((err as RetryLater).delayMs).toBe(2 * 60 * MIN);
    expect(await s.events(t.id)).toEqual([]);
    expect(s.notices).toEqual([]);
    expect(s.runner.delays()[`sla:${t.id}:resolution:breach`]).toBe(3 * 60 * MIN);
  });

  it('a paused clock, a resolved ticket or a linked report: nothing fires, their timers are removed', async () => {
    const s = await setup('2025-03-10T09:00:00+08:00');
    const paused = await s.service.open(openInput({ severity: 'P0' }));
    await s.service.claim(paused.id, 'eng-li');
    await s.service.waitOnEmployee(paused.id, 'eng-li');
    const resolved = await s.service.open(openInput({ severity: 'P0', requesterId: 'emp2' }));
    await s.service.resolve(resolved.id, 'eng-li');
    const parent = await s.service.open(openInput({ severity: 'P0', requesterId: 'emp3' }));
    const child = await s.service.open(openInput({ severity: 'P0', requesterId: 'emp4' }));
    await s.service.linkToParent(child.id, parent.id, 'helpline');

    s.clock.advance(5 * 60 * MIN);
    for (const t of [paused, resolved, child]) {
      const { timers, notices } = await s.fire(t.id);
      expect(notices).toEqual([]);
      expect(timers.every((x) => x.at === null)).toBe(true);
      expect(await s.events(t.id)).toEqual([]);
    }
    // The parent incident carries the SLA: it breaches.
    expect((await s.fire(parent.id)).notices.map((n) => n.kind)).toEqual(['sla_breach', 'sla_breach']);
    expect(s.runner.delays()).toEqual({});
  });

  it('a notice that cannot be handed over is reported; the event stays recorded and the timers synced', async () => {
    const s = await setup('2025-03-10T09:00:00+08:00');
    s.options.notify = () => {
      throw new Error('outbound queue unreachable');
    };
    const t = await s.service.open(openInput({ severity: 'P0' }));
    s.clock.advance(12 * MIN);
    const { notices } = await s.fire(t.id);
    expect(notices.map((n) => n.kind)).toEqual(['sla_warning']);
    expect(s.errors.map((e) => (e as Error).message)).toEqual(['outbound queue unreachable']);
    expect(await s.events(t.id)).toEqual(['sla_warned']);
    expect(s.runner.delays()[`sla:${t.id}:first_response:breach`]).toBe(3 * MIN);
  });

  it('a ticket that no longer exists is a no-op', async () => {
    const s = await setup('2025-03-10T09:00:00+08:00');
    expect(await s.fire('0b0e7c5e-8d3f-4a57-9a3e-2f1d6c9b1a99')).toEqual({
      ticket: undefined,
      notices: [],
      timers: [],
    });
  });
});

function ctxOf(attempt: number) {
  return { id: 'job', queue: 'sla' as const, name: 'sla-fire', attempt, final: false };
}
