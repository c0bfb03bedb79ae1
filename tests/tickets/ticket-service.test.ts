import { expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import type { Database } from '../../src/store/database.ts';
import { createTicketService } from '../../src/tickets/ticket-service.ts';
import { eachBackend } from '../store/backends.ts';
import { BUDGET, fakeSla, manualClock } from './fakes.ts';
import { barrier, openInput, racingDatabase } from './helpers.ts';

const MIN = 60_000;
const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e) => e,
  );

eachBackend('TicketService', (ctx) => {
  const setup = async (db?: Database) => {
    const clock = manualClock();
    const sla = fakeSla();
    const service = createTicketService({ db: db ?? (await ctx.fresh()), now: clock.now, sla });
    return { clock, sla, service };
  };

  it('opens a ticket waiting for L2 with both clocks running and an audit entry', async () => {
    const { service, sla, clock } = await setup();
    const t = await service.open(openInput({ openedBy: 'helpline' }));
    expect(t).toMatchObject({
      number: 'HL-1001',
      status: 'waiting_l2',
      tier: 'L2',
      severity: 'P2',
      assigneeId: null,
      sensitive: false,
      createdAt: clock.iso(),
    });
    expect(t.clocks.map((c) => [c.kind, c.severity, c.runningSince, c.budgetMs])).toEqual([
      ['first_response', 'P2', clock.iso(), BUDGET.P2.first_response],
      ['resolution', 'P2', clock.iso(), BUDGET.P2.resolution],
    ]);
    expect(sla.calls).toEqual(['start first_response P2', 'start resolution P2']);
    const [opened] = await service.events(t.number);
    expect(opened).toMatchObject({
      action: 'opened',
      actor: 'helpline',
      to: 'waiting_l2',
      reason: 'one person; data mismatch',
    });
    expect(opened.data).toMatchObject({
      severity: 'P2',
      category: 'attendance',
      sensitive: false,
      signals: ['data_mismatch'],
    });
    expect((await service.open(openInput())).number).toBe('HL-1002');
  });

  it('marks payroll, security, medical, harassment and flagged tickets sensitive, with the reason', async () => {
    const { service } = await setup();
    const cases = [
      [openInput({ category: 'payroll' }), true, 'payroll'],
      [openInput({ category: 'security' }), true, 'security'],
      [openInput({ category: 'leave', sensitiveTopic: 'medical' }), true, 'medical'],
      [openInput({ category: 'other', sensitiveTopic: 'harassment' }), true, 'harassment'],
      [openInput({ category: 'device', sensitive: true }), true, 'flagged'],
      [openInput({ category: 'leave' }), false, null],
    ] as const;
    for (const [input, sensitive, reason] of cases) {
      const t = await service.open(input);
      expect([t.sensitive, t.sensitiveReason], input.category).toEqual([sensitive, reason]);
      expect((await service.get(t.id)).sensitive).toBe(sensitive);
    }
  });

  it('walks a whole ticket life, moving the clocks and writing who, what, when and why', async () => {
    const { service, clock } = await setup();
    const t0 = clock.iso();
    const t = await service.open(openInput());

    clock.advance(10 * MIN);
    let cur = await service.claim(t.number, 'eng1');
    expect(cur).toMatchObject({ status: 'claimed', assigneeId: 'eng1' });
    const fr = cur.clocks.find((c) => c.kind === 'first_response')!;
    expect(fr).toMatchObject({ stoppedAt: clock.iso(), consumedMs: 10 * MIN, runningSince: null });

    clock.advance(5 * MIN);
    cur = await service.waitOnEmployee(t.id, 'eng1', 'asked for a screenshot');
    const res = () => cur.clocks.find((c) => c.kind === 'resolution')!;
    expect(cur.status).toBe('waiting_employee');
    expect(res()).toMatchObject({ runningSince: null, stoppedAt: null, consumedMs: 15 * MIN });

    clock.advance(60 * MIN); // the employee takes an hour: not counted
    cur = await service.employeeReplied(t.id, 'emp1');
    expect(cur.status).toBe('claimed');
    expect(res()).toMatchObject({ runningSince: clock.iso(), consumedMs: 15 * MIN });

    clock.advance(5 * MIN);
    cur = await service.overrideSeverity(t.id, 'eng1', 'P1', 'whole team affected');
    expect(cur.severity).toBe('P1');
    expect(res()).toMatchObject({ severity: 'P1', budgetMs: BUDGET.P1.resolution });
    expect(cur.clocks.find((c) => c.kind === 'first_response')).toMatchObject({ severity: 'P2' }); // stopped: final

    clock.advance(5 * MIN);
    cur = await service.escalate(t.id, 'eng1', 'needs the vendor');
    expect(cur).toMatchObject({ tier: 'L3', status: 'waiting_l2', assigneeId: null });

    clock.advance(5 * MIN);
    cur = await service.claim(t.id, 'l3-eng');
    clock.advance(5 * MIN);
    cur = await service.resolve(t.id, 'l3-eng', 'patched the sync job');
    expect(cur).toMatchObject({ status: 'resolved', resolvedAt: clock.iso() });
    // 15 min before the wait + 20 min after it.
    expect(res()).toMatchObject({ stoppedAt: clock.iso(), consumedMs: 35 * MIN });

    clock.advance(5 * MIN);
    cur = await service.close(t.id, 'emp1', { csat: 2, comment: 'slow' });
    expect(cur).toMatchObject({ status: 'closed', csat: 2, closedAt: clock.iso() });

    clock.advance(5 * MIN);
    cur = await service.reopen(t.id, 'emp1', 'it broke again');
    expect(cur).toMatchObject({
      status: 'claimed',
      assigneeId: 'l3-eng',
      csat: null,
      resolvedAt: null,
      closedAt: null,
    });
    expect(res()).toMatchObject({ stoppedAt: null, runningSince: clock.iso(), consumedMs: 35 * MIN });

    clock.advance(10 * MIN);
    cur = await service.resolve(t.id, 'l3-eng');
    cur = await service.close(t.id, 'emp1', { csat: 5 });
    expect(res()).toMatchObject({ consumedMs: 45 * MIN });
    expect(cur.version).toBe(12); // 1 at opening + 11 changes

    const events = await service.events(t.id);
    expect(events.map((e) => [e.action, e.actor, e.from, e.to, e.reason])).toEqual([
      ['opened', 'emp1', null, 'waiting_l2', 'one person; data mismatch'],
      ['claimed', 'eng1', 'waiting_l2', 'claimed', null],
      ['waiting_on_employee', 'eng1', 'claimed', 'waiting_employee', 'asked for a screenshot'],
      ['employee_replied', 'emp1', 'waiting_employee', 'claimed', null],
      ['severity_overridden', 'eng1', 'P2', 'P1', 'whole team affected'],
      ['escalated', 'eng1', 'L2', 'L3', 'needs the vendor'],
      ['claimed', 'l3-eng', 'waiting_l2', 'claimed', null],
      ['resolved', 'l3-eng', 'claimed', 'resolved', 'patched the sync job'],
      ['closed', 'emp1', 'resolved', 'closed', null],
      ['reopened', 'emp1', 'closed', 'claimed', 'it broke again'],
      ['resolved', 'l3-eng', 'claimed', 'resolved', null],
      ['closed', 'emp1', 'resolved', 'closed', null],
    ]);
    expect(events[0].at).toBe(t0);
    expect(events[8].data).toEqual({ csat: 2, comment: 'slow' });
    expect(events[9].data).toEqual({ previousCsat: 2 });
    const times = events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('refuses illegal moves with ILLEGAL_TRANSITION and leaves the ticket and its log alone', async () => {
    const { service } = await setup();
    const t = await service.open(openInput());
    await service.resolve(t.id, 'eng1');
    const closed = await service.close(t.id, 'emp1');
    for (const call of [
      () => service.resolve(t.id, 'eng1'),
      () => service.claim(t.id, 'eng2'),
      () => service.waitOnEmployee(t.id, 'eng1'),
      () => service.escalate(t.id, 'eng1'),
      () => service.linkToParent(t.id, t.id, 'eng1'),
    ]) {
      const err = await errorOf(call());
      expect(isHelplineError(err, 'ILLEGAL_TRANSITION'), String(err)).toBe(true);
      expect(err.message).toMatch(/it is closed/);
    }
    expect(await service.get(t.id)).toEqual(closed);
    expect(await service.events(t.id)).toHaveLength(3);
  });

  it('rejects bad input with coded errors: unknown tickets, CSAT 0 or 6, no reason, bad fields', async () => {
    const { service } = await setup();
    for (const call of [
      () => service.get('HL-424242'),
      () => service.claim('HL-424242', 'eng1'),
      () => service.resolve('00000000-0000-4000-8000-000000000000', 'eng1'),
      () => service.close('nonsense', 'emp1', { csat: 5 }),
      () => service.events('HL-424242'),
    ]) {
      expect(isHelplineError(await errorOf(call()), 'TICKET_NOT_FOUND')).toBe(true);
    }
    const t = await service.open(openInput());
    await service.resolve(t.id, 'eng1');
    for (const csat of [0, 6]) {
      const err = await errorOf(service.close(t.id, 'emp1', { csat }));
      expect(isHelplineError(err, 'BAD_REQUEST')).toBe(true);
      expect(err.message).toMatch(/1 to 5/);
    }
    expect((await service.get(t.id)).status).toBe('resolved');
    const other = await service.open(openInput());
    expect(
      isHelplineError(await errorOf(service.overrideSeverity(other.id, 'eng1', 'P0', '')), 'BAD_REQUEST'),
    ).toBe(true);
    expect(isHelplineError(await errorOf(service.open(openInput({ title: ' ' }))), 'BAD_REQUEST')).toBe(true);
    expect(
      isHelplineError(await errorOf(service.open(openInput({ severity: 'P7' as 'P0' }))), 'BAD_REQUEST'),
    ).toBe(true);
    expect(
      isHelplineError(await errorOf(service.linkToParent(other.id, 'HL-424242', 'x')), 'TICKET_NOT_FOUND'),
    ).toBe(true);
  });

  it('rates after closing, and keeps a long title readable', async () => {
    const { service } = await setup();
    const t = await service.open(openInput({ title: `  ${'很长的标题 '.repeat(60)}` }));
    expect(t.title.length).toBeLessThanOrEqual(200);
    expect(t.title.endsWith('…')).toBe(true);
    await service.resolve(t.id, 'eng1');
    await service.close(t.id, 'helpline');
    const rated = await service.rate(t.id, 'emp1', 4, 'ok');
    expect(rated.csat).toBe(4);
    expect((await service.events(t.id)).at(-1)).toMatchObject({
      action: 'rated',
      from: null,
      to: '4',
      data: { comment: 'ok' },
    });
  });

  it('a ticket opened as new waits for submit before the L2 queue', async () => {
    const { service } = await setup();
    const t = await service.open(openInput({ status: 'new' }));
    expect(t.status).toBe('new');
    expect((await service.list({ status: 'waiting_l2' })).length).toBe(0);
    expect((await service.submit(t.id, 'helpline')).status).toBe('waiting_l2');
  });

  it('links reports of one problem to a parent incident, counting reporters, logged on both', async () => {
    const { service } = await setup();
    const parent = await service.open(
      openInput({ title: '打卡系统进不去', severity: 'P1', requesterId: 'emp1' }),
    );
    const r2 = await service.open(openInput({ requesterId: 'emp2' }));
    const r3 = await service.open(openInput({ requesterId: 'emp3' }));
    expect((await service.linkToParent(r2.id, parent.number, 'helpline')).parentId).toBe(parent.id);
    await service.linkToParent(r3.number, parent.id, 'helpline');
    expect((await service.get(parent.id)).reporters).toBe(3);
    expect((await service.list({ parentId: parent.id, order: 'oldest' })).map((t) => t.requesterId)).toEqual([
      'emp2',
      'emp3',
    ]);
    expect((await service.events(r2.id)).at(-1)).toMatchObject({
      action: 'linked_to_parent',
      to: parent.id,
      actor: 'helpline',
    });
    expect(
      (await service.events(parent.id)).filter((e) => e.action === 'reporter_linked').map((e) => e.to),
    ).toEqual([r2.number, r3.number]);
    // A parent cannot become a child, and a closed incident takes no new reports.
    const lone = await service.open(openInput());
    expect(
      isHelplineError(await errorOf(service.linkToParent(parent.id, lone.id, 'x')), 'ILLEGAL_TRANSITION'),
    ).toBe(true);
    await service.resolve(lone.id, 'eng1');
    const r4 = await service.open(openInput());
    expect(
      isHelplineError(await errorOf(service.linkToParent(r4.id, lone.id, 'x')), 'ILLEGAL_TRANSITION'),
    ).toBe(true);
  });

  it('two engineers claiming through two processes: one wins, the first-response clock stops once', async () => {
    const db = await ctx.fresh();
    const a = await setup(db);
    const b = await setup(await ctx.sibling(db));
    for (let round = 0; round < 10; round++) {
      const t = await a.service.open(openInput());
      a.clock.advance(MIN);
      b.clock.advance(MIN);
      const results = await Promise.allSettled([
        a.service.claim(t.id, 'alice'),
        b.service.claim(t.id, 'bob'),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(isHelplineError(loser.reason, 'ALREADY_CLAIMED')).toBe(true);
      const stored = await a.service.get(t.id);
      expect(loser.reason.details.assigneeId).toBe(stored.assigneeId);
      expect(stored.clocks.find((c) => c.kind === 'first_response')?.stoppedAt).not.toBeNull();
      expect((await a.service.events(t.id)).filter((e) => e.action === 'claimed')).toHaveLength(1);
    }
  });

  it('concurrent changes by two people both land (no lost update), each audited', async () => {
    const db = await ctx.fresh();
    const other = await ctx.sibling(db);
    const { service } = await setup(db);
    const t = await service.open(openInput());
    await service.claim(t.id, 'eng1');
    // Both read version 2 before either writes; one must notice and redo its change on version 3.
    const meet = barrier(2);
    const a = await setup(racingDatabase(db, meet, 'before').db);
    const b = await setup(racingDatabase(other, meet, 'before').db);
    await Promise.all([
      a.service.overrideSeverity(t.id, 'eng1', 'P0', 'payday'),
      b.service.waitOnEmployee(t.id, 'eng1', 'which payslip?'),
    ]);
    const final = await service.get(t.id);
    expect(final).toMatchObject({ severity: 'P0', status: 'waiting_employee', version: 4 });
    const res = final.clocks.find((c) => c.kind === 'resolution')!;
    expect(res).toMatchObject({ severity: 'P0', runningSince: null });
    expect(
      (await service.events(t.id))
        .map((e) => e.action)
        .slice(2)
        .sort(),
    ).toEqual(['severity_overridden', 'waiting_on_employee']);
  });

  it('raiseSeverity raises with an audited reason and retargeted clocks, and never lowers', async () => {
    const { service, sla } = await setup();
    const heard: string[] = [];
    service.onChange(({ action, ticket }) => {
      heard.push(`${action} ${ticket.severity}`);
    });
    const t = await service.open(openInput({ severity: 'P1' }));
    sla.calls.length = 0;
    const raised = await service.raiseSeverity(t.id, 'helpline', 'P0', 'Shenzhen and Beijing too');
    expect(raised.severity).toBe('P0');
    expect(raised.rationale).toBe(`Shenzhen and Beijing too (Before: ${t.rationale})`);
    expect(raised.clocks.map((c) => c.severity)).toEqual(['P0', 'P0']);
    expect(sla.calls).toEqual(['retarget first_response P0', 'retarget resolution P0']);
    // As severe or less: the ticket comes back as it is, nothing written, nobody told.
    for (const lower of ['P0', 'P1', 'P3'] as const) {
      expect(await service.raiseSeverity(t.id, 'helpline', lower, 'calmer now')).toMatchObject({
        severity: 'P0',
        version: raised.version,
      });
    }
    await service.resolve(t.id, 'eng1');
    const p2 = await service.open(openInput({ severity: 'P2' }));
    await service.resolve(p2.id, 'eng1');
    expect((await service.raiseSeverity(p2.id, 'helpline', 'P0', 'too late')).severity).toBe('P2');
    expect(heard).toEqual(['open P1', 'raiseSeverity P0', 'resolve P0', 'open P2', 'resolve P2']);
    const events = await service.events(t.id);
    expect(events.map((e) => [e.action, e.actor, e.from, e.to, e.reason])).toContainEqual([
      'severity_overridden',
      'helpline',
      'P1',
      'P0',
      'Shenzhen and Beijing too',
    ]);
    expect(events.filter((e) => e.action === 'severity_overridden')).toHaveLength(1);
  });
});
