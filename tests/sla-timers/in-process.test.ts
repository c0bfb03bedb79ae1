/**
 * SLA timers in real time on the embedded runner and a real database: budgets of a few hundred
 * milliseconds on 24×7, so warnings and breaches happen while the test waits. Timing is asserted
 * twice: the timer's job starts within TIMER_SLACK_MS of its instant, and the notice is out within
 * NOTICE_SLACK_MS (the database work in between is slow on a busy 2-core machine, PGlite most).
 */
import { afterEach, expect, it } from 'vitest';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import type { JobRunner } from '../../src/jobs/types.ts';
import { slaOps } from '../../src/sla/ops.ts';
import { DEFAULT_SLA_POLICY } from '../../src/sla/policy.ts';
import type { SlaPolicy } from '../../src/sla/types.ts';
import { createSlaTimers, type SlaNotice } from '../../src/sla-timers/index.ts';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.ts';
import { eachBackend } from '../store/backends.ts';
import { openInput } from '../tickets/helpers.ts';
import { CALENDARS, timedRunner, waitFor } from './helpers.ts';

const ms = (n: number) => n / 60_000; // policy budgets are in minutes
/** P0: first response 400 ms, resolution 1.2 s. P1: both 400 ms (claimed at once: resolution only). */
const TINY_POLICY: SlaPolicy = {
  ...DEFAULT_SLA_POLICY,
  P0: { firstResponseMinutes: ms(400), resolutionMinutes: ms(1200), calendar: '24x7' },
  P1: { firstResponseMinutes: ms(400), resolutionMinutes: ms(400), calendar: '24x7' },
};
/** Generous: a loaded 2-core machine (and PGlite's synchronous WebAssembly) holds timers back. */
const TIMER_SLACK_MS = 250;
const NOTICE_SLACK_MS = 1000;

const runners: JobRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

eachBackend('SLA timers on the in-process runner, in real time', (ctx) => {
  const setup = async (tickets?: TicketService) => {
    const service =
      tickets ??
      createTicketService({
        db: await ctx.fresh(),
        now: () => new Date(),
        sla: slaOps(TINY_POLICY, CALENDARS),
      });
    const inner = new InProcessRunner({ onError: () => {} });
    runners.push(inner);
    const { runner, starts } = timedRunner(inner);
    const notices: (SlaNotice & { receivedAt: number })[] = [];
    const timers = createSlaTimers({
      runner,
      tickets: service,
      calendars: CALENDARS,
      notify: (n) => {
        notices.push({ ...n, receivedAt: Date.now() });
      },
      sweepEveryMs: 300,
    });
    timers.register();
    await runner.start();
    /** The notice came at most NOTICE_SLACK_MS after `instant`, its job at most TIMER_SLACK_MS. */
    const onTime = (n: SlaNotice & { receivedAt: number }, instant: number) => {
      const stage = n.kind === 'sla_warning' ? 'warn' : 'breach';
      const jobStarts = starts.get(`sla:${n.ticket.id}:${n.clock.kind}:${stage}`) ?? [];
      const late = jobStarts.filter((at) => at >= instant - 5).map((at) => at - instant);
      expect(late.length, `a ${stage} job started at the ${n.clock.kind} instant`).toBeGreaterThan(0);
      expect(late[0]).toBeLessThan(TIMER_SLACK_MS);
      expect(n.receivedAt - instant).toBeGreaterThanOrEqual(0);
      expect(n.receivedAt - instant).toBeLessThan(NOTICE_SLACK_MS);
    };
    service.onChange(({ ticket }) => timers.afterChange(ticket));
    return { service, runner, timers, notices, onTime, tickets: service };
  };
  const startedAt = (n: SlaNotice) =>
    Date.parse(n.ticket.clocks.find((c) => c.kind === n.clock.kind)!.startedAt);

  it('an unclaimed P0 warns the triage channel at 75% and breaches at 100%, escalating to L3', async () => {
    const s = await setup();
    const t = await s.tickets.open(openInput({ severity: 'P0' }));
    await waitFor(() => s.notices.length >= 2, 3000, 'warning and breach');

    const [warn, breach] = s.notices;
    expect([warn.kind, warn.clock.kind, warn.recipient]).toEqual(['sla_warning', 'first_response', 'triage']);
    expect([breach.kind, breach.clock.kind, breach.recipient]).toEqual([
      'sla_breach',
      'first_response',
      'triage',
    ]);
    const opened = startedAt(warn);
    s.onTime(warn, opened + 300);
    s.onTime(breach, opened + 400);
    expect(breach.escalation).toEqual({ from: 'L2', to: 'L3', previousAssigneeId: null });

    const stored = await s.service.get(t.id);
    expect(stored).toMatchObject({ tier: 'L3', status: 'waiting_l2' });
    expect(stored.clocks[0].warnedAt).toBe(new Date(opened + 300).toISOString());
    expect(stored.clocks[0].breachedAt).toBe(new Date(opened + 400).toISOString());
    const actions = (await s.service.events(t.id)).map((e) => e.action);
    expect(actions).toEqual(['opened', 'sla_warned', 'sla_breached', 'escalated']);
  });

  it('a claimed ticket warns its assignee; the breach escalates it to the L3 queue', async () => {
    const s = await setup();
    const t = await s.tickets.open(openInput({ severity: 'P1' }));
    await s.tickets.claim(t.id, 'eng-li');
    await waitFor(() => s.notices.length >= 2, 3000, 'warning and breach');
    expect(s.notices.map((n) => [n.kind, n.clock.kind, n.recipient, n.ticket.tier])).toEqual([
      ['sla_warning', 'resolution', 'eng-li', 'L2'],
      ['sla_breach', 'resolution', 'triage', 'L3'],
    ]);
    expect(s.notices[1].escalation?.previousAssigneeId).toBe('eng-li');
    await new Promise((r) => setTimeout(r, 200));
    expect(s.notices).toHaveLength(2); // first response stopped at the claim: nothing else fires
  });

  it('waiting on the employee holds the timers; the reply starts them again from the time left', async () => {
    const s = await setup();
    const t = await s.tickets.open(openInput({ severity: 'P1' }));
    await s.tickets.claim(t.id, 'eng-li');
    await s.tickets.waitOnEmployee(t.id, 'eng-li', 'which office?');
    await new Promise((r) => setTimeout(r, 600)); // past the whole budget, but paused
    expect(s.notices).toEqual([]);
    await s.tickets.employeeReplied(t.id, 'emp1');
    await waitFor(() => s.notices.length >= 2, 3000, 'warning and breach after the reply');
    // Due 400 ms of running time after opening: the time used before the pause, the rest after the reply.
    const [warn, breach] = s.notices;
    const res = breach.clock;
    const due = Date.parse(res.runningSince!) + res.budgetMs - res.consumedMs;
    expect(res.breachedAt).toBe(new Date(due).toISOString());
    s.onTime(warn, due - 100);
    s.onTime(breach, due);
  });

  it('lost timers ("lost Redis"): a new runner has none, sweepNow records the overdue breach and re-adds the rest', async () => {
    const first = await setup();
    const t = await first.tickets.open(openInput({ severity: 'P0' }));
    await first.runner.close(); // the in-process runner drops its delayed jobs: nothing will fire
    await new Promise((r) => setTimeout(r, 450));
    expect(first.notices).toEqual([]);

    const second = await setup(first.service);
    const result = await second.timers.sweepNow();
    expect(result).toEqual({ tickets: 1, fired: 1, scheduled: 2, failed: 0, truncated: [] });
    // Past the deadline the warning is noise: only the breach is sent.
    expect(second.notices.map((n) => [n.kind, n.clock.kind, n.ticket.tier])).toEqual([
      ['sla_breach', 'first_response', 'L3'],
    ]);
    // The resolution timers it re-added fire on the new runner: 75% of 1.2 s, then 1.2 s.
    await waitFor(() => second.notices.length >= 2, 3000, 'the re-added resolution warning');
    const warn = second.notices[1];
    expect([warn.kind, warn.clock.kind]).toEqual(['sla_warning', 'resolution']);
    second.onTime(warn, startedAt(warn) + 900);
    expect((await second.service.get(t.id)).tier).toBe('L3');
  });

  it('the periodic sweep finds a ticket whose timers were never added', async () => {
    const s = await setup();
    // Opened through the bare service: no afterChange, no timers (as if the process died right after).
    const t = await s.service.open(openInput({ severity: 'P0' }));
    await s.timers.scheduleSweep();
    const breach = () => s.notices.find((n) => n.kind === 'sla_breach' && n.clock.kind === 'first_response');
    await waitFor(() => breach() !== undefined, 3000, 'a sweep to record the breach');
    expect(breach()).toMatchObject({ recipient: 'triage', escalation: { from: 'L2', to: 'L3' } });
    expect(breach()!.ticket.id).toBe(t.id);
    // Sweeps every 300 ms, so the breach is recorded at most one period (+ slack) after 400 ms.
    expect(breach()!.receivedAt - startedAt(breach()!)).toBeLessThan(400 + 300 + NOTICE_SLACK_MS);
    // One sweep job per slot: the next one, perhaps already due, and no other.
    const { maintenance } = await s.runner.counts();
    expect(maintenance.delayed + maintenance.waiting).toBeLessThanOrEqual(1);
  });
});
