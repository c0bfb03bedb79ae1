import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import type { SlaClock } from '../../src/sla/types.ts';
import { transition } from '../../src/tickets/lifecycle.ts';
import { TicketStore } from '../../src/tickets/ticket-store.ts';
import { eachBackend } from '../store/backends.ts';
import { fakeSla } from './fakes.ts';
import { barrier, racingDatabase, record } from './helpers.ts';

const T0 = new Date('2025-03-03T01:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const clocksAt = (now: Date): SlaClock[] => {
  const sla = fakeSla();
  return [sla.start('first_response', 'P1', now), sla.start('resolution', 'P1', now)];
};

const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e) => e,
  );

eachBackend('TicketStore', (ctx) => {
  const fresh = async () => new TicketStore(await ctx.fresh());

  it('numbers tickets HL-1001, HL-1002, … and reads them back by id or number', async () => {
    const store = await fresh();
    const a = await store.create(record(), { now: T0, actor: 'helpline' });
    const b = await store.create(record({ requesterId: 'emp2' }), { now: at(1), actor: 'helpline' });
    const c = await store.create(record(), { now: at(2), actor: 'helpline' });
    expect([a.number, b.number, c.number]).toEqual(['HL-1001', 'HL-1002', 'HL-1003']);
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.get(b.id)).toEqual(b);
    expect(await store.getByNumber('HL-1002')).toEqual(b);
    expect(await store.getByNumber('hl-1002')).toEqual(b);
    expect(await store.getByNumber('1002')).toEqual(b);
    expect(await store.require('HL-1003')).toEqual(c);
    expect(await store.require(c.id)).toEqual(c);
  });

  it('round-trips every field: jsonb signals and transcript, Chinese text, timestamps, clocks', async () => {
    const store = await fresh();
    const input = record({ sensitive: true, sensitiveReason: 'payroll', category: 'payroll' });
    const clocks = clocksAt(T0);
    const created = await store.create(input, { now: T0, actor: 'helpline', clocks });
    expect(created).toEqual({
      ...input,
      id: created.id,
      number: 'HL-1001',
      assigneeId: null,
      parentId: null,
      createdAt: '2025-03-03T01:00:00.000Z',
      updatedAt: '2025-03-03T01:00:00.000Z',
      clocks,
      reporters: 1,
      csat: null,
      resolvedAt: null,
      closedAt: null,
      version: 1,
    });
    expect(await store.get(created.id)).toEqual(created);
  });

  it("records an 'opened' event in the same transaction", async () => {
    const store = await fresh();
    const t = await store.create(record(), { now: T0, actor: 'emp1', eventData: { source: 'web' } });
    expect(await store.events(t.id)).toEqual([
      {
        id: expect.any(Number),
        ticketId: t.id,
        at: T0.toISOString(),
        actor: 'emp1',
        action: 'opened',
        from: null,
        to: 'waiting_l2',
        reason: 'scope: 上海办公室; core function down',
        data: { severity: 'P1', category: 'attendance', tier: 'L2', source: 'web' },
      },
    ]);
  });

  it('lists by requester, status, category, assignee, thread, parent and open-ness, newest first by default', async () => {
    const store = await fresh();
    const a = await store.create(record({ requesterId: 'emp1', category: 'leave' }), {
      now: at(0),
      actor: 'x',
    });
    const b = await store.create(record({ requesterId: 'emp2', category: 'payroll', threadId: 'web:th2' }), {
      now: at(1),
      actor: 'x',
    });
    const c = await store.create(record({ requesterId: 'emp1', category: 'payroll' }), {
      now: at(2),
      actor: 'x',
    });
    await store.claim(b.id, 'eng1', at(3));
    const resolved = transition(await store.require(c.id), { type: 'resolve' }, 'eng2', at(4));
    await store.update({ ticket: resolved.ticket, events: [resolved.event] });
    const numbers = (ts: { number: string }[]) => ts.map((t) => t.number);
    expect(numbers(await store.list())).toEqual(['HL-1003', 'HL-1002', 'HL-1001']);
    expect(numbers(await store.list({ order: 'oldest', limit: 2 }))).toEqual(['HL-1001', 'HL-1002']);
    expect(numbers(await store.list({ requesterId: 'emp1' }))).toEqual(['HL-1003', 'HL-1001']);
    expect(numbers(await store.list({ category: 'payroll' }))).toEqual(['HL-1003', 'HL-1002']);
    expect(numbers(await store.list({ assigneeId: 'eng1' }))).toEqual(['HL-1002']);
    expect(numbers(await store.list({ status: 'waiting_l2' }))).toEqual(['HL-1001']);
    expect(numbers(await store.list({ status: ['claimed', 'resolved'] }))).toEqual(['HL-1003', 'HL-1002']);
    expect(numbers(await store.list({ open: true }))).toEqual(['HL-1002', 'HL-1001']);
    expect(numbers(await store.list({ open: true, requesterId: 'emp1' }))).toEqual(['HL-1001']);
    expect(numbers(await store.list({ open: true, status: 'resolved' }))).toEqual([]);
    expect(numbers(await store.list({ threadId: 'web:th2' }))).toEqual(['HL-1002']);
    expect(numbers(await store.list({ parentId: a.id }))).toEqual([]);
    // A report linked to an incident, and a question: the open root incidents are a and b.
    const d = await store.create(record({ intent: 'question' }), { now: at(5), actor: 'x' });
    const linked = await store.require(a.id);
    await store.create(record(), { now: at(6), actor: 'x', parentId: linked.id });
    expect(numbers(await store.list({ parentId: a.id }))).toEqual(['HL-1005']);
    expect(numbers(await store.list({ intent: 'incident', parentId: null, open: true }))).toEqual([
      'HL-1002',
      'HL-1001',
    ]);
    expect(numbers(await store.list({ intent: 'question' }))).toEqual([d.number]);
  });

  it('updates with the version read, bumping it, writing clocks and events together', async () => {
    const store = await fresh();
    const t = await store.create(record(), { now: T0, actor: 'x', clocks: clocksAt(T0) });
    const { ticket, event } = transition(
      t,
      { type: 'override_severity', severity: 'P0', reason: 'payday' },
      'eng1',
      at(5),
    );
    const sla = fakeSla();
    const clocks = ticket.clocks.map((c) => sla.retarget(c, 'P0', at(5)));
    const updated = await store.update({ ticket: { ...ticket, clocks }, events: [event] });
    expect(updated).toMatchObject({ severity: 'P0', version: 2, updatedAt: at(5).toISOString(), clocks });
    expect((await store.events(t.id)).map((e) => e.action)).toEqual(['opened', 'severity_overridden']);
  });

  it('detects a lost update: a change based on a stale read fails with CONFLICT and writes nothing', async () => {
    const store = await fresh();
    const t = await store.create(record(), { now: T0, actor: 'x' });
    const first = transition(t, { type: 'escalate', reason: 'vendor' }, 'eng1', at(1));
    const second = transition(
      t,
      { type: 'override_severity', severity: 'P0', reason: 'payday' },
      'eng2',
      at(1),
    );
    await store.update({ ticket: first.ticket, events: [first.event] });
    const err = await errorOf(store.update({ ticket: second.ticket, events: [second.event] }));
    expect(isHelplineError(err, 'CONFLICT')).toBe(true);
    expect(err.message).toContain('HL-1001');
    expect(err.details).toMatchObject({ ticketId: t.id, expectedVersion: 1, actualVersion: 2 });
    const now = await store.require(t.id);
    expect(now).toMatchObject({ tier: 'L3', severity: 'P1', version: 2 });
    expect((await store.events(t.id)).map((e) => e.action)).toEqual(['opened', 'escalated']);
  });

  it('rolls the whole change back when any part fails', async () => {
    const store = await fresh();
    const t = await store.create(record(), { now: T0, actor: 'x' });
    const { ticket, event } = transition(t, { type: 'escalate' }, 'eng1', at(1));
    const orphan = { ...event, ticketId: randomUUID() }; // violates the foreign key
    await expect(store.update({ ticket, events: [event, orphan] })).rejects.toThrow();
    expect(await store.require(t.id)).toEqual(t);
    expect(await store.events(t.id)).toHaveLength(1);
  });

  it('says TICKET_NOT_FOUND for unknown tickets and never errors on malformed ids', async () => {
    const store = await fresh();
    expect(await store.get(randomUUID())).toBeUndefined();
    expect(await store.get('not-a-uuid')).toBeUndefined();
    expect(await store.getByNumber('HL-99999')).toBeUndefined();
    expect(await store.getByNumber('HL-abc')).toBeUndefined();
    expect(await store.events('nope')).toEqual([]);
    for (const call of [
      () => store.require('HL-99999'),
      () => store.require('garbage'),
      () => store.claim(randomUUID(), 'eng1', T0),
    ]) {
      const err = await errorOf(call());
      expect(isHelplineError(err, 'TICKET_NOT_FOUND')).toBe(true);
    }
    const t = await store.create(record(), { now: T0, actor: 'x' });
    const err = await errorOf(store.update({ ticket: { ...t, id: randomUUID() }, events: [] }));
    expect(isHelplineError(err, 'TICKET_NOT_FOUND')).toBe(true);
  });

  it('claim: assigns, records who and when, returns the ticket; the holder claiming again changes nothing', async () => {
    const store = await fresh();
    const t = await store.create(record(), { now: T0, actor: 'x' });
    const claimed = await store.claim(t.number, 'eng1', at(7));
    expect(claimed).toMatchObject({
      status: 'claimed',
      assigneeId: 'eng1',
      version: 2,
      updatedAt: at(7).toISOString(),
    });
    expect(await store.claim(t.id, 'eng1', at(8))).toEqual(claimed);
    const events = await store.events(t.id);
    expect(events.map((e) => [e.action, e.actor, e.at, e.from, e.to])).toEqual([
      ['opened', 'x', T0.toISOString(), null, 'waiting_l2'],
      ['claimed', 'eng1', at(7).toISOString(), 'waiting_l2', 'claimed'],
    ]);
  });

  it('claim: refuses a resolved ticket with ILLEGAL_TRANSITION', async () => {
    const store = await fresh();
    const t = await store.create(record(), { now: T0, actor: 'x' });
    const r = transition(t, { type: 'resolve' }, 'eng1', at(1));
    await store.update({ ticket: r.ticket, events: [r.event] });
    const err = await errorOf(store.claim(t.id, 'eng2', at(2)));
    expect(isHelplineError(err, 'ILLEGAL_TRANSITION')).toBe(true);
    expect(err.message).toMatch(/it is resolved/);
  });

  it('claim: of two engineers claiming at once, exactly one wins and the other is told who (many rounds)', async () => {
    const one = await ctx.fresh();
    const two = await ctx.sibling(one); // a second connection pool: another process
    const [storeA, storeB] = [new TicketStore(one), new TicketStore(two)];
    for (let round = 0; round < 25; round++) {
      const t = await storeA.create(record(), { now: T0, actor: 'x' });
      const results = await Promise.allSettled([
        storeA.claim(t.id, 'alice', at(1)),
        storeB.claim(t.id, 'bob', at(1)),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const winner = (won[0] as PromiseFulfilledResult<{ assigneeId: string }>).value.assigneeId;
      const error = (lost[0] as PromiseRejectedResult).reason;
      expect(isHelplineError(error, 'ALREADY_CLAIMED')).toBe(true);
      expect(error.message).toContain(winner);
      expect(error.details).toMatchObject({ assigneeId: winner, number: t.number });
      const stored = await storeA.require(t.id);
      expect(stored).toMatchObject({ assigneeId: winner, status: 'claimed', version: 2 });
      expect((await storeA.events(t.id)).filter((e) => e.action === 'claimed')).toHaveLength(1);
    }
  });

  it('claim: when both have read the unclaimed ticket before either writes, the conditional UPDATE picks one', async () => {
    const one = await ctx.fresh();
    const two = await ctx.sibling(one);
    const rounds = 10;
    let lostRaces = 0;
    for (let round = 0; round < rounds; round++) {
      const meet = barrier(2);
      // PostgreSQL: both transactions are open and both UPDATEs meet on the row lock.
      const where = ctx.kind === 'postgres' ? 'inside' : 'before';
      const a = racingDatabase(one, meet, where);
      const b = racingDatabase(two, meet, where);
      const t = await new TicketStore(one).create(record(), { now: T0, actor: 'x' });
      const results = await Promise.allSettled([
        new TicketStore(a.db).claim(t.id, 'alice', at(1)),
        new TicketStore(b.db).claim(t.id, 'bob', at(1)),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(isHelplineError(loser.reason, 'ALREADY_CLAIMED')).toBe(true);
      lostRaces += a.stats.lost + b.stats.lost;
    }
    // Every round really raced: the loser's UPDATE found the row already taken.
    expect(lostRaces).toBe(rounds);
  });

  it('claim: of eight claiming at once, exactly one wins', async () => {
    const one = await ctx.fresh();
    const others = await Promise.all([1, 2, 3].map(() => ctx.sibling(one)));
    const stores = [one, ...others].map((db) => new TicketStore(db));
    const t = await stores[0].create(record(), { now: T0, actor: 'x' });
    const engineers = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8'];
    const results = await Promise.allSettled(
      engineers.map((e, i) => stores[i % stores.length].claim(t.id, e, at(1))),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const winner = (winners[0] as PromiseFulfilledResult<{ assigneeId: string }>).value.assigneeId;
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason.details.assigneeId).toBe(winner);
    }
  });

  it('mutate: re-reads and re-applies a change that lost a race, so both changes land', async () => {
    const one = await ctx.fresh();
    const two = await ctx.sibling(one);
    const meet = barrier(2);
    const a = new TicketStore(racingDatabase(one, meet, 'before').db);
    const b = new TicketStore(racingDatabase(two, meet, 'before').db);
    const t = await new TicketStore(one).create(record(), { now: T0, actor: 'x' });
    let attempts = 0;
    await Promise.all([
      a.mutate(t.id, (cur) => {
        attempts += 1;
        const r = transition(cur, { type: 'escalate', reason: 'vendor' }, 'eng1', at(1));
        return { ticket: r.ticket, events: [r.event] };
      }),
      b.mutate(t.id, (cur) => {
        attempts += 1;
        const r = transition(
          cur,
          { type: 'override_severity', severity: 'P0', reason: 'payday' },
          'eng2',
          at(1),
        );
        return { ticket: r.ticket, events: [r.event] };
      }),
    ]);
    const final = await a.require(t.id);
    expect(final).toMatchObject({ tier: 'L3', severity: 'P0', version: 3 });
    expect((await a.events(t.id)).map((e) => e.action).sort()).toEqual([
      'escalated',
      'opened',
      'severity_overridden',
    ]);
    // Both read version 1; the one that lost re-read and applied its change again.
    expect(attempts).toBe(3);
  });
});
