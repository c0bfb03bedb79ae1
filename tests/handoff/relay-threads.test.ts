/**
 * The bridge in an employee thread that holds more than one ticket, and a message it must not
 * carry (DESIGN §2 flow 5, §7): on PGlite and PostgreSQL, with the handoff and links production uses.
 */
import { expect, it } from 'vitest';
import { chatButtonPolicy } from '../../src/access/chat-buttons.ts';
import { createPeople } from '../../src/access/people.ts';
import { cardSent, createHandoff } from '../../src/handoff/actions.ts';
import { createRelay } from '../../src/handoff/relay.ts';
import { ThreadLinks } from '../../src/handoff/thread-links.ts';
import type { OutboundMessage } from '../../src/inbound/ports.ts';
import { createTicketService, type OpenTicketInput } from '../../src/tickets/ticket-service.ts';
import type { Ticket } from '../../src/tickets/types.ts';
import { eachBackend } from '../store/backends.ts';
import { cardButton, chatMessage } from '../support/inbound-events.ts';
import { fakeSla, manualClock } from '../tickets/fakes.ts';

const ROUTING = {
  device: { platform: 'lark' as const, chat: 'oc_device' },
  default: { platform: 'slack' as const, chat: 'C_TRIAGE' },
};
const EMPLOYEE = { platform: 'lark' as const, chat: 'oc_dm', thread: 'om_root', user: 'ou_emp' };

const input = (overrides: Partial<OpenTicketInput> = {}): OpenTicketInput => ({
  title: '笔记本电脑开不了机',
  severity: 'P2',
  category: 'device',
  intent: 'incident',
  rationale: 'one person blocked',
  requesterId: 'lark:ou_emp',
  threadId: 'lark:oc_dm:om_root',
  transcript: [{ author: 'user', text: '笔记本电脑开不了机' }],
  ...overrides,
});

const say = chatMessage;
const click = (id: string, ticket: string, user: string) =>
  cardButton(id, ticket, user, { chat: 'oc_device' });

eachBackend('relay: the thread and its tickets', (ctx) => {
  const setup = async () => {
    const clock = manualClock();
    const db = await ctx.fresh();
    const tickets = createTicketService({ db, now: clock.now, sla: fakeSla() });
    const links = new ThreadLinks(db, clock.now);
    const sent: OutboundMessage[] = [];
    let onSent: (msg: OutboundMessage, ref: string) => Promise<void> = async () => {};
    const deliver = async (msg: OutboundMessage) => {
      sent.push(msg);
      await onSent(msg, `${msg.channel}:ref_${sent.length}`);
    };
    const people = createPeople({ db, roles: { 'lark:ou_eng1': 'l2' }, linkBy: 'email' });
    const handoff = createHandoff({
      tickets,
      links,
      deliver,
      now: clock.now,
      authorize: chatButtonPolicy(people),
    });
    onSent = cardSent(handoff);
    const relay = createRelay({ tickets, links, deliver });
    /** A ticket of the employee's thread with its card in triage; its triage thread once the card is out. */
    const posted = async (overrides: Partial<OpenTicketInput> = {}) => {
      const ticket = await tickets.open(input(overrides));
      await handoff.postToTriage(ticket, ROUTING);
      const { triage } = await links.byTicket(ticket.id);
      return { ticket, triage: { platform: triage!.platform, chat: triage!.chat, thread: triage!.thread } };
    };
    return { clock, tickets, links, sent, handoff, relay, posted };
  };

  it('a message about another matter is withheld: not relayed, not the ticket reply, left to the assistant', async () => {
    const { tickets, sent, handoff, relay, posted } = await setup();
    const { ticket, triage } = await posted();
    await handoff.handleAction(click('claim', ticket.id, 'ou_eng1'));
    await tickets.waitOnEmployee(ticket.id, 'lark:ou_eng1', 'asked for the serial number');
    const asked: Ticket[] = [];
    const aboutAnotherMatter = (t: Ticket) => {
      asked.push(t);
      return true;
    };

    const before = sent.length;
    const r = await relay.relayMessage(say('另外想私下反映：我的主管王某多次对我性骚扰', EMPLOYEE), {
      aboutAnotherMatter,
    });
    expect(r).toEqual({
      bridged: true,
      side: 'employee',
      ticketId: ticket.id,
      relayed: false,
      note: false,
      quiet: false,
      withheld: true,
    });
    expect(asked.map((t) => t.id)).toEqual([ticket.id]);
    expect(sent.length).toBe(before);
    // Not the employee's answer to the engineer's question: the resolution clock stays paused.
    expect((await tickets.get(ticket.id)).status).toBe('waiting_employee');

    // The ticket's own follow-up is relayed as before, and counts as the answer.
    const own = await relay.relayMessage(say('序列号是 SN123', EMPLOYEE), {
      aboutAnotherMatter: () => false,
    });
    expect(own).toMatchObject({ relayed: true, quiet: true });
    expect(own.withheld).toBeUndefined();
    expect(sent.at(-1)).toMatchObject({ channel: triage.chat, thread: triage.thread });
    expect(sent.at(-1)!.body.text).toBe('员工: 序列号是 SN123');
    expect((await tickets.get(ticket.id)).status).toBe('claimed');

    // Only the employee's words are weighed: an engineer's reply and an internal note are not.
    asked.length = 0;
    expect(
      await relay.relayMessage(say('请把电脑送到 IT 服务台', { ...triage, user: 'ou_eng1' }), {
        aboutAnotherMatter,
      }),
    ).toMatchObject({ side: 'triage', relayed: true });
    expect(
      await relay.relayMessage(say('// 可能是主板', { ...triage, user: 'ou_eng1' }), { aboutAnotherMatter }),
    ).toMatchObject({
      note: true,
      relayed: false,
    });
    expect(asked).toEqual([]);
  });

  it("relays to the thread's newest ticket, whichever link was written last; not to an older one when the newest has no card", async () => {
    const { clock, tickets, links, sent, handoff, relay, posted } = await setup();
    const laptop = await posted();
    await handoff.handleAction(click('claim', laptop.ticket.id, 'ou_eng1'));
    clock.advance(60_000);
    const vpn = await posted({
      title: 'VPN 连不上',
      category: 'account',
      transcript: [{ author: 'user', text: 'VPN 连不上' }],
    });
    expect(vpn.triage.chat).toBe('C_TRIAGE');
    // Later, the older ticket's links are written again (its card refreshed, its employee side re-linked).
    clock.advance(60_000);
    await handoff.refreshCard(await tickets.escalate(laptop.ticket.id, 'lark:ou_eng1'));
    const employeeSide = (await links.byTicket(laptop.ticket.id)).employee!;
    await links.link(employeeSide);
    expect((await links.byThread('lark', 'oc_dm', 'om_root'))?.ticketId).toBe(laptop.ticket.id);

    const r = await relay.relayMessage(say('VPN 客户端报错 809', EMPLOYEE));
    expect(r).toMatchObject({ bridged: true, side: 'employee', ticketId: vpn.ticket.id, relayed: true });
    expect(sent.at(-1)).toMatchObject({ channel: 'C_TRIAGE', thread: vpn.triage.thread });
    expect(sent.some((m) => m.channel === 'oc_device' && m.body.text.includes('809'))).toBe(false);

    // The older ticket's engineer still reaches the employee.
    expect(
      await relay.relayMessage(say('电脑修好了，可以来取', { ...laptop.triage, user: 'ou_eng1' })),
    ).toMatchObject({
      side: 'triage',
      ticketId: laptop.ticket.id,
      relayed: true,
    });
    expect(sent.at(-1)).toMatchObject({ channel: 'oc_dm', thread: 'om_root' });

    // A newer ticket without a card yet holds the thread: nothing goes to the older tickets' engineers.
    clock.advance(60_000);
    const third = await tickets.open(input({ title: '想改审批人', category: 'org_change' }));
    const before = sent.length;
    expect(await relay.relayMessage(say('审批人应改成李经理', EMPLOYEE))).toEqual({
      bridged: false,
      relayed: false,
      note: false,
      quiet: false,
    });
    expect(sent.length).toBe(before);
    // Its card out, the thread is bridged to it.
    await handoff.postToTriage(third, ROUTING);
    expect(await relay.relayMessage(say('审批人应改成李经理', EMPLOYEE))).toMatchObject({
      ticketId: third.id,
      relayed: true,
    });
  });

  it('a thread whose newest ticket is closed relays nothing', async () => {
    const { clock, tickets, sent, relay, posted } = await setup();
    const laptop = await posted();
    clock.advance(60_000);
    const vpn = await posted({ title: 'VPN 连不上', category: 'account' });
    await tickets.resolve(vpn.ticket.id, 'lark:ou_eng1');
    await tickets.close(vpn.ticket.id, 'lark:ou_emp');
    const before = sent.length;
    expect(await relay.relayMessage(say('谢谢', EMPLOYEE))).toMatchObject({
      bridged: true,
      ticketId: vpn.ticket.id,
      relayed: false,
      quiet: false,
    });
    expect(sent.length).toBe(before);
    // Not to the older ticket either, though it is still open.
    expect((await tickets.get(laptop.ticket.id)).status).toBe('waiting_l2');
  });
});
