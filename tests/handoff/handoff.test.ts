import { expect, it } from 'vitest';
import { chatButtonPolicy } from '../../src/access/chat-buttons.ts';
import { createPeople } from '../../src/access/people.ts';
import { cardSent, createHandoff } from '../../src/handoff/actions.ts';
import { ticketCard } from '../../src/handoff/context-packet.ts';
import { createRelay } from '../../src/handoff/relay.ts';
import { routeFor } from '../../src/handoff/routing.ts';
import { ThreadLinks } from '../../src/handoff/thread-links.ts';
import type { InboundEvent, OutboundMessage } from '../../src/inbound/ports.ts';
import { createTicketService, type OpenTicketInput } from '../../src/tickets/ticket-service.ts';
import { eachBackend } from '../store/backends.ts';
import { chatMessage } from '../support/inbound-events.ts';
import { fakeSla, manualClock } from '../tickets/fakes.ts';

const ROUTING = {
  attendance: { platform: 'lark' as const, chat: 'oc_att' },
  default: { platform: 'slack' as const, chat: 'C_TRIAGE' },
};

const input = (overrides: Partial<OpenTicketInput> = {}): OpenTicketInput => ({
  title: '打卡系统进不去',
  severity: 'P1',
  category: 'attendance',
  intent: 'incident',
  rationale: 'scope: 上海办公室; core function down',
  requesterId: 'ou_emp',
  threadId: 'lark:oc_dm:om_root',
  transcript: [
    { author: 'user', text: '打卡系统进不去，怎么补卡？' },
    {
      author: 'bot',
      text: '可以在考勤页补卡 [1]',
      citations: [{ n: 1, source: 'kb/考勤.md', title: '考勤制度', heading: '补卡', url: 'https://kb/att' }],
    },
  ],
  ...overrides,
});

let seq = 0;
const click = (
  id: string,
  ticket: string,
  user: string,
  where: Partial<InboundEvent> = {},
): InboundEvent => ({
  platform: 'lark',
  tenant: 't1',
  chat: 'oc_att',
  chatType: 'group',
  messageId: `om_card_${seq}`,
  user,
  text: '',
  mentions: [],
  addressed: true,
  eventId: `ev_${++seq}`,
  kind: 'action',
  action: { id, value: { ticket } },
  ...where,
});
/** A message in a group that does not @mention the bot (an engineer in the card's thread). */
const say = (text: string, where: Pick<InboundEvent, 'platform' | 'chat' | 'thread' | 'user'>) =>
  chatMessage(text, { chatType: 'group', addressed: false, ...where });

it('routes a category to its triage channel, else the default', () => {
  expect(routeFor('attendance', ROUTING)).toEqual({ platform: 'lark', chat: 'oc_att' });
  expect(routeFor('payroll', ROUTING)).toEqual({ platform: 'slack', chat: 'C_TRIAGE' });
  expect(() => routeFor('payroll', { attendance: ROUTING.attendance })).toThrow(/No triage channel/);
});

eachBackend('handoff', (ctx) => {
  const setup = async () => {
    const clock = manualClock();
    const db = await ctx.fresh();
    const tickets = createTicketService({ db, now: clock.now, sla: fakeSla() });
    const links = new ThreadLinks(db, clock.now);
    const sent: OutboundMessage[] = [];
    // Delivery as production wires it: once a message is out, the onSent listeners hear its ref.
    let onSent: (msg: OutboundMessage, ref: string) => Promise<void> = async () => {};
    const deliver = async (msg: OutboundMessage) => {
      sent.push(msg);
      await onSent(msg, `${msg.channel}:ref_${sent.length}`);
    };
    const nameOf = (_p: string, id: string) => ({ ou_eng1: '王工', ou_eng2: '李工' })[id];
    // The engineers have the l2 role; everyone else is an employee (the production policy).
    const people = createPeople({
      db,
      roles: { 'lark:ou_eng1': 'l2', 'lark:ou_eng2': 'l2' },
      linkBy: 'email',
    });
    const authorize = chatButtonPolicy(people);
    const handoff = createHandoff({ tickets, links, deliver, now: clock.now, nameOf, authorize });
    onSent = cardSent(handoff);
    const relay = createRelay({ tickets, links, deliver });
    const posted = async (overrides: Partial<OpenTicketInput> = {}) => {
      const ticket = await tickets.open(input(overrides));
      const triage = await handoff.postToTriage(ticket, ROUTING, {
        profile: { name: '张三', department: '财务部' },
        dueText: '3月3日 10:00',
      });
      return { ticket, triage };
    };
    return { clock, db, tickets, links, sent, handoff, relay, posted };
  };

  it('posts the context packet to the category channel and links both threads', async () => {
    const { sent, links, posted } = await setup();
    const { ticket, triage } = await posted();
    expect(sent).toHaveLength(1);
    const card = sent[0];
    expect(card).toMatchObject({ key: `card:${ticket.id}:1`, platform: 'lark', channel: 'oc_att' });
    expect(card.updateOf).toBeUndefined();
    const text = card.body.text;
    for (const part of [
      '[P1] HL-1001 · 打卡系统进不去',
      'attendance',
      'scope: 上海办公室',
      '打卡系统进不去，怎么补卡？',
      '可以在考勤页补卡',
      '考勤制度 › 补卡',
      '张三 · 财务部',
      '3月3日 10:00',
      '等待工程师',
    ]) {
      expect(text).toContain(part);
    }
    expect(card.body.citations).toEqual([expect.objectContaining({ n: 1, title: '考勤制度' })]);
    expect(card.body.buttons?.map((b) => [b.action, JSON.parse(b.value!)])).toEqual([
      ['claim', { ticket: ticket.id }],
      ['escalate', { ticket: ticket.id }],
      ['resolve', { ticket: ticket.id }],
    ]);
    expect(triage).toMatchObject({ platform: 'lark', chat: 'oc_att', thread: 'ref_1', cardKey: card.key });
    expect((await links.byTicket(ticket.id)).employee).toMatchObject({
      platform: 'lark',
      chat: 'oc_dm',
      thread: 'om_root',
    });
    expect(await links.byThread('lark', 'oc_att', 'ref_1')).toMatchObject({
      ticketId: ticket.id,
      side: 'triage',
    });
  });

  it('shows only a masked one-line summary for sensitive tickets', async () => {
    const { tickets } = await setup();
    const ticket = await tickets.open(
      input({
        category: 'payroll',
        title: 'Salary 25000 missing, call 13812345678',
        rationale: 'payslip shows salary 25000, mail zhang@corp.com',
        transcript: [
          { author: 'user', text: 'My salary 25000 was not paid, card 6222021234567890128' },
          {
            author: 'bot',
            text: 'See payroll FAQ [1]',
            citations: [{ n: 1, source: 'kb/p.md', title: 'Payroll', heading: 'FAQ' }],
          },
        ],
      }),
    );
    const body = ticketCard(ticket, { lang: 'en', profile: { name: 'Zhang San' } });
    expect(body.text).toContain('Sensitive (payroll)');
    expect(body.text).not.toMatch(
      /25000|13812345678|zhang@corp\.com|6222021234567890128|not paid|Zhang San|Payroll FAQ/,
    );
    expect(body.text).toContain('[PHONE ••••5678]');
    expect(body.citations).toBeUndefined();
    expect(body.buttons?.map((b) => b.action)).toEqual(['claim', 'escalate', 'resolve']);
  });

  it("a personal matter's card names the matter, not the employee's words", async () => {
    const { tickets } = await setup();
    const ticket = await tickets.open(
      input({
        category: 'other',
        title: '我的主管王某多次对我性骚扰',
        sensitiveTopic: 'harassment',
        transcript: [{ author: 'user', text: '我的主管王某多次对我性骚扰，请不要告诉别人' }],
      }),
    );
    const body = ticketCard(ticket, { lang: 'zh' });
    expect(body.text).toContain('个人事项（骚扰或不当行为）');
    expect(body.text).not.toMatch(/王某|性骚扰，/);
  });

  it('claim updates the card in place and tells the employee who is on it, in their language', async () => {
    const { sent, handoff, links, posted } = await setup();
    const { ticket } = await posted();
    const r = await handoff.handleAction(click('claim', ticket.id, 'ou_eng1'));
    expect(r).toMatchObject({
      handled: true,
      outcome: 'claimed',
      ticket: { status: 'claimed', assigneeId: 'ou_eng1' },
    });
    const [, card, told] = sent;
    expect(card).toMatchObject({
      key: `card:${ticket.id}:2`,
      updateOf: `card:${ticket.id}:1`,
      channel: 'oc_att',
    });
    expect(card.body.text).toContain('已认领');
    expect(card.body.buttons?.map((b) => b.action)).toEqual(['escalate', 'resolve']);
    expect(told).toMatchObject({ platform: 'lark', channel: 'oc_dm', thread: 'om_root' });
    expect(told.body.text).toBe('王工 正在处理你的工单 HL-1001。');
    expect((await links.byTicket(ticket.id)).triage?.cardKey).toBe(`card:${ticket.id}:2`);

    // A redelivered click changes nothing; whatever it sends again reuses a key already sent (deduped).
    const before = sent.map((m) => m.key);
    await handoff.handleAction(click('claim', ticket.id, 'ou_eng1'));
    for (const m of sent.slice(before.length)) expect(before).toContain(m.key);
  });

  it('the buttons ask the policy: an employee cannot claim, an engineer cannot rate', async () => {
    const { sent, tickets, posted, handoff } = await setup();
    const { ticket } = await posted();
    const r = await handoff.handleAction(click('claim', ticket.id, 'ou_someone'));
    expect(r).toMatchObject({ handled: true, outcome: 'refused' });
    expect((await tickets.get(ticket.id)).status).toBe('waiting_l2');
    expect(sent.at(-1)!.body.text).toMatch(/engineers.*roles/s);
    await handoff.handleAction(click('claim', ticket.id, 'ou_eng1'));
    await handoff.handleAction(click('resolve', ticket.id, 'ou_eng1'));
    const rate = await handoff.handleAction(click('rate_5', ticket.id, 'ou_eng1'));
    expect(rate).toMatchObject({ handled: true, outcome: 'refused' });
    expect((await tickets.get(ticket.id)).status).toBe('resolved');
    expect(await handoff.handleAction(click('rate_5', ticket.id, 'ou_emp'))).toMatchObject({
      outcome: 'closed',
    });
  });

  it('tells a second engineer who already has the ticket', async () => {
    const { sent, handoff, posted } = await setup();
    const { ticket } = await posted({ transcript: [{ author: 'user', text: 'VPN is down for me' }] });
    await handoff.handleAction(click('claim', ticket.id, 'ou_eng1'));
    const second = click('claim', ticket.id, 'ou_eng2', { thread: 'ref_1' });
    const r = await handoff.handleAction(second);
    expect(r).toMatchObject({ handled: true, outcome: 'already_claimed', ticket: { assigneeId: 'ou_eng1' } });
    const reply = sent.at(-1)!;
    expect(reply).toMatchObject({ key: `reply:${second.eventId}`, channel: 'oc_att', thread: 'ref_1' });
    expect(reply.body.text).toBe('HL-1001 is already claimed by 王工. Ask them, or escalate it.');
  });

  it('escalates to L3: card back to claimable, employee told', async () => {
    const { sent, handoff, posted } = await setup();
    const { ticket } = await posted({ transcript: [{ author: 'user', text: 'VPN is down for me' }] });
    await handoff.handleAction(click('claim', ticket.id, 'ou_eng1'));
    const r = await handoff.handleAction(click('escalate', ticket.id, 'ou_eng1'));
    expect(r).toMatchObject({
      outcome: 'escalated',
      ticket: { tier: 'L3', status: 'waiting_l2', assigneeId: null },
    });
    const [card, told] = sent.slice(-2);
    expect(card.updateOf).toBe(`card:${ticket.id}:2`);
    expect(card.body.text).toContain('Tier: L3');
    expect(card.body.buttons?.map((b) => b.action)).toEqual(['claim', 'escalate', 'resolve']);
    expect(told.body.text).toContain('escalated to L3');
  });

  it('resolve asks the employee to rate; rate 4 closes with csat 4', async () => {
    const { sent, handoff, tickets, posted } = await setup();
    const { ticket } = await posted();
    await handoff.handleAction(click('claim', ticket.id, 'ou_eng1'));
    await handoff.handleAction(click('resolve', ticket.id, 'ou_eng1'));
    const prompt = sent.at(-1)!;
    expect(prompt).toMatchObject({ channel: 'oc_dm', thread: 'om_root' });
    expect(prompt.body.text).toContain('已标记为已解决');
    expect(prompt.body.buttons?.map((b) => b.action)).toEqual([
      'rate_1',
      'rate_2',
      'rate_3',
      'rate_4',
      'rate_5',
      'not_solved',
    ]);
    const rate4 = prompt.body.buttons!.find((b) => b.action === 'rate_4')!;
    const r = await handoff.handleAction(
      click('rate_4', JSON.parse(rate4.value!).ticket, 'ou_emp', { chat: 'oc_dm', thread: 'om_root' }),
    );
    expect(r).toMatchObject({ outcome: 'closed', ticket: { status: 'closed', csat: 4 } });
    expect((await tickets.get(ticket.id)).csat).toBe(4);
    expect(sent.at(-2)!.body.text).toContain('已关闭');
    expect(sent.at(-1)!.body.text).toContain('4/5');
  });

  it('not_solved reopens the ticket to its engineer and tells both sides', async () => {
    const { sent, handoff, posted } = await setup();
    const { ticket } = await posted();
    await handoff.handleAction(click('claim', ticket.id, 'ou_eng1'));
    await handoff.handleAction(click('resolve', ticket.id, 'ou_eng1'));
    const r = await handoff.handleAction(click('not_solved', ticket.id, 'ou_emp', { chat: 'oc_dm' }));
    expect(r).toMatchObject({ outcome: 'reopened', ticket: { status: 'claimed', assigneeId: 'ou_eng1' } });
    const [card, told, note] = sent.slice(-3);
    expect(card.body.text).toContain('已认领');
    expect(told).toMatchObject({ channel: 'oc_dm', thread: 'om_root' });
    expect(told.body.text).toContain('重新打开');
    expect(note).toMatchObject({ channel: 'oc_att', thread: 'ref_1' });
  });

  it('a button for a ticket that does not exist is not_found; a database outage is an error (retried), not a lost click', async () => {
    const { handoff, posted, db } = await setup();
    const { ticket } = await posted();
    expect(
      await handoff.handleAction(click('claim', '00000000-0000-4000-8000-000000000000', 'ou_eng1')),
    ).toEqual({
      handled: true,
      outcome: 'not_found',
    });
    expect(await handoff.handleAction(click('claim', '', 'ou_eng1'))).toEqual({
      handled: true,
      outcome: 'not_found',
    });
    await db.exec('ALTER TABLE tickets RENAME TO tickets_away');
    await expect(handoff.handleAction(click('claim', ticket.id, 'ou_eng1'))).rejects.toThrow();
    await db.exec('ALTER TABLE tickets_away RENAME TO tickets');
    expect(await handoff.handleAction(click('claim', ticket.id, 'ou_eng1'))).toMatchObject({
      outcome: 'claimed',
    });
  });

  it('ignores actions it does not own', async () => {
    const { handoff } = await setup();
    expect(await handoff.handleAction(click('feedback_up', 'x', 'ou_emp'))).toEqual({ handled: false });
  });

  it('relays both ways, never relays // notes, keeps the bot quiet in a claimed thread', async () => {
    const { sent, handoff, relay, posted } = await setup();
    const { ticket } = await posted();
    const employee = { platform: 'lark' as const, chat: 'oc_dm', thread: 'om_root', user: 'ou_emp' };
    const triage = { platform: 'lark' as const, chat: 'oc_att', thread: 'ref_1', user: 'ou_eng1' };

    // Unclaimed: relayed to triage, but the assistant may still answer.
    let r = await relay.relayMessage(say('还是不行，手机号 13812345678', employee));
    expect(r).toMatchObject({ bridged: true, side: 'employee', relayed: true, quiet: false });
    expect(sent.at(-1)).toMatchObject({ channel: 'oc_att', thread: 'ref_1' });
    expect(sent.at(-1)!.body.text).toBe('员工: 还是不行，手机号 [PHONE ••••5678]');

    await handoff.handleAction(click('claim', ticket.id, 'ou_eng1'));
    const engineer = say('请重启一下 App 再试', triage);
    r = await relay.relayMessage(engineer);
    expect(r).toMatchObject({ side: 'triage', relayed: true, quiet: true });
    expect(sent.at(-1)).toMatchObject({
      key: `relay:${engineer.eventId}`,
      channel: 'oc_dm',
      thread: 'om_root',
    });
    expect(sent.at(-1)!.body.text).toBe('工程师: 请重启一下 App 再试');

    r = await relay.relayMessage(say('好的，重启了', employee));
    expect(r).toMatchObject({ side: 'employee', relayed: true, quiet: true });

    const before = sent.length;
    r = await relay.relayMessage(say('// 可能是 SSO 证书过期', triage));
    expect(r).toMatchObject({ bridged: true, relayed: false, note: true, quiet: true });
    expect(sent.length).toBe(before);

    expect(await relay.relayMessage(say('hello', { ...triage, thread: 'other' }))).toMatchObject({
      bridged: false,
      quiet: false,
    });
  });
});
