/**
 * Lark/Feishu end to end (issue 5): both inbound modes — webhook (EventDispatcher at POST
 * /lark/events, encrypted with AES-256-CBC and signed, compact JSON as Lark sends it) and the long
 * connection (the real WSClient against a local gateway speaking the protobuf frames) — through the
 * whole runtime, every Open API call answered by the local stand-in that checks its shape. Then the
 * cross-platform handoff: the employee on Lark, the engineer on Slack.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/triage/types.ts';
import { larkRequest } from '../adapters/lark/helpers.ts';
import {
  type LarkApiStandIn,
  type StoredLarkMessage,
  startLarkApiStandIn,
} from '../support/lark-api-stand-in.ts';
import { SlackApiStandIn } from '../support/slack-api-stand-in.ts';
import { type ChatStack, chatStack, waitFor } from './chat-harness.ts';

/** A case that only means something in one transport: not collected at all in the other. */
const itIf = (condition: boolean): typeof it =>
  condition ? it : ((() => undefined) as unknown as typeof it);

const ENCRYPT_KEY = 'e2eEncryptKey123';
const TOKEN = 'v_token_e2e';
const TENANT = '2ca1d211f64f6438';
const TRIAGE = 'oc_triage000000000000000000000001';
const EMP = 'ou_employee0000000000000000000001';
const ENG = 'ou_engineer0000000000000000000001';
const HR = 'ou_hradmin00000000000000000000001';
const DM = 'oc_p2p_employee00000000000000001';
const HR_DM = 'oc_p2p_hradmin000000000000000001';

let seq = 0;
const id = (prefix: string) => `${prefix}${String(++seq).padStart(24, '0')}`;

function message(
  text: string,
  opts: { chat?: string; user?: string; root?: string; group?: boolean; mentionBot?: string } = {},
) {
  const messageId = id('om_');
  const mentions = opts.mentionBot
    ? [{ key: '@_user_1', id: { open_id: opts.mentionBot }, name: 'Helpline Bot', tenant_key: TENANT }]
    : undefined;
  return {
    schema: '2.0',
    header: {
      event_id: id('ev'),
      event_type: 'im.message.receive_v1',
      create_time: String(Date.now()),
      token: TOKEN,
      app_id: 'cli_a5f3b2c1d0e9f8a7',
      tenant_key: TENANT,
    },
    event: {
      sender: { sender_id: { open_id: opts.user ?? EMP }, sender_type: 'user', tenant_key: TENANT },
      message: {
        message_id: messageId,
        ...(opts.root ? { root_id: opts.root, parent_id: opts.root } : {}),
        create_time: String(Date.now()),
        chat_id: opts.chat ?? DM,
        chat_type: opts.group ? 'group' : 'p2p',
        message_type: 'text',
        content: JSON.stringify({ text: opts.mentionBot ? `@_user_1 ${text}` : text }),
        ...(mentions ? { mentions } : {}),
      },
    },
  };
}

type Button = { tag: string; value?: Record<string, string> };
function buttonsOf(card: unknown): Button[] {
  const out: Button[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) for (const y of x) walk(y);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.tag === 'button') out.push(o as Button);
      for (const v of Object.values(o)) walk(v);
    }
  };
  walk(card);
  return out;
}

/** A press of our button `action` on a card the stand-in holds, as card.action.trigger. */
function press(
  msg: StoredLarkMessage,
  action: string,
  user: string,
  form?: Record<string, string>,
  chat?: string,
) {
  const button = buttonsOf(msg.card).find((b) => b.value?.action === action);
  if (!button)
    throw new Error(
      `no ${action} button on ${msg.message_id}: ${JSON.stringify(buttonsOf(msg.card).map((b) => b.value?.action))}`,
    );
  return {
    schema: '2.0',
    header: {
      event_id: id('ev'),
      token: TOKEN,
      create_time: String(Date.now() * 1000),
      event_type: 'card.action.trigger',
      tenant_key: TENANT,
      app_id: 'cli_a5f3b2c1d0e9f8a7',
    },
    event: {
      operator: { tenant_key: TENANT, open_id: user },
      token: 'c-token',
      action: { value: button.value, tag: 'button', ...(form ? { name: 'submit', form_value: form } : {}) },
      host: 'im_message',
      // The stand-in cannot know the chat of a reply to a message it never saw: the test says it.
      context: { open_message_id: msg.message_id, open_chat_id: chat ?? msg.chat_id },
    },
  };
}

const textOf = (m: StoredLarkMessage) => JSON.stringify(m.card);

describe.each(['webhook', 'ws'] as const)('Lark end to end, LARK_MODE=%s', (mode) => {
  let lark: LarkApiStandIn;
  let stack: ChatStack;
  const webhook = mode === 'webhook';
  const post = (event: unknown, opts: { signWith?: string; tsSeconds?: number } = {}) => {
    const req = larkRequest(event, { encryptKey: ENCRYPT_KEY, nowMs: Date.now(), ...opts });
    return stack.app.request('/lark/events', { method: 'POST', headers: req.headers, body: req.body });
  };
  /** Delivers an event the way this mode receives it: the status is the HTTP answer or the frame ack's code. */
  const send = async (event: unknown, opts: { signWith?: string; tsSeconds?: number } = {}) =>
    webhook ? post(event, opts) : { status: (await lark.ws!.sendEvent(event)).code };
  const inChat = (chat: string) => lark.messages.filter((m) => m.chat_id === chat);
  /** The bot's messages in the thread of an inbound message (the stand-in never saw the inbound one). */
  const inThread = (root: string) => lark.messages.filter((m) => m.root_id === root);

  beforeAll(async () => {
    lark = await startLarkApiStandIn({
      longConnection: !webhook,
      users: {
        [EMP]: { name: '李雷', department_ids: ['od_finance'] },
        [ENG]: { name: '王伟', department_ids: ['od_it'] },
      },
      departments: { od_finance: { name: '财务部' }, od_it: { name: 'IT 支持' } },
    });
    stack = await chatStack(
      {
        LARK_APP_ID: lark.appId,
        LARK_APP_SECRET: lark.appSecret,
        LARK_DOMAIN: lark.url,
        LARK_MODE: mode,
        ...(webhook ? { LARK_ENCRYPT_KEY: ENCRYPT_KEY, LARK_VERIFICATION_TOKEN: TOKEN } : {}),
      },
      {
        'handoff.routes': { default: { platform: 'lark', chat: TRIAGE } },
        roles: { [`lark:${HR}`]: 'hr_admin', [`lark:${ENG}`]: 'l2' },
      },
    );
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await lark?.close();
  });

  it('starts and says which mode and bot it runs as', () => {
    expect(stack.banner.join('\n')).toMatch(
      webhook ? /webhook POST \/lark\/events as Helpline Bot/ : /long connection as Helpline Bot/,
    );
  });

  itIf(webhook)('answers the URL challenge', async () => {
    const res = await post({ challenge: 'ch-123', token: TOKEN, type: 'url_verification' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ch-123' });
  });

  it('question → a threaded, cited answer card with 👍 👎 🙋 and uuid; a duplicate delivery → one answer', async () => {
    const ev = message('怎么请年假？');
    expect((await send(ev)).status).toBe(200);
    const mid = ev.event.message.message_id;
    const answer = await waitFor(stack.runner, () => inThread(mid)[0]);
    const call = lark.calls.find((c) => c.path === `/open-apis/im/v1/messages/${mid}/reply`)!;
    expect(call.body).toMatchObject({
      msg_type: 'interactive',
      reply_in_thread: true,
      uuid: expect.any(String),
    });
    expect(buttonsOf(answer.card).map((b) => b.value?.action)).toEqual([
      'feedback_up',
      'feedback_down',
      'handoff',
    ]);
    expect(textOf(answer)).toMatch(/\[1\]/);
    // Lark redelivers (we were slow to ack): same event id, nothing new.
    expect((await send(ev)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    await stack.runner.idle();
    expect(inThread(mid)).toHaveLength(1);
  });

  itIf(webhook)(
    'a bad signature → 401, counted, never processed; a malformed event → acked and logged',
    async () => {
      const before = lark.messages.length;
      const res = await post(message('怎么请年假？'), { signWith: 'not-the-key' });
      expect(res.status).toBe(401);
      const stale = await post(message('怎么请年假？'), { tsSeconds: Math.floor(Date.now() / 1000) - 3600 });
      expect(stale.status).toBe(401);
      const broken = message('x') as { event: { message: Record<string, unknown> } };
      delete broken.event.message.message_id;
      expect((await post(broken)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      await stack.runner.idle();
      expect(lark.messages.length).toBe(before);
      const metrics = await stack.runtime.metrics.registry.metrics();
      expect(metrics).toMatch(
        /helpline_webhook_rejected_total\{[^}]*platform="lark"[^}]*reason="signature"[^}]*\} 1/,
      );
      expect(stack.logs.some((l) => /malformed|message_id/.test(String(l.msg)) && l.level === 40)).toBe(true);
    },
  );

  it('incident → ticket reply + triage card; claim → employee told; relay both ways; // note stays; resolve → rate → closed', async () => {
    const ev = message('打卡系统全员进不去，整个上海办公室都打不了卡，显示服务器错误');
    await send(ev);
    const mid = ev.event.message.message_id;
    const reply = await waitFor(stack.runner, () => inThread(mid).find((m) => /HL-\d+/.test(textOf(m))));
    const number = /HL-\d+/.exec(textOf(reply))![0];
    const card = await waitFor(stack.runner, () =>
      inChat(TRIAGE).find((m) => textOf(m).includes(number) && !m.root_id),
    );
    expect(textOf(card)).toContain('李雷');
    expect(textOf(card)).toContain('财务部');
    expect(buttonsOf(card.card).map((b) => b.value?.action)).toEqual(['claim', 'escalate', 'resolve']);

    // Claim: the card is edited in place (PATCH), the employee hears who is on it.
    expect((await send(press(card, 'claim', ENG))).status).toBe(200);
    await waitFor(stack.runner, () =>
      lark.calls.some((c) => c.method === 'PATCH' && c.path.endsWith(card.message_id)),
    );
    await waitFor(stack.runner, () => inThread(mid).find((m) => textOf(m).includes('王伟')));

    // The engineer replies under the card without @: relayed; a // note is not.
    await send(
      message('请问你用的是哪个版本的 App？', {
        chat: TRIAGE,
        user: ENG,
        root: card.message_id,
        group: true,
      }),
    );
    await send(
      message('// 估计是昨晚的发布', { chat: TRIAGE, user: ENG, root: card.message_id, group: true }),
    );
    await waitFor(stack.runner, () => inThread(mid).find((m) => textOf(m).includes('哪个版本')));
    await new Promise((r) => setTimeout(r, 300));
    await stack.runner.idle();
    expect(lark.messages.some((m) => textOf(m).includes('昨晚的发布'))).toBe(false);

    // The employee answers in their thread: to the triage thread; the bot stays quiet.
    const before = inThread(mid).length;
    await send(message('版本 6.2.1', { root: mid }));
    await waitFor(stack.runner, () =>
      inChat(TRIAGE).find((m) => m.root_id === card.message_id && textOf(m).includes('6.2.1')),
    );
    expect(inThread(mid).length).toBe(before);

    // Resolve → rating buttons for the employee → 5 closes it.
    await send(press(inChat(TRIAGE).find((m) => m.message_id === card.message_id)!, 'resolve', ENG));
    const ask = await waitFor(stack.runner, () =>
      inThread(mid).find((m) => buttonsOf(m.card).some((b) => b.value?.action === 'rate_5')),
    );
    await send(press(ask, 'rate_5', EMP, undefined, DM));
    await waitFor(stack.runner, () => inThread(mid).find((m) => /5\/5/.test(textOf(m))));
    const ticket = await stack.runtime.tickets.get(number);
    expect(ticket).toMatchObject({ status: 'closed', csat: 5 });
  });

  it('a follow-up that widens the scope → relayed, the ticket raised P1 → P0, the card edited, the employee told the new target', async () => {
    const ev = message('上海办公室今天早上打不了卡');
    await send(ev);
    const mid = ev.event.message.message_id;
    const reply = await waitFor(stack.runner, () => inThread(mid).find((m) => /HL-\d+/.test(textOf(m))));
    expect(textOf(reply)).toContain('P1');
    const number = /HL-\d+/.exec(textOf(reply))![0];
    const card = await waitFor(stack.runner, () =>
      inChat(TRIAGE).find((m) => textOf(m).includes(number) && !m.root_id),
    );

    await send(message('深圳和北京也不行了，现在是所有人', { root: mid }));
    const told = await waitFor(stack.runner, () =>
      inThread(mid).find((m) => textOf(m).includes('从 P1 升级为 P0')),
    );
    expect(textOf(told)).toContain('15 分钟');
    await waitFor(stack.runner, () =>
      inChat(TRIAGE).find((m) => m.root_id === card.message_id && textOf(m).includes('深圳和北京')),
    );
    await waitFor(stack.runner, () =>
      lark.calls.some(
        (c) =>
          c.method === 'PATCH' && c.path.endsWith(card.message_id) && JSON.stringify(c.body).includes('P0'),
      ),
    );
    expect((await stack.runtime.tickets.get(number)).severity).toBe('P0');
  });

  it('an HR admin sends 上报 → a form card; the submission → a sensitive payroll ticket with a masked card', async () => {
    const ask = message('上报', { chat: HR_DM, user: HR });
    await send(ask);
    const formCard = await waitFor(stack.runner, () =>
      inThread(ask.event.message.message_id).find((m) =>
        buttonsOf(m.card).some((b) => b.value?.action === 'form_submit'),
      ),
    );
    await send(
      press(
        formCard,
        'form_submit',
        HR,
        {
          period: '2026-10',
          affected: '37',
          discrepancy: '公积金重复扣除，每人 1200 元',
          description: '张三 身份证 110101199003071234 工资卡 6222020200112233445',
        },
        HR_DM,
      ),
    );
    const done = await waitFor(stack.runner, () =>
      inThread(ask.event.message.message_id).find((m) => /HL-\d+/.test(textOf(m))),
    );
    const number = /HL-\d+/.exec(textOf(done))![0];
    const ticket = await stack.runtime.tickets.get(number);
    expect(ticket).toMatchObject({ category: 'payroll', sensitive: true });
    expect(['P0', 'P1']).toContain(ticket.severity);
    const card = await waitFor(stack.runner, () => inChat(TRIAGE).find((m) => textOf(m).includes(number)));
    expect(textOf(card)).not.toContain('110101199003071234');
    expect(textOf(card)).not.toContain('6222020200112233445');
    // The full details go to the HR admin by DM (open_id).
    await waitFor(stack.runner, () =>
      lark.messages.find((m) => m.receive_id === HR && textOf(m).includes('37')),
    );
  });
});

describe('Lark long connection: group messages', () => {
  it('answers a group @mention, ignores group chatter without one', async () => {
    const lark = await startLarkApiStandIn({ longConnection: true });
    const stack = await chatStack(
      { LARK_APP_ID: lark.appId, LARK_APP_SECRET: lark.appSecret, LARK_DOMAIN: lark.url },
      {},
    );
    try {
      expect(stack.banner.join('\n')).toMatch(/long connection as Helpline Bot/);
      const ev = message('How do I request annual leave?');
      const ack = await lark.ws!.sendEvent(ev);
      expect(ack.code).toBe(200);
      const mid = ev.event.message.message_id;
      await waitFor(stack.runner, () => lark.messages.find((m) => m.root_id === mid));
      // A group message mentioning the bot works too; one that does not is ignored.
      const group = message('How do I request annual leave?', {
        chat: 'oc_group1',
        group: true,
        mentionBot: lark.bot.openId,
      });
      await lark.ws!.sendEvent(group);
      await waitFor(stack.runner, () =>
        lark.messages.find((m) => m.root_id === group.event.message.message_id),
      );
      const chatter = message('lunch?', { chat: 'oc_group1', group: true });
      expect((await lark.ws!.sendEvent(chatter)).code).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      await stack.runner.idle();
      expect(lark.messages.some((m) => m.root_id === chatter.event.message.message_id)).toBe(false);
    } finally {
      await stack.close();
      await lark.close();
    }
  }, 60_000);
});

describe('cross-platform handoff: the employee on Lark (long connection), the engineer on Slack', () => {
  it('the card goes to Slack; the claim and the replies cross over', async () => {
    const lark = await startLarkApiStandIn({ longConnection: true, users: { [EMP]: { name: '李雷' } } });
    const slack = await new SlackApiStandIn({ botUserId: 'U0BOT', botId: 'B0BOT', teamId: 'T0ACME' }).start();
    slack.addUser({
      id: 'U0ENG',
      name: 'wang.wei',
      real_name: 'Wang Wei',
      profile: { display_name: 'Wang Wei' },
    });
    const secret = 'cross-secret';
    const stack = await chatStack(
      {
        LARK_APP_ID: lark.appId,
        LARK_APP_SECRET: lark.appSecret,
        LARK_DOMAIN: lark.url,
        SLACK_BOT_TOKEN: 'xoxb-cross',
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: slack.apiUrl,
      },
      {
        'handoff.routes': { default: { platform: 'slack', chat: 'C0TRIAGE' } },
        roles: { 'slack:U0ENG': { role: 'l2', categories: [...CATEGORIES] } },
      },
    );
    const slackPost = (body: unknown, form = false) => {
      const raw = form
        ? new URLSearchParams({ payload: JSON.stringify(body) }).toString()
        : JSON.stringify(body);
      const ts = String(Math.floor(Date.now() / 1000));
      const sig = createHmac('sha256', secret).update(`v0:${ts}:${raw}`).digest('hex');
      return stack.app.request('/slack/events', {
        method: 'POST',
        headers: {
          'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': `v0=${sig}`,
        },
        body: raw,
      });
    };
    try {
      const ev = message('转人工：我的社保缴费基数好像算错了');
      await lark.ws!.sendEvent(ev);
      const mid = ev.event.message.message_id;
      const reply = await waitFor(stack.runner, () =>
        lark.messages.find((m) => m.root_id === mid && /HL-\d+/.test(textOf(m))),
      );
      const number = /HL-\d+/.exec(textOf(reply))![0];
      const card = await waitFor(stack.runner, () =>
        slack.messages.find((m) => m.channel === 'C0TRIAGE' && m.text.includes(number)),
      );
      const claim = (
        (card.blocks ?? []) as Array<{
          type: string;
          block_id?: string;
          elements?: Array<Record<string, string>>;
        }>
      )
        .flatMap((b) =>
          b.type === 'actions' ? (b.elements ?? []).map((e) => ({ ...e, block_id: b.block_id ?? 'a' })) : [],
        )
        .find((e) => (e as Record<string, string>).action_id.startsWith('claim')) as Record<string, string>;
      await slackPost(
        {
          type: 'block_actions',
          user: { id: 'U0ENG', team_id: 'T0ACME' },
          team: { id: 'T0ACME' },
          api_app_id: 'A0',
          token: 'legacy',
          trigger_id: '1.2.3',
          container: { type: 'message', message_ts: card.ts, channel_id: 'C0TRIAGE', is_ephemeral: false },
          channel: { id: 'C0TRIAGE', name: 'triage' },
          message: {
            type: 'message',
            user: 'U0BOT',
            bot_id: 'B0BOT',
            text: card.text,
            ts: card.ts,
            blocks: card.blocks,
          },
          actions: [
            {
              action_id: claim.action_id,
              block_id: claim.block_id,
              value: claim.value,
              type: 'button',
              action_ts: '1.1',
            },
          ],
        },
        true,
      );
      await waitFor(stack.runner, () =>
        lark.messages.find((m) => m.root_id === mid && textOf(m).includes('Wang Wei')),
      );
      await slackPost({
        token: 'legacy',
        team_id: 'T0ACME',
        api_app_id: 'A0',
        type: 'event_callback',
        event_id: id('Ev'),
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: 'T0ACME', user_id: 'U0BOT', is_bot: true }],
        event: {
          type: 'message',
          user: 'U0ENG',
          text: 'Hi, I am checking your social insurance base now',
          ts: `${Math.floor(Date.now() / 1000)}.000900`,
          event_ts: `${Math.floor(Date.now() / 1000)}.000900`,
          thread_ts: card.ts,
          channel: 'C0TRIAGE',
          channel_type: 'channel',
        },
      });
      await waitFor(stack.runner, () =>
        lark.messages.find((m) => textOf(m).includes('checking your social insurance')),
      );
      await lark.ws!.sendEvent(message('好的，谢谢', { root: mid }));
      // A payroll ticket is sensitive: its thread in the channel is told the employee replied, and
      // the words stay in the console (DESIGN §7).
      await waitFor(stack.runner, () =>
        slack.messages.find((m) => m.thread_ts === card.ts && m.text.includes('敏感工单')),
      );
      expect(slack.messages.some((m) => m.text.includes('好的'))).toBe(false);
    } finally {
      await stack.close();
      await slack.stop();
      await lark.close();
    }
  }, 60_000);
});
