import { describe, expect, it } from 'vitest';
import { larkInbound } from '../../../adapters/lark/inbound.ts';
import { larkWebhookRoutes } from '../../../adapters/lark/webhook.ts';
import {
  BOT,
  capturingLogger,
  ENCRYPT_KEY,
  fixture,
  type LarkHttpRequest,
  larkRequest,
  recordingAccept,
  TOKEN,
  testMetrics,
} from './helpers.ts';

const NOW = 1_735_689_601_000;

function setup(
  verify: { encryptKey?: string; verificationToken?: string } = {
    encryptKey: ENCRYPT_KEY,
    verificationToken: TOKEN,
  },
) {
  const log = capturingLogger();
  const metrics = testMetrics();
  const acc = recordingAccept();
  const now = () => NOW;
  const inbound = larkInbound({ accept: acc.accept, logger: log.logger, metrics, now, botOpenId: () => BOT });
  const app = larkWebhookRoutes({ logger: log.logger, metrics, verify, inbound, now });
  const post = (req: LarkHttpRequest) =>
    app.request('/lark/events', { method: 'POST', headers: req.headers, body: req.body });
  return { app, post, log, metrics, acc };
}

const challenge = { ...fixture('url_verification.json'), token: TOKEN };

const signed = (event: unknown, extra: { tsSeconds?: number; signWith?: string } = {}) =>
  larkRequest(event, { encryptKey: ENCRYPT_KEY, nowMs: NOW, ...extra });

describe('POST /lark/events', () => {
  it('acks an encrypted, signed message only after accept resolved, with the normalized event', async () => {
    const t = setup();
    const res = await t.post(signed(fixture('im_message_group_at_bot.json')));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(t.acc.events).toHaveLength(1);
    expect(t.acc.events[0]).toMatchObject({
      platform: 'lark',
      chat: 'oc_a0553eda9014c201e6969b478895c230',
      chatType: 'group',
      text: '打卡系统进不去，@李雷 也一样',
      eventId: 'f7984f25108f8137722bb63cee927e66',
      thread: 'om_40eb06e7b84dc71c03e009ad3c754195',
      addressed: true,
    });
    expect(await t.metrics.value('helpline_ack_seconds_count{platform="lark"}')).toBe(1);
  });

  it('answers the url_verification challenge (encrypted, unsigned, as Lark sends it)', async () => {
    const t = setup();
    const req = larkRequest(challenge, { encryptKey: ENCRYPT_KEY, nowMs: NOW });
    for (const h of ['x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature'])
      delete req.headers[h];
    const res = await t.post(req);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ajls384kdjx98XX' });
    expect(t.acc.events).toHaveLength(0);
  });

  it('answers the challenge of an app without an encrypt key (plain body, token checked)', async () => {
    const t = setup({ verificationToken: TOKEN });
    const res = await t.post(larkRequest(challenge, { nowMs: NOW }));
    expect(await res.json()).toEqual({ challenge: 'ajls384kdjx98XX' });
    const wrong = await t.post(larkRequest({ ...challenge, token: 'nope' }, { nowMs: NOW }));
    expect(wrong.status).toBe(401);
  });

  it.each([
    ['signature', { signWith: 'another-key' }],
    ['timestamp', { tsSeconds: Math.floor(NOW / 1000) - 301 }],
  ] as const)('rejects a bad %s with 401, counts it, and never calls accept', async (reason, extra) => {
    const t = setup();
    const res = await t.post(signed(fixture('im_message_p2p_text.json'), extra));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: reason });
    expect(t.acc.events).toHaveLength(0);
    expect(await t.metrics.value(`helpline_webhook_rejected_total{platform="lark",reason="${reason}"}`)).toBe(
      1,
    );
    expect(t.log.at('warn').some((l) => l.msg === 'Lark webhook rejected' && l.reason === reason)).toBe(true);
  });

  it('rejects a body whose signature covers different bytes (re-serialised JSON)', async () => {
    const t = setup();
    const req = signed(fixture('im_message_p2p_text.json'));
    const res = await t.post({ ...req, body: JSON.stringify(JSON.parse(req.body), null, 1) });
    expect(res.status).toBe(401);
    expect(t.acc.events).toHaveLength(0);
  });

  it('rejects a wrong verification token with 401', async () => {
    const t = setup();
    const event = fixture('im_message_p2p_text.json');
    (event.header as Record<string, unknown>).token = 'v_token_someone_else';
    const res = await t.post(signed(event));
    expect(res.status).toBe(401);
    expect(await t.metrics.value('helpline_webhook_rejected_total{platform="lark",reason="token"}')).toBe(1);
    expect(t.acc.events).toHaveLength(0);
  });

  it('answers 400 to a body that is not JSON or cannot be decrypted, counted as malformed', async () => {
    const t = setup();
    const res = await t.post({ headers: { 'content-type': 'application/json' }, body: 'not json' });
    expect(res.status).toBe(400);
    expect(await t.metrics.value('helpline_webhook_rejected_total{platform="lark",reason="malformed"}')).toBe(
      1,
    );
  });

  it('acks a verified but malformed event 200, logs the reason at warn, and does not call accept', async () => {
    const t = setup();
    const res = await t.post(signed(fixture('im_message_bad_content.json')));
    expect(res.status).toBe(200);
    expect(t.acc.events).toHaveLength(0);
    const warn = t.log.at('warn').find((l) => l.msg.includes('malformed'));
    expect(warn?.reason).toBe('im.message.receive_v1: text content is not JSON');
  });

  it('acks ignored events 200 with a debug line: other apps, chatter without @bot, unhandled types', async () => {
    const t = setup();
    for (const name of [
      'im_message_from_app.json',
      'im_message_group_no_bot_mention.json',
      'im_chat_member_bot_added.json',
    ]) {
      const res = await t.post(signed(fixture(name)));
      expect(res.status, name).toBe(200);
    }
    expect(t.acc.events).toHaveLength(0);
    expect(t.log.at('debug').filter((l) => l.msg.includes('ignored'))).toHaveLength(3);
    expect(t.log.at('warn')).toHaveLength(0);
  });

  it('answers 500 when accept rejects, so Lark redelivers', async () => {
    const t = setup();
    t.acc.answer(new Error('queue down'));
    const res = await t.post(signed(fixture('im_message_p2p_text.json')));
    expect(res.status).toBe(500);
    expect(t.log.at('error')[0]).toMatchObject({
      eventId: '5e3702a84e847582be8db7fb73283c02',
      err: 'queue down',
    });
  });

  it('acks a redelivery 200 and counts it as deduplicated', async () => {
    const t = setup();
    t.acc.answer('duplicate');
    const res = await t.post(signed(fixture('im_message_p2p_text.json')));
    expect(res.status).toBe(200);
    expect(await t.metrics.value('helpline_events_deduplicated_total{platform="lark"}')).toBe(1);
  });

  it('turns card.action.trigger (a form submit) into an action event and answers {} for the card', async () => {
    const t = setup();
    const res = await t.post(signed(fixture('card_action_trigger.json')));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(t.acc.events[0]).toMatchObject({
      kind: 'action',
      user: 'ou_84aad35d084aa403a838cf73ee18467',
      chat: 'oc_5ad573a6bbd4c1b3b2e3a05ad3b7a7f1',
      action: {
        id: 'form_submit',
        form: { payroll_period: '2024-12', affected: '12' },
        messageRef: 'om_x100b4f7c8d9e0a1b2c3d4e5f6a7b8c9d',
      },
    });
  });

  it('works for an app with only a verification token (plain bodies, no signature)', async () => {
    const t = setup({ verificationToken: TOKEN });
    const ok = await t.post(larkRequest(fixture('im_message_p2p_text.json'), { nowMs: NOW }));
    expect(ok.status).toBe(200);
    expect(t.acc.events).toHaveLength(1);
  });
});
