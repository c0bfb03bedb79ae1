/**
 * The platform-neutral chat pipeline with the whole runtime (real jobs, embedded PostgreSQL):
 * accept → event job → relay / assistant turn / handoff → delivery. The platforms are recording
 * Deliverers here; the Lark and Slack end-to-end tests drive the same flows through the real SDKs.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebChannel } from '../../adapters/web/index.ts';
import { messageEvent } from '../../adapters/web/parse.ts';
import { createChatAccess } from '../../src/access/chat-access.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { ChatChannel, Deliverer, InboundEvent, OutboundMessage } from '../../src/inbound/ports.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { ingestKb } from '../../src/knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPglite } from '../../src/store/pglite.ts';
import { CATEGORIES } from '../../src/triage/types.ts';

interface Posted extends OutboundMessage {
  ref: string;
  edited?: boolean;
}

class RecordingDeliverer implements Deliverer {
  readonly platform: 'lark' | 'slack';
  readonly posted: Posted[] = [];
  #n = 0;
  constructor(platform: 'lark' | 'slack') {
    this.platform = platform;
  }
  async send(msg: OutboundMessage) {
    const ref = this.platform === 'slack' ? `${msg.channel}:${1000 + ++this.#n}.000` : `om_bot_${++this.#n}`;
    this.posted.push({ ...msg, ref });
    return { ref };
  }
  async update(ref: string, msg: OutboundMessage) {
    this.posted.push({ ...msg, ref, edited: true });
  }
}

const lark = new RecordingDeliverer('lark');
const slack = new RecordingDeliverer('slack');
const channel = (d: RecordingDeliverer): ChatChannel => ({
  platform: d.platform,
  deliverer: d,
  profiles: { profile: async (id) => ({ name: `Name of ${id}`, department: 'Finance' }) },
  start: async () => `${d.platform}: recording`,
  stop: async () => {},
});

let runtime: Runtime;
const runner = new InProcessRunner();
let seq = 0;

beforeAll(async () => {
  const config = loadConfig({
    env: {
      LARK_APP_ID: 'cli_test',
      LARK_APP_SECRET: 's',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'x',
    },
    overrides: {
      'handoff.routes': {
        default: { platform: 'slack', chat: 'C_TRIAGE' },
        attendance: { platform: 'lark', chat: 'oc_triage' },
      },
      roles: {
        'lark:ou_hr': 'hr_admin',
        'slack:U_PAYROLL_LEAD': 'hr_admin',
        // The engineers in the triage channels (the buttons ask the policy for the clicker's role);
        // the Slack one has every category routed to them, sensitive payroll included.
        'lark:ou_eng': 'l2',
        'slack:U_ENG': { role: 'l2', categories: [...CATEGORIES] },
      },
    },
  });
  const { passages, summary } = await ingestKb('kb');
  const kb = new KnowledgeBase(passages, { synonyms: DEFAULT_SYNONYMS });
  const db = await openPglite({});
  await migrate(db);
  runtime = await createRuntime({
    config,
    opened: { kb, summary, dir: 'kb', dense: false },
    logger: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    db,
    runner,
    channels: (deps, store) => [
      createWebChannel(deps, { store, access: createChatAccess({ open: true, streamsPerUser: 20 }) }),
      channel(lark),
      channel(slack),
    ],
  });
  await runtime.startWorkers();
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

const larkMessage = (text: string, where: Partial<InboundEvent> = {}): InboundEvent => ({
  platform: 'lark',
  tenant: 'tk',
  chat: 'oc_dm_emp',
  chatType: 'dm',
  messageId: `om_in_${++seq}`,
  user: 'ou_emp',
  text,
  mentions: [],
  addressed: true,
  eventId: `ev_${seq}`,
  kind: 'message',
  ...where,
});

const action = (
  platform: 'lark' | 'slack',
  id: string,
  value: Record<string, string>,
  where: Partial<InboundEvent> = {},
): InboundEvent => ({
  platform,
  tenant: 'tk',
  chat: platform === 'lark' ? 'oc_triage' : 'C_TRIAGE',
  chatType: 'group',
  messageId: `msg_${++seq}`,
  user: platform === 'lark' ? 'ou_eng' : 'U_ENG',
  text: '',
  mentions: [],
  addressed: true,
  eventId: `ev_${seq}`,
  kind: 'action',
  action: { id, value },
  ...where,
});

const settle = async () => {
  for (let i = 0; i < 5; i++) await runner.idle();
};
const since = (d: RecordingDeliverer, n: number) => d.posted.slice(n);
/** Slack keeps ~1 message/s per channel: a second message waits for its turn (a delayed job). */
const waitFor = async <T>(get: () => T | undefined, ms = 5000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    await settle();
    const value = get();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('chat pipeline', () => {
  it('a question gets a cited answer in the employee thread; a duplicate event gets nothing more', async () => {
    const before = lark.posted.length;
    const ev = larkMessage('怎么请年假?');
    expect(await runtime.accept(ev)).toBe('queued');
    expect(await runtime.accept(ev)).toBe('duplicate');
    await settle();
    const out = since(lark, before);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      channel: 'oc_dm_emp',
      thread: ev.messageId,
      key: expect.stringMatching(/^reply:/),
    });
    expect(out[0].body.citations?.length).toBeGreaterThan(0);
    // The bot's answer is kept in the conversation for transcripts.
    const history = await runtime.store.listMessages(`lark:oc_dm_emp:${ev.messageId}`);
    expect(history.map((m) => m.author)).toEqual(['user', 'bot']);
  });

  it('incident → ticket reply, card in the triage group; claim, relay, // note, resolve, rating', async () => {
    const l0 = lark.posted.length;
    const ev = larkMessage('打卡系统全员进不去，整个上海办公室都打不了卡');
    await runtime.accept(ev);
    await settle();
    const posted = since(lark, l0);
    const reply = posted.find((m) => m.channel === 'oc_dm_emp')!;
    expect(reply.body.ticket?.number).toMatch(/^HL-/);
    const card = posted.find((m) => m.channel === 'oc_triage' && m.key.startsWith('card:'))!;
    expect(card.body.text).toContain(reply.body.ticket!.number);
    expect(card.body.text).toContain('Name of ou_emp');
    expect(card.body.buttons?.map((b) => b.action)).toEqual(['claim', 'escalate', 'resolve']);
    const ticketId = reply.body.ticket!.id;

    // Claim on the card: the card is edited, the employee told who is on it.
    const l1 = lark.posted.length;
    await runtime.accept(action('lark', 'claim', { ticket: ticketId }, { thread: card.ref }));
    await settle();
    const afterClaim = since(lark, l1);
    expect(afterClaim.some((m) => m.edited && m.ref === card.ref)).toBe(true);
    const told = afterClaim.find((m) => m.channel === 'oc_dm_emp')!;
    expect(told.thread).toBe(ev.messageId);
    expect(told.body.text).toContain('Name of ou_eng');

    // The engineer replies under the card: relayed; a // note is not.
    const l2 = lark.posted.length;
    await runtime.accept(
      larkMessage('请问你用的是哪个版本的 App？', {
        chat: 'oc_triage',
        thread: card.ref,
        user: 'ou_eng',
        chatType: 'group',
        addressed: false,
      }),
    );
    await runtime.accept(
      larkMessage('// 估计是昨晚的发布导致的', {
        chat: 'oc_triage',
        thread: card.ref,
        user: 'ou_eng',
        chatType: 'group',
        addressed: false,
      }),
    );
    await settle();
    const relayed = since(lark, l2);
    expect(relayed).toHaveLength(1);
    expect(relayed[0]).toMatchObject({ channel: 'oc_dm_emp', thread: ev.messageId });
    expect(relayed[0].body.text).toContain('哪个版本');
    expect(relayed[0].body.author).toBe('agent');

    // The employee answers in their thread: relayed to the triage thread; the bot stays quiet.
    const l3 = lark.posted.length;
    await runtime.accept(larkMessage('版本 6.2.1', { thread: ev.messageId }));
    await settle();
    const back = since(lark, l3);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ channel: 'oc_triage', thread: card.ref });

    // Resolve → the employee is asked to rate; rating 5 closes the ticket.
    const l4 = lark.posted.length;
    await runtime.accept(action('lark', 'resolve', { ticket: ticketId }, { thread: card.ref }));
    await settle();
    const ask = since(lark, l4).find((m) => m.channel === 'oc_dm_emp')!;
    expect(ask.body.buttons?.map((b) => b.action)).toContain('rate_5');
    await runtime.accept(
      action(
        'lark',
        'rate_5',
        { ticket: ticketId },
        { chat: 'oc_dm_emp', user: 'ou_emp', thread: ev.messageId },
      ),
    );
    await settle();
    const closed = await runtime.tickets.get(ticketId);
    expect(closed.status).toBe('closed');
    expect(closed.csat).toBe(5);
  });

  it('an HR admin gets the payroll form; the submission is a sensitive P1+ payroll ticket with masked card and DMs', async () => {
    const l0 = lark.posted.length;
    const s0 = slack.posted.length;
    const ask = larkMessage('上报', { user: 'ou_hr', chat: 'oc_dm_hr' });
    await runtime.accept(ask);
    await settle();
    const form = since(lark, l0)[0];
    expect(form.body.form?.fields.map((f) => f.name)).toEqual([
      'period',
      'affected',
      'discrepancy',
      'description',
    ]);

    // An employee without the role gets a normal turn, not the form.
    await runtime.accept(larkMessage('上报', { user: 'ou_nobody', chat: 'oc_dm_x' }));
    await settle();
    expect(lark.posted.filter((m) => m.channel === 'oc_dm_x').every((m) => !m.body.form)).toBe(true);

    const l1 = lark.posted.length;
    const submit = action(
      'lark',
      'form_submit',
      { form: 'payroll_anomaly' },
      {
        chat: 'oc_dm_hr',
        user: 'ou_hr',
        thread: ask.messageId,
        action: {
          id: 'form_submit',
          value: { form: 'payroll_anomaly' },
          form: {
            period: '2026-10',
            affected: '37',
            discrepancy: '公积金重复扣除，每人 1200 元',
            description: '员工张三 身份证 110101199003071234 工资卡 6222020200112233445 被多扣',
          },
        },
      },
    );
    await runtime.accept(submit);
    await runtime.accept({ ...submit }); // redelivered
    await settle();
    const toHr = since(lark, l1).filter((m) => m.channel === 'oc_dm_hr');
    expect(toHr).toHaveLength(1);
    const tickets = await runtime.tickets.list({ requesterId: 'lark:ou_hr' });
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ category: 'payroll', sensitive: true });
    expect(['P0', 'P1']).toContain(tickets[0].severity);
    // The card (payroll → default → Slack triage) shows no personal data.
    const card = await waitFor(() => since(slack, s0).find((m) => m.key.startsWith(`card:${tickets[0].id}`)));
    expect(card.channel).toBe('C_TRIAGE');
    expect(card.body.text).not.toContain('110101199003071234');
    expect(card.body.text).not.toContain('6222020200112233445');
    // Full details by DM to each configured HR admin, on their platform.
    const dms = await waitFor(() => {
      const found = [...since(lark, l1), ...since(slack, s0)].filter((m) => m.key.startsWith('dm:'));
      return found.length >= 2 ? found : undefined;
    });
    expect(dms.map((m) => `${m.platform}:${m.channel}`).sort()).toEqual([
      'lark:ou_hr',
      'slack:U_PAYROLL_LEAD',
    ]);
    expect(dms[0].body.text).toContain('37');
  });

  it("Lark's bot menu: 'escalate' sends the form to an HR admin by DM, a refusal to anyone else", async () => {
    const l0 = lark.posted.length;
    const menu = (user: string) =>
      action(
        'lark',
        'menu',
        { key: 'escalate' },
        { chat: user, user, chatType: 'dm', action: { id: 'menu', value: { key: 'escalate' } } },
      );
    await runtime.accept(menu('ou_hr'));
    await runtime.accept(menu('ou_nobody'));
    await settle();
    const out = since(lark, l0);
    expect(out.find((m) => m.channel === 'ou_hr')?.body.form?.id).toBe('payroll_anomaly');
    const refused = out.find((m) => m.channel === 'ou_nobody')!;
    expect(refused.body.form).toBeUndefined();
    expect(refused.body.text).toMatch(/HR 管理员|HR admins/);
  });

  it('a payroll form from someone without the role is refused', async () => {
    const l0 = lark.posted.length;
    await runtime.accept(
      action(
        'lark',
        'form_submit',
        { form: 'payroll_anomaly' },
        {
          chat: 'oc_dm_x',
          user: 'ou_nobody',
          action: { id: 'form_submit', value: { form: 'payroll_anomaly' }, form: { period: '2026-10' } },
        },
      ),
    );
    await settle();
    expect(since(lark, l0)[0].body.text).toMatch(/HR admins|HR 管理员/);
    expect(await runtime.tickets.list({ requesterId: 'lark:ou_nobody', category: 'payroll' })).toHaveLength(
      0,
    );
  });

  it('Slack: /helpline help and status answer by DM; unknown actions are skipped', async () => {
    const s0 = slack.posted.length;
    await runtime.accept(action('slack', 'help', {}, { chat: 'C_GENERAL', user: 'U_EMP' }));
    await runtime.accept(action('slack', 'status', {}, { chat: 'C_GENERAL', user: 'U_EMP' }));
    await runtime.accept(action('slack', 'no_such_button', {}, { chat: 'C_GENERAL', user: 'U_EMP' }));
    const out = await waitFor(() => (since(slack, s0).length >= 2 ? since(slack, s0) : undefined));
    expect(out.map((m) => m.channel)).toEqual(['U_EMP', 'U_EMP']);
    expect(out[0].body.text).toContain('/helpline');
    expect(out[1].body.text).toMatch(/no open tickets/);
  });

  it('cross-platform: employee in the web chat, engineer on Lark — the bridge works both ways', async () => {
    const say = (threadId: string, text: string) =>
      runtime.accept(messageEvent({ userId: 'u_web', text, threadId, id: randomUUID(), nowMs: Date.now() }));
    const tid = await runtime.store.createThread('u_web');
    const l0 = lark.posted.length;
    await say(tid, 'The clock-in app is down for the whole Shenzhen office, everyone gets error 500');
    const card = await waitFor(() =>
      since(lark, l0).find((m) => m.channel === 'oc_triage' && m.key.startsWith('card:')),
    );
    const ticketId = card.body.ticket!.id;
    await runtime.accept(action('lark', 'claim', { ticket: ticketId }, { thread: card.ref }));
    await settle();
    await runtime.accept(
      larkMessage('Which browser are you using?', {
        chat: 'oc_triage',
        thread: card.ref,
        user: 'ou_eng',
        chatType: 'group',
        addressed: false,
      }),
    );
    await settle();
    const web = await runtime.store.listMessages(tid);
    expect(web.find((m) => m.text.includes('Which browser'))?.author).toBe('agent');
    expect(web.some((m) => m.author === 'bot' && m.text.includes('Name of ou_eng'))).toBe(true);

    // The employee answers in the web chat: relayed to the card's thread, and the bot keeps quiet.
    const l1 = lark.posted.length;
    const before = (await runtime.store.listMessages(tid)).length;
    await say(tid, 'Chrome 120 on Windows');
    const relayed = await waitFor(() => since(lark, l1).find((m) => m.body.text.includes('Chrome 120')));
    expect(relayed).toMatchObject({ channel: 'oc_triage', thread: card.ref });
    await settle();
    expect((await runtime.store.listMessages(tid)).length).toBe(before + 1);
  });

  it('cross-platform: employee on Lark, engineer on Slack — claim and replies cross over', async () => {
    const l0 = lark.posted.length;
    const s0 = slack.posted.length;
    const ev = larkMessage('转人工', { chat: 'oc_dm_wang', user: 'ou_wang' });
    await runtime.accept(
      larkMessage('我的工资条上个月社保扣款不对，怎么回事', {
        chat: 'oc_dm_wang',
        user: 'ou_wang',
        messageId: ev.messageId,
        eventId: `${ev.eventId}_q`,
      }),
    );
    await settle();
    await runtime.accept({ ...ev, thread: ev.messageId, messageId: `${ev.messageId}_h` });
    await settle();
    const ticket = (await runtime.tickets.list({ requesterId: 'lark:ou_wang' }))[0];
    expect(ticket).toBeDefined();
    const card = await waitFor(() => since(slack, s0).find((m) => m.key.startsWith(`card:${ticket.id}`)));
    const ts = card.ref.split(':')[1];
    await runtime.accept(action('slack', 'claim', { ticket: ticket.id }, { thread: ts }));
    await settle();
    await runtime.accept({
      ...larkMessage('Hi, checking your payslip now', {
        platform: 'slack',
        chat: 'C_TRIAGE',
        thread: ts,
        user: 'U_ENG',
        addressed: false,
      }),
    });
    await settle();
    const toEmployee = await waitFor(() => {
      const out = since(lark, l0).filter((m) => m.channel === 'oc_dm_wang');
      return out.some((m) => m.body.text.includes('checking your payslip')) ? out : undefined;
    });
    expect(toEmployee.some((m) => m.body.text.includes('Name of U_ENG'))).toBe(true);
  });
});
