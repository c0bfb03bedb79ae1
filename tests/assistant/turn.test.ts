/**
 * The assistant turn against a real database (PGlite and PostgreSQL), the real triage, the real SLA
 * engine on the built-in calendars, and the sample KB: answers, tickets, handoffs, mass incidents.
 */
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { createTurnHandler } from '../../src/assistant/turn.ts';
import type { Assistant } from '../../src/assistant/types.ts';
import { listGaps } from '../../src/insights/knowledge-gaps.ts';
import { ingestKb } from '../../src/knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { BUILTIN_CALENDARS } from '../../src/sla/calendars/builtin.ts';
import { slaOps } from '../../src/sla/ops.ts';
import { DEFAULT_SLA_POLICY } from '../../src/sla/policy.ts';
import type { Database } from '../../src/store/database.ts';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.ts';
import type { TranscriptLine } from '../../src/tickets/types.ts';
import { classify } from '../../src/triage/classify.ts';
import { eachBackend } from '../store/backends.ts';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = new KnowledgeBase((await ingestKb('kb')).passages, { synonyms: DEFAULT_SYNONYMS });
});

eachBackend('assistant turn', (ctx) => {
  let db: Database;
  let tickets: TicketService;
  let assistant: Assistant;
  let now: Date;
  const threads = new Map<string, TranscriptLine[]>();
  const roles: Record<string, string> = { 'hr-li': 'hr_admin' };

  /** Sends a message as `userId` in `threadId`, keeping the thread's history like the store would. */
  const say = async (userId: string, text: string, threadId = `t-${userId}`) => {
    const reply = await assistant.reply({ userId, threadId, text });
    const lines = threads.get(threadId) ?? [];
    lines.push({ author: 'user', text }, { author: 'bot', text: reply.text });
    threads.set(threadId, lines);
    return reply;
  };

  beforeEach(async () => {
    db = await ctx.fresh();
    threads.clear();
    // Monday 23 November 2026, 10:00 in Shanghai: inside business hours.
    now = new Date('2026-11-23T02:00:00Z');
    tickets = createTicketService({ db, now: () => now, sla: slaOps(DEFAULT_SLA_POLICY, BUILTIN_CALENDARS) });
    assistant = createTurnHandler({
      kb,
      classify,
      tickets,
      db,
      history: async (id) => [...(threads.get(id) ?? [])],
      sla: { policy: DEFAULT_SLA_POLICY, calendars: BUILTIN_CALENDARS },
      incidents: { windowMs: 30 * 60_000, minSimilarity: 0.3 },
      roleOf: (u) => roles[u],
      now: () => now,
    });
  });

  it('answers a how-to question from the KB without a ticket', async () => {
    const reply = await say('wang', '怎么请年假');
    expect(reply.action).toBe('answered');
    expect(reply.citations[0].source).toMatch(/leave/);
    expect(await tickets.list()).toEqual([]);
  });

  it('opens a P0 ticket for a company-wide outage, telling number, severity and target in Chinese', async () => {
    const reply = await say('wang', '打卡系统全员进不去了，大家都打不了卡');
    expect(reply.action).toBe('ticket');
    expect(reply.ticket).toMatchObject({
      number: 'HL-1001',
      severity: 'P0',
      category: 'attendance',
      status: 'waiting_l2',
    });
    expect(reply.text).toContain('HL-1001');
    expect(reply.text).toContain('P0');
    expect(reply.text).toContain('15 分钟');
    // P0 runs on the 24×7 calendar: 15 minutes after now.
    expect(reply.ticket?.firstResponseDue).toBe('2026-11-23T02:15:00.000Z');
    const [ticket] = await tickets.list();
    expect(ticket.rationale).toMatch(/全员|everyone|whole/i);
    expect(ticket.signals.length).toBeGreaterThan(0);
  });

  it('opens an English P2 ticket with a business-hours target and offers a self-help article', async () => {
    const reply = await say('amy', 'my phone clock-in keeps failing since this morning, manual 补卡 works');
    expect(reply.action).toBe('ticket');
    expect(reply.ticket?.category).toBe('attendance');
    expect(['P2', 'P3']).toContain(reply.ticket?.severity);
    expect(reply.text).toMatch(
      /I've opened ticket HL-\d+ · P[23] \(attendance\)\. First response target: within/,
    );
  });

  it('marks harassment reports sensitive', async () => {
    await say('zhao', '我的主管一直对我言语性骚扰，我想投诉，需要人跟进');
    const [ticket] = await tickets.list();
    expect(ticket.sensitive).toBe(true);
  });

  it('hands off to a human about the question the bot could not answer, and records the gap', async () => {
    const declined = await say('chen', '公司班车早上几点发车');
    expect(declined.action).toBe('clarify');
    const reply = await say('chen', '转人工');
    expect(reply.action).toBe('ticket');
    const [ticket] = await tickets.list();
    expect(ticket.title).toBe('公司班车早上几点发车');
    expect(ticket.intent).toBe('human');
    expect(ticket.transcript.map((l) => l.text)).toEqual(
      expect.arrayContaining(['公司班车早上几点发车', '转人工']),
    );
    expect((await listGaps(db))[0]).toMatchObject({ question: '公司班车早上几点发车', count: 1 });
    // Asking again in the same thread points at the same open ticket.
    const again = await say('chen', 'talk to a human');
    expect(again.ticket?.number).toBe(ticket.number);
    expect(again.text).toMatch(/already with our team/);
    expect(await tickets.list()).toHaveLength(1);
  });

  it('links later reports of the same problem and raises severity with the number of reporters', async () => {
    const first = await say('u1', '考勤系统打不开了，一直转圈');
    const parent = first.ticket!;
    for (const [i, user] of ['u2', 'u3', 'u4', 'u5'].entries()) {
      now = new Date(now.getTime() + 2 * 60_000);
      const reply = await say(user, '考勤系统打不开，页面一直转圈');
      expect(reply.ticket?.number).toBe(parent.number);
      expect(reply.text).toContain('已有同事报告');
      if (i === 1) expect(reply.ticket?.severity).toBe(parent.severity === 'P0' ? 'P0' : 'P1');
    }
    const updated = await tickets.get(parent.number);
    expect(updated.reporters).toBe(5);
    expect(updated.severity).toBe('P0');
    const events = await tickets.events(parent.number);
    expect(
      events.some((e) => e.action === 'severity_overridden' && /5 distinct employees/.test(e.reason ?? '')),
    ).toBe(true);
    // A report outside the window is a new incident.
    now = new Date(now.getTime() + 60 * 60_000);
    expect((await say('u6', '考勤系统打不开，页面一直转圈')).ticket?.number).not.toBe(parent.number);
  });

  it('a follow-up that widens the scope raises the open ticket, tells the new target, never lowers', async () => {
    const first = await say('zhou', '上海办公室今天早上打不了卡');
    expect(first.ticket?.severity).toBe('P1');
    // Nothing new: the ticket stays as it is, and the turn goes on as before.
    const calm = await say('zhou', '谢谢');
    expect(calm.text).not.toContain('升级');
    const raised = await say('zhou', '深圳和北京也不行了，现在是所有人');
    expect(raised.action).toBe('ticket');
    expect(raised.ticket).toMatchObject({ number: first.ticket?.number, severity: 'P0' });
    expect(raised.text).toContain('从 P1 升级为 P0');
    expect(raised.text).toContain('15 分钟');
    const ticket = await tickets.get(first.ticket!.number);
    expect(ticket.severity).toBe('P0');
    expect(ticket.clocks.every((c) => c.severity === 'P0')).toBe(true);
    const audit = (await tickets.events(ticket.id)).filter((e) => e.action === 'severity_overridden');
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'helpline',
        from: 'P1',
        to: 'P0',
        reason: expect.stringMatching(/scope/),
      }),
    ]);
    // An engineer lowers it: words already weighed do not put it back up.
    await tickets.overrideSeverity(ticket.id, 'eng1', 'P1', 'only three offices, workaround given');
    expect((await say('zhou', '好的')).text).not.toContain('升级');
    expect((await tickets.get(ticket.id)).severity).toBe('P1');
  });

  it('a retried turn of the message that raised the ticket tells the same raise again, and raises nothing more', async () => {
    const first = await say('qin', 'The Shanghai office cannot clock in this morning');
    threads.get('t-qin')!.push({ author: 'user', text: "Shenzhen and Beijing too, now it's everyone" });
    const turn = { userId: 'qin', threadId: 't-qin', text: "Shenzhen and Beijing too, now it's everyone" };
    const once = await assistant.reply({ ...turn, messageId: 'web:m2' });
    const again = await assistant.reply({ ...turn, messageId: 'web:m2' });
    expect(once.text).toContain('raised from P1 to P0');
    expect(again).toEqual(once);
    const raises = (await tickets.events(first.ticket!.number)).filter(
      (e) => e.action === 'severity_overridden',
    );
    expect(raises).toHaveLength(1);
    expect(raises[0].data).toMatchObject({ messageId: 'web:m2' });
  });

  it('another reporter of the same incident adding scope raises the parent incident', async () => {
    const first = await say('a1', 'The Shanghai office cannot clock in this morning');
    const parent = first.ticket!;
    now = new Date(now.getTime() + 2 * 60_000);
    const joined = await say('a2', 'The Shanghai office cannot clock in this morning either');
    expect(joined.ticket?.number).toBe(parent.number);
    const raised = await say('a2', "Shenzhen and Beijing too, now it's everyone");
    expect(raised.ticket).toMatchObject({ number: parent.number, severity: 'P0' });
    expect(raised.text).toContain('raised from P1 to P0');
    expect(raised.text).toContain('15 minutes');
    expect((await tickets.get(parent.number)).severity).toBe('P0');
  });

  it('a later reporter whose own report reads more severe raises the incident they join', async () => {
    const first = await say('b1', 'The Shanghai office cannot clock in this morning');
    expect(first.ticket?.severity).toBe('P1');
    now = new Date(now.getTime() + 2 * 60_000);
    const joined = await say(
      'b2',
      "The Shanghai office cannot clock in this morning, and Shenzhen and Beijing too, it's everyone",
    );
    expect(joined.ticket).toMatchObject({ number: first.ticket?.number, severity: 'P0' });
    const audit = await tickets.events(first.ticket!.number);
    expect(
      audit.some((e) => e.action === 'severity_overridden' && /Another reporter/.test(e.reason ?? '')),
    ).toBe(true);
  });

  it('an HR admin escalating a payroll anomaly gets at least a P1 sensitive payroll ticket', async () => {
    const reply = await say(
      'hr-li',
      'escalate: 30 payslips this month are missing overtime pay, payday is the 10th',
    );
    expect(reply.ticket?.category).toBe('payroll');
    expect(['P0', 'P1']).toContain(reply.ticket?.severity);
    expect((await tickets.list())[0].sensitive).toBe(true);
  });
});
