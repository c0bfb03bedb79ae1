import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLark } from '../../../adapters/lark/parse.ts';
import type { InboundEvent, ParseResult } from '../../../src/inbound/ports.ts';

const body = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const NOW = 1_735_690_000_000;
const BOT = 'ou_bot0000000000000000000000000001';

function event(result: ParseResult | { challenge: string }): InboundEvent {
  if ('challenge' in result || !result.ok) throw new Error(`not an event: ${JSON.stringify(result)}`);
  return result.event;
}

describe('parseLark', () => {
  it('answers the url_verification challenge', () => {
    expect(parseLark(body('url_verification.json'), NOW)).toEqual({ challenge: 'ajls384kdjx98XX' });
  });

  it('normalizes a p2p text message (addressed, dm, ids, times)', () => {
    expect(event(parseLark(body('im_message_p2p_text.json'), NOW, { botOpenId: BOT }))).toEqual({
      platform: 'lark',
      tenant: '2ca1d211f64f6438',
      chat: 'oc_5ad573a6bbd4c1b3b2e3a05ad3b7a7f1',
      chatType: 'dm',
      messageId: 'om_5ce6d572455d361153b7cb51da133945',
      user: 'ou_84aad35d084aa403a838cf73ee18467',
      text: '年假怎么请？',
      mentions: [],
      addressed: true,
      eventId: '5e3702a84e847582be8db7fb73283c02',
      sentAt: 1735689599876,
      kind: 'message',
    });
  });

  it('group message that @s the bot: placeholders resolved, bot mention removed, thread = root_id', () => {
    const e = event(parseLark(body('im_message_group_at_bot.json'), NOW, { botOpenId: BOT }));
    expect(e.text).toBe('打卡系统进不去，@李雷 也一样');
    expect(e.chatType).toBe('group');
    expect(e.addressed).toBe(true);
    expect(e.thread).toBe('om_40eb06e7b84dc71c03e009ad3c754195');
    expect(e.mentions).toEqual([
      { id: BOT, name: 'Helpline', isBot: true },
      { id: 'ou_3c1a0b9f8e7d6c5b4a39281706f5e4d3', name: '李雷' },
    ]);
  });

  it('thread falls back to parent_id when there is no root_id', () => {
    const b = body('im_message_group_at_bot.json') as { event: { message: Record<string, unknown> } };
    delete b.event.message.root_id;
    expect(event(parseLark(b, NOW, { botOpenId: BOT })).thread).toBe('om_d4be107c616aed9c1da8ed8068570a9f');
  });

  it('ignores group chatter that does not mention the bot', () => {
    expect(parseLark(body('im_message_group_no_bot_mention.json'), NOW, { botOpenId: BOT })).toEqual({
      ok: false,
      ignore: true,
      reason: 'group message that does not mention the bot',
    });
  });

  it('keeps a thread reply without the mention, not addressed (an engineer under a triage card)', () => {
    const b = body('im_message_group_no_bot_mention.json') as { event: { message: Record<string, unknown> } };
    b.event.message.root_id = 'om_card_root';
    const r = parseLark(b, NOW, { botOpenId: BOT });
    expect(r).toMatchObject({
      ok: true,
      event: { addressed: false, thread: 'om_card_root', chatType: 'group' },
    });
  });

  it('flattens post content (flat form): title, text, link text, mention removed, images dropped', () => {
    const e = event(parseLark(body('im_message_post.json'), NOW, { botOpenId: BOT }));
    expect(e.text).toBe('工资条问题\n12月工资条少了加班费，工资条链接\n\n请帮忙看一下');
    expect(e.addressed).toBe(true);
  });

  it('flattens post content wrapped in a language key (en_us)', () => {
    const e = event(parseLark(body('im_message_post_i18n.json'), NOW, { botOpenId: BOT }));
    expect(e.text).toBe('VPN\nVPN drops every 10 minutes, see status page');
    expect(e.chatType).toBe('dm');
  });

  it('ignores messages sent by apps (other bots, ourselves)', () => {
    expect(parseLark(body('im_message_from_app.json'), NOW, { botOpenId: BOT })).toMatchObject({
      ok: false,
      ignore: true,
      reason: expect.stringContaining('app'),
    });
  });

  it('parses card.action.trigger into an action with value, form and messageRef', () => {
    const e = event(parseLark(body('card_action_trigger.json'), NOW));
    expect(e).toMatchObject({
      kind: 'action',
      user: 'ou_84aad35d084aa403a838cf73ee18467',
      chat: 'oc_5ad573a6bbd4c1b3b2e3a05ad3b7a7f1',
      messageId: 'om_x100b4f7c8d9e0a1b2c3d4e5f6a7b8c9d',
      eventId: '8f1e2d3c4b5a69788796a5b4c3d2e1f0',
      tenant: '2ca1d211f64f6438',
      sentAt: 1735690020000,
      addressed: true,
    });
    expect(e.action).toEqual({
      id: 'form_submit',
      value: { action: 'form_submit', ref: 'reply:om_5ce6d572455d361153b7cb51da133945' },
      form: { payroll_period: '2024-12', affected: '12', discrepancy: '加班费未发放', areas: '北京,上海' },
      messageRef: 'om_x100b4f7c8d9e0a1b2c3d4e5f6a7b8c9d',
    });
  });

  it('ignores unknown event types and v1 events', () => {
    expect(parseLark(body('im_chat_member_bot_added.json'), NOW)).toMatchObject({
      ok: false,
      ignore: true,
      reason: 'unsupported event type im.chat.member.bot.added_v1',
    });
    expect(parseLark({ uuid: 'x', event: { type: 'message' }, token: 't', ts: '1' }, NOW)).toMatchObject({
      ignore: true,
    });
  });

  it('reports malformed payloads with a reason and never throws', () => {
    const bad = parseLark(body('im_message_bad_content.json'), NOW);
    expect(bad).toEqual({
      ok: false,
      ignore: false,
      reason: 'im.message.receive_v1: text content is not JSON',
    });
    const samples: unknown[] = [
      null,
      'text',
      42,
      [],
      {},
      { encrypt: 'abc' },
      { type: 'url_verification' },
      { schema: '2.0', header: {} },
      { schema: '2.0', header: { event_id: 'e', event_type: 'im.message.receive_v1' } },
      { schema: '2.0', header: { event_id: 'e', event_type: 'im.message.receive_v1' }, event: { sender: 1 } },
      {
        schema: '2.0',
        header: { event_id: 'e', event_type: 'card.action.trigger' },
        event: { operator: {} },
      },
      {
        schema: '2.0',
        header: { event_id: 'e', event_type: 'card.action.trigger' },
        event: { operator: { open_id: 'ou_1' }, action: { value: 'not json' }, context: {} },
      },
    ];
    for (const s of samples) {
      const r = parseLark(s, NOW);
      expect(
        'ok' in r && r.ok === false && r.ignore === false && r.reason.length > 0,
        JSON.stringify(s),
      ).toBe(true);
    }
  });
});

describe('parseLark: bot menu', () => {
  it('turns application.bot.menu_v6 into a menu action addressed to the person', () => {
    const body = {
      schema: '2.0',
      header: {
        event_id: 'ev_menu_1',
        event_type: 'application.bot.menu_v6',
        create_time: '1735689600000',
        token: 'v_token_Helpline01',
        app_id: 'cli_a5f3b2c1d0e9f8a7',
        tenant_key: '2ca1d211f64f6438',
      },
      event: {
        operator: {
          operator_name: '王芳',
          operator_id: { open_id: 'ou_hr', union_id: 'on_hr', user_id: 'hr1' },
        },
        event_key: 'escalate',
        timestamp: 1735689600,
      },
    };
    expect(parseLark(body, 0)).toMatchObject({
      ok: true,
      event: {
        kind: 'action',
        chat: 'ou_hr',
        user: 'ou_hr',
        chatType: 'dm',
        action: { id: 'menu', value: { key: 'escalate' } },
      },
    });
    const broken = structuredClone(body) as { event: Record<string, unknown> };
    delete broken.event.event_key;
    expect(parseLark(broken, 0)).toMatchObject({ ok: false, ignore: false });
  });
});
