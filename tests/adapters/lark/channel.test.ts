import { afterEach, describe, expect, it } from 'vitest';
import { createLarkChannel, type LarkConfig } from '../../../adapters/lark/index.ts';
import { DeliveryError, isRetryable } from '../../../src/delivery/errors.ts';
import { HelplineError } from '../../../src/errors.ts';
import type { ChatChannel } from '../../../src/inbound/ports.ts';
import { type LarkApiStandIn, startLarkApiStandIn } from '../../support/lark-api-stand-in.ts';
import {
  capturingLogger,
  ENCRYPT_KEY,
  fixture,
  larkRequest,
  recordingAccept,
  TOKEN,
  testMetrics,
} from './helpers.ts';

let lark: LarkApiStandIn | undefined;
let channel: ChatChannel | undefined;

afterEach(async () => {
  await channel?.stop();
  channel = undefined;
  await lark?.close();
  lark = undefined;
});

async function setup(config: Partial<LarkConfig> = {}, standIn = { longConnection: true }) {
  lark = await startLarkApiStandIn(standIn);
  const log = capturingLogger();
  const metrics = testMetrics();
  const acc = recordingAccept();
  channel = createLarkChannel(
    {
      appId: lark.appId,
      appSecret: lark.appSecret,
      domain: lark.url,
      mode: 'ws',
      ...config,
    },
    { accept: acc.accept, logger: log.logger, metrics, readyTimeoutMs: 5000 },
  );
  return { lark, channel, acc, log, metrics };
}

async function startError(ch: ChatChannel): Promise<HelplineError> {
  const err = await ch.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HelplineError);
  return err as HelplineError;
}

describe('createLarkChannel', () => {
  it('ws mode: start learns the bot, connects, and returns the banner; events reach accept', async () => {
    const t = await setup();
    expect(await t.channel.start()).toBe(
      `Lark/Feishu: long connection as Helpline Bot (cli_a5f3b2c1d0e9f8a7) via ${t.lark.url}`,
    );
    expect(t.lark.callsTo('GET /open-apis/bot/v3/info')).toHaveLength(1);
    expect(t.channel.routes).toBeUndefined(); // neither token nor encrypt key configured
    // The bot's open_id from bot/v3/info decides which group messages are addressed.
    const ws = t.lark.ws!;
    expect((await ws.sendEvent(fixture('im_message_group_no_bot_mention.json'))).code).toBe(200);
    expect((await ws.sendEvent(fixture('im_message_group_at_bot.json'))).code).toBe(200);
    expect(t.acc.events.map((e) => e.eventId)).toEqual(['f7984f25108f8137722bb63cee927e66']);
  });

  it('ws mode with a token: also mounts POST /lark/events (for card callbacks over HTTP)', async () => {
    const t = await setup({ verificationToken: TOKEN, encryptKey: ENCRYPT_KEY });
    await t.channel.start();
    const req = larkRequest(fixture('card_action_trigger.json'), {
      encryptKey: ENCRYPT_KEY,
      nowMs: Date.now(),
    });
    const res = await t.channel.routes!.request('/lark/events', {
      method: 'POST',
      headers: req.headers,
      body: req.body,
    });
    expect(res.status).toBe(200);
    expect(t.acc.events[0].kind).toBe('action');
  });

  it('webhook mode: banner names the route, no long connection is opened', async () => {
    const t = await setup({ mode: 'webhook', verificationToken: TOKEN, encryptKey: ENCRYPT_KEY });
    expect(await t.channel.start()).toBe(
      `Lark/Feishu: webhook POST /lark/events as Helpline Bot (cli_a5f3b2c1d0e9f8a7) via ${t.lark.url}`,
    );
    expect(t.lark.ws!.endpointCalls).toHaveLength(0);
    const req = larkRequest(fixture('im_message_p2p_text.json'), {
      encryptKey: ENCRYPT_KEY,
      nowMs: Date.now(),
    });
    const res = await t.channel.routes!.request('/lark/events', {
      method: 'POST',
      headers: req.headers,
      body: req.body,
    });
    expect(res.status).toBe(200);
    expect(t.acc.events).toHaveLength(1);
  });

  it('delivers and looks up profiles through the same app', async () => {
    const t = await setup({ mode: 'webhook', verificationToken: TOKEN });
    const { ref } = await t.channel.deliverer.send({
      key: 'reply:om_1',
      platform: 'lark',
      channel: 'oc_5ad573a6bbd4c1b3b2e3a05ad3b7a7f1',
      body: { text: 'hi', lang: 'en' },
    });
    expect(t.lark.messages[0].message_id).toBe(ref);
    expect(await t.channel.profiles.profile('ou_nobody')).toBeUndefined();
  });

  it('a wrong app secret rejects start with CONFIG_INVALID saying what to fix', async () => {
    const t = await setup({ appSecret: 'wrong' });
    const err = await startError(t.channel);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('refused the app credentials (code 10014: app secret invalid)');
    expect(err.message).toContain('LARK_APP_SECRET');
    expect(t.lark.ws!.endpointCalls).toHaveLength(0);
  });

  it('an unreachable LARK_DOMAIN rejects start with a message naming it', async () => {
    const t = await setup();
    const url = t.lark.url;
    await t.lark.close();
    lark = undefined;
    const err = await startError(t.channel);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(`cannot reach the Open API at ${url}`);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('LARK_DOMAIN');
  });

  it('a bot/v3/info refusal says to enable the bot capability', async () => {
    const t = await setup();
    t.lark.fail({
      match: 'GET /open-apis/bot/v3/info',
      status: 400,
      code: 230006,
      msg: 'Bot ability is not activated.',
    });
    const err = await startError(t.channel);
    expect(err.message).toContain('Enable the Bot capability');
    expect(err.message).toContain('code 230006');
  });

  it('a long connection the gateway refuses rejects start and suggests the console setting', async () => {
    const t = await setup();
    // The Open API accepts the secret but the gateway does not (e.g. long connection not enabled).
    t.lark.ws!.handleHttp = (req, res) => {
      if (!req.url?.startsWith('/callback/ws/endpoint')) return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 403, msg: 'forbidden', data: {} }));
      return true;
    };
    const err = await startError(t.channel);
    expect(err.message).toContain('the long connection failed');
    expect(err.message).toContain('LARK_MODE=webhook');
  });

  it.each([
    [{ appSecret: undefined }, 'LARK_APP_SECRET is not set'],
    [{ appId: undefined }, 'LARK_APP_ID is not set'],
    [{ appId: 'helpline' }, 'is not a self-built app id'],
    [{ mode: 'webhook' as const }, 'LARK_MODE=webhook needs LARK_VERIFICATION_TOKEN'],
  ])(
    'incomplete config %o: start rejects, deliveries are refused for good, no routes',
    async (config, message) => {
      const t = await setup(config, { longConnection: false });
      const err = await startError(t.channel);
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.message).toContain(message);
      expect(t.channel.routes).toBeUndefined();
      const refusal = await t.channel.deliverer
        .send({ key: 'k', platform: 'lark', channel: 'oc_1', body: { text: 'x' } })
        .catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(DeliveryError);
      expect(isRetryable(refusal)).toBe(false);
      expect(await t.channel.profiles.profile('ou_1')).toBeUndefined();
      expect(t.lark.calls).toHaveLength(0);
    },
  );

  it('stop closes the long connection', async () => {
    const t = await setup();
    await t.channel.start();
    expect(t.lark.ws!.connections()).toBe(1);
    await t.channel.stop();
    await expect.poll(() => t.lark.ws!.connections()).toBe(0);
    // Closed for good: no reconnect attempt follows.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.lark.ws!.endpointCalls).toHaveLength(1);
  });
});
