import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { larkInbound } from '../../../adapters/lark/inbound.ts';
import { LarkLongConnection } from '../../../adapters/lark/ws.ts';
import { type LarkWsServer, startLarkWsServer } from '../../support/lark-ws-server.ts';
import { APP_ID, BOT, capturingLogger, fixture, recordingAccept, testMetrics } from './helpers.ts';

const SECRET = 'ws-app-secret';

let server: LarkWsServer;
let connection: LarkLongConnection | undefined;

beforeEach(async () => {
  server = await startLarkWsServer({ appId: APP_ID, appSecret: SECRET });
});
afterEach(async () => {
  connection?.stop();
  connection = undefined;
  await server.stop();
});

function connect(appSecret = SECRET) {
  const log = capturingLogger();
  const metrics = testMetrics();
  const acc = recordingAccept();
  const inbound = larkInbound({
    accept: acc.accept,
    logger: log.logger,
    metrics,
    now: () => 1_735_689_601_000,
    botOpenId: () => BOT,
  });
  connection = new LarkLongConnection({
    appId: APP_ID,
    appSecret,
    domain: server.url,
    inbound,
    logger: log.logger,
    readyTimeoutMs: 5000,
  });
  return { ready: connection.start(), acc, log, metrics };
}

describe('Lark long connection (real WSClient against the local gateway)', () => {
  it('connects with the app credentials and answers pings', async () => {
    const c = connect();
    expect(await c.ready).toBe(true);
    expect(server.endpointCalls).toEqual([{ AppID: APP_ID, AppSecret: SECRET }]);
    expect(connection?.state()).toBe('connected');
    await expect.poll(() => server.pings()).toBeGreaterThanOrEqual(1);
  });

  it('delivers a message event to accept and acks the frame with code 200', async () => {
    const c = connect();
    await c.ready;
    const ack = await server.sendEvent(fixture('im_message_p2p_text.json'));
    expect(ack.code).toBe(200);
    expect(ack.headers.biz_rt).toBeDefined();
    expect(c.acc.events).toEqual([
      expect.objectContaining({
        platform: 'lark',
        chatType: 'dm',
        text: '年假怎么请？',
        user: 'ou_84aad35d084aa403a838cf73ee18467',
        eventId: '5e3702a84e847582be8db7fb73283c02',
      }),
    ]);
  });

  it('reassembles an event split over several frames', async () => {
    const c = connect();
    await c.ready;
    const ack = await server.sendEvent(fixture('im_message_group_at_bot.json'), { fragments: 3 });
    expect(ack.code).toBe(200);
    expect(c.acc.events[0].text).toBe('打卡系统进不去，@李雷 也一样');
  });

  it('delivers a card callback (form submit) and answers {} for the card', async () => {
    const c = connect();
    await c.ready;
    const ack = await server.sendEvent(fixture('card_action_trigger.json'));
    expect(ack).toMatchObject({ code: 200, data: {} });
    expect(c.acc.events[0]).toMatchObject({ kind: 'action', action: { id: 'form_submit' } });
  });

  it('acks 500 when accept rejects, so Lark redelivers', async () => {
    const c = connect();
    await c.ready;
    c.acc.answer(new Error('queue down'));
    expect((await server.sendEvent(fixture('im_message_p2p_text.json'))).code).toBe(500);
  });

  it('acks ignored and malformed events 200 without calling accept', async () => {
    const c = connect();
    await c.ready;
    expect((await server.sendEvent(fixture('im_message_from_app.json'))).code).toBe(200);
    expect((await server.sendEvent(fixture('im_message_bad_content.json'))).code).toBe(200);
    expect(c.acc.events).toHaveLength(0);
    expect(c.log.at('warn').some((l) => l.reason === 'im.message.receive_v1: text content is not JSON')).toBe(
      true,
    );
  });

  it('reconnects after the gateway drops the connection', async () => {
    const c = connect();
    await c.ready;
    server.dropConnections();
    await expect.poll(() => server.endpointCalls.length, { timeout: 5000 }).toBe(2);
    await server.connected();
    expect((await server.sendEvent(fixture('im_message_p2p_text.json'))).code).toBe(200);
    expect(c.acc.events).toHaveLength(1);
  });

  it('rejects start when the gateway refuses the app secret', async () => {
    const c = connect('wrong-secret');
    await expect(c.ready).rejects.toThrow(/code=514/);
  });
});
