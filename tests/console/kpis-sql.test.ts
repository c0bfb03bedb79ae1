/**
 * The KPIs read from a real database (PGlite and PostgreSQL) with known data: five tickets in
 * November 2026 in Shanghai time (one at 00:30 on the 1st, local, which is still October in UTC),
 * one just before the month, and turns of the bot; every figure is checked, with each filter, and
 * the SLA clocks' pause history is read back from the audit log.
 */
import { beforeEach, expect, it } from 'vitest';
import { clockHistory, resolutionHolds } from '../../src/console/clock-history.ts';
import { type Kpis, loadKpis } from '../../src/console/kpis.ts';
import { monthPeriod } from '../../src/console/period.ts';
import { BUILTIN_CALENDARS } from '../../src/sla/calendars/builtin.ts';
import { slaOps } from '../../src/sla/ops.ts';
import { DEFAULT_SLA_POLICY } from '../../src/sla/policy.ts';
import type { Database } from '../../src/store/database.ts';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.ts';
import type { Ticket } from '../../src/tickets/types.ts';
import { eachBackend } from '../store/backends.ts';

const MIN = 60_000;
const H = 60 * MIN;
const ZONE = 'Asia/Shanghai';
const NOVEMBER = monthPeriod('2026-11', ZONE);

eachBackend('KPIs from the database', (ctx) => {
  let db: Database;
  let tickets: TicketService;
  let now = 0;
  const at = (iso: string) => {
    now = Date.parse(iso);
  };
  const later = (ms: number) => {
    now += ms;
  };
  const T: Record<string, Ticket> = {};

  const open = (key: string, when: string, o: Partial<Parameters<TicketService['open']>[0]>) => {
    at(when);
    return tickets
      .open({
        title: key,
        severity: 'P2',
        category: 'attendance',
        intent: 'incident',
        rationale: 'test',
        requesterId: `emp-${key}`,
        threadId: `th-${key}`,
        ...o,
      })
      .then((t) => {
        T[key] = t;
        return t;
      });
  };
  const breach = (t: Ticket, kind: string, iso: string) =>
    db.query('UPDATE sla_clocks SET breached_at = $1 WHERE ticket_id = $2 AND kind = $3', [iso, t.id, kind]);

  const turn = async (id: string, conversation: string, iso: string, outcome: string) => {
    await db.query(
      `INSERT INTO conversations (id, platform, user_id, created_at) VALUES ($1, 'web', 'u', $2)
       ON CONFLICT (id) DO NOTHING`,
      [conversation, iso],
    );
    await db.query(
      `INSERT INTO messages (id, conversation_id, author, text, created_at) VALUES ($1, $2, 'user', 'q', $3)`,
      [id, conversation, iso],
    );
    await db.query('INSERT INTO turn_outcomes (message_id, outcome, at) VALUES ($1, $2, $3)', [
      id,
      outcome,
      iso,
    ]);
  };

  beforeEach(async () => {
    db = await ctx.fresh();
    tickets = createTicketService({
      db,
      now: () => new Date(now),
      sla: slaOps(DEFAULT_SLA_POLICY, BUILTIN_CALENDARS),
    });
    // t1: web, P1 attendance incident at 09:00 local on 2 Nov: claimed after 10 min, waits on the
    // employee for an hour, resolved after 4 h, rated 5.
    const t1 = await open('t1', '2026-11-02T01:00:00Z', { severity: 'P1', threadId: 'th-web-1' });
    later(10 * MIN);
    await tickets.claim(t1.id, 'eng-1');
    later(20 * MIN);
    await tickets.waitOnEmployee(t1.id, 'eng-1', 'Which office?');
    later(60 * MIN);
    await tickets.employeeReplied(t1.id, 'emp-t1');
    later(4 * H - 90 * MIN);
    await tickets.resolve(t1.id, 'eng-1');
    later(MIN);
    await tickets.close(t1.id, 'emp-t1', { csat: 5 });
    // t2: Slack, P2 payroll, asked for a person at 14:30 local: claimed after 2 h, resolved at 26 h,
    // rated 2, reopened at 27 h, resolved again at 30 h and rated 3.
    const t2 = await open('t2', '2026-11-02T06:30:00Z', {
      category: 'payroll',
      intent: 'human',
      threadId: 'slack:C1:1.1',
    });
    later(2 * H);
    await tickets.claim(t2.id, 'eng-2');
    later(24 * H);
    await tickets.resolve(t2.id, 'eng-2');
    await tickets.close(t2.id, 'emp-t2', { csat: 2 });
    later(H);
    await tickets.reopen(t2.id, 'emp-t2', 'still wrong');
    later(3 * H);
    await tickets.resolve(t2.id, 'eng-2');
    await tickets.close(t2.id, 'emp-t2', { csat: 3 });
    // t3: Lark, P0 security incident at 01:00 local on 16 Nov, never claimed, first response breached.
    const t3 = await open('t3', '2026-11-15T17:00:00Z', {
      severity: 'P0',
      category: 'security',
      threadId: 'lark:oc_1:om_1',
    });
    await breach(t3, 'first_response', '2026-11-15T17:15:00Z');
    // t4: web, P3 leave question at 10:00 local on 20 Nov: claimed after 30 min, resolved at 2 h
    // with its resolution clock breached.
    const t4 = await open('t4', '2026-11-20T02:00:00Z', {
      severity: 'P3',
      category: 'leave',
      intent: 'question',
      threadId: 'th-web-2',
    });
    later(30 * MIN);
    await tickets.claim(t4.id, 'eng-1');
    later(90 * MIN);
    await tickets.resolve(t4.id, 'eng-1');
    await breach(t4, 'resolution', '2026-11-20T03:00:00Z');
    // t5: web request at 00:30 local on 1 Nov (31 Oct in UTC): in November, untouched.
    await open('t5', '2026-10-31T16:30:00Z', { intent: 'request', threadId: 'th-web-5' });
    // t6: 23:00 local on 31 Oct: outside.
    await open('t6', '2026-10-31T15:00:00Z', { threadId: 'th-web-6', severity: 'P0' });

    // The bot's turns: two answered with no ticket after them (self-served), one answered in the
    // thread t1 was then opened in, one declined, one greeting (not counted), one in December.
    await turn('m1', 'th-web-1', '2026-11-02T00:50:00Z', 'answered');
    await turn('m2', 'th-web-3', '2026-11-05T03:00:00Z', 'answered');
    await turn('m3', 'slack:C2:9.9', '2026-11-06T03:10:00Z', 'answered');
    await turn('m4', 'th-web-3', '2026-11-07T08:00:00Z', 'declined');
    await turn('m5', 'th-web-3', '2026-11-07T08:05:00Z', 'greeted');
    await turn('m6', 'th-web-3', '2026-11-30T16:00:00Z', 'answered');
  }, 60_000);

  const hoursWith = (entries: Record<number, number>) =>
    Array.from({ length: 24 }, (_, h) => entries[h] ?? 0);

  it('computes every figure of the month', async () => {
    const k: Kpis = await loadKpis(db, NOVEMBER);
    expect(k.from).toBe('2026-10-31T16:00:00.000Z');
    expect(k.to).toBe('2026-11-30T16:00:00.000Z');
    expect(k.timeZone).toBe(ZONE);
    expect(k.tickets).toBe(5);
    expect(k.firstResponse).toEqual({ count: 3, p50Ms: 30 * MIN, p90Ms: 2 * H });
    expect(k.mttr).toEqual({ count: 3, p50Ms: 4 * H, p90Ms: 30 * H });
    expect(k.slaAttainment).toEqual({ firstResponse: 3 / 4, resolution: 2 / 3, finished: 7 });
    expect(k.csat).toEqual({ average: 4, ratings: 2 });
    expect(k.reopenRate).toBe(1 / 3);
    expect(k.selfService).toEqual({ turns: 4, selfServed: 2, rate: 0.5 });
    expect(k.truncated).toBe(false);

    expect(Object.keys(k.bySeverity)).toEqual(['P0', 'P1', 'P2', 'P3']);
    expect(k.bySeverity.P2).toMatchObject({
      tickets: 2,
      firstResponse: { count: 1, p50Ms: 2 * H },
      mttr: { count: 1, p50Ms: 30 * H },
      csat: { average: 3, ratings: 1 },
      reopenRate: 1,
    });
    expect(k.bySeverity.P0.slaAttainment).toEqual({ firstResponse: 0, resolution: null, finished: 1 });
    expect(Object.fromEntries(Object.entries(k.byCategory).map(([c, f]) => [c, f.tickets]))).toEqual({
      attendance: 2,
      leave: 1,
      payroll: 1,
      security: 1,
    });
    expect(Object.fromEntries(Object.entries(k.byPlatform).map(([p, f]) => [p, f.tickets]))).toEqual({
      lark: 1,
      slack: 1,
      web: 3,
    });

    expect(k.perDay).toHaveLength(30);
    expect(k.perDay[0]).toEqual({ day: '2026-11-01', P0: 0, P1: 0, P2: 1, P3: 0 });
    expect(k.perDay[1]).toEqual({ day: '2026-11-02', P0: 0, P1: 1, P2: 1, P3: 0 });
    expect(k.perDay[15]).toEqual({ day: '2026-11-16', P0: 1, P1: 0, P2: 0, P3: 0 });
    expect(k.perDay[19]).toEqual({ day: '2026-11-20', P0: 0, P1: 0, P2: 0, P3: 1 });
    expect(k.perDay.reduce((n, d) => n + d.P0 + d.P1 + d.P2 + d.P3, 0)).toBe(5);
    expect(k.busiestHours.tickets).toEqual(hoursWith({ 0: 1, 1: 1, 9: 1, 10: 1, 14: 1 }));
    expect(k.busiestHours.questions).toEqual(hoursWith({ 8: 1, 11: 2, 16: 1 }));
    expect(k.handoffReasons).toEqual([
      { reason: 'incident', tickets: 2 },
      { reason: 'human', tickets: 1 },
      { reason: 'question', tickets: 1 },
      { reason: 'request', tickets: 1 },
    ]);
    expect(k.topCategories).toEqual([
      { category: 'attendance', tickets: 2 },
      { category: 'leave', tickets: 1 },
      { category: 'payroll', tickets: 1 },
      { category: 'security', tickets: 1 },
    ]);
    expect(k.csatDistribution).toEqual([0, 0, 1, 0, 1]);
  });

  it('narrows by severity, category and platform', async () => {
    const p2 = await loadKpis(db, NOVEMBER, { severity: 'P2' });
    expect(p2.tickets).toBe(2);
    expect(p2.filter).toEqual({ severity: 'P2' });
    expect(p2.reopenRate).toBe(1);
    // Turns have no severity: self-service is the platform's.
    expect(p2.selfService).toEqual({ turns: 4, selfServed: 2, rate: 0.5 });

    const attendance = await loadKpis(db, NOVEMBER, { category: 'attendance' });
    expect(attendance.tickets).toBe(2);
    expect(attendance.firstResponse).toEqual({ count: 1, p50Ms: 10 * MIN, p90Ms: 10 * MIN });
    expect(attendance.csat).toEqual({ average: 5, ratings: 1 });

    const web = await loadKpis(db, NOVEMBER, { platform: 'web' });
    expect(web.tickets).toBe(3);
    expect(Object.keys(web.byPlatform)).toEqual(['web']);
    expect(web.selfService).toEqual({ turns: 3, selfServed: 1, rate: 1 / 3 });
    expect(web.busiestHours.questions).toEqual(hoursWith({ 8: 1, 11: 1, 16: 1 }));

    const slack = await loadKpis(db, NOVEMBER, { platform: 'slack', category: 'payroll' });
    expect(slack.tickets).toBe(1);
    expect(slack.selfService).toEqual({ turns: 1, selfServed: 1, rate: 1 });

    const none = await loadKpis(db, NOVEMBER, { platform: 'lark', severity: 'P3' });
    expect(none).toMatchObject({ tickets: 0, reopenRate: null, csat: { average: null, ratings: 0 } });
    expect(none.firstResponse).toEqual({ count: 0, p50Ms: null, p90Ms: null });
  });

  it('reads the SLA clocks’ pause history from the audit log', async () => {
    const t1 = await tickets.get(T.t1.id);
    const december = new Date('2026-12-01T00:00:00Z');
    const [first, resolution] = clockHistory(t1, await tickets.events(t1.id), BUILTIN_CALENDARS, december);
    expect(first).toMatchObject({ kind: 'first_response', state: 'stopped', holds: [] });
    expect(first.stoppedAt).toBe('2026-11-02T01:10:00.000Z');
    expect(resolution.kind).toBe('resolution');
    expect(resolution.holds).toEqual([
      {
        kind: 'waiting_employee',
        from: '2026-11-02T01:30:00.000Z',
        to: '2026-11-02T02:30:00.000Z',
        by: 'eng-1',
        reason: 'Which office?',
        endedBy: 'employee_replied',
      },
      {
        kind: 'resolved',
        from: '2026-11-02T05:00:00.000Z',
        to: null,
        by: 'eng-1',
        reason: null,
        endedBy: null,
      },
    ]);
    const t2 = resolutionHolds(await tickets.events(T.t2.id));
    expect(t2.map((h) => [h.kind, h.from, h.to, h.endedBy])).toEqual([
      ['resolved', '2026-11-03T08:30:00.000Z', '2026-11-03T09:30:00.000Z', 'reopened'],
      ['resolved', '2026-11-03T12:30:00.000Z', null, null],
    ]);
  });
});
