import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLarkApi, type LarkApi } from '../../../adapters/lark/api.ts';
import type { LarkCard } from '../../../adapters/lark/render.ts';
import { LarkDeliverer, receiveIdType } from '../../../adapters/lark/send.ts';
import {
  DeliveryError,
  idempotencyToken,
  isNetworkError,
  isRetryable,
} from '../../../src/delivery/errors.ts';
import { payrollForm } from '../../../src/inbound/forms.ts';
import type { OutboundMessage } from '../../../src/inbound/ports.ts';
import { type LarkApiStandIn, larkCues, startLarkApiStandIn } from '../../support/lark-api-stand-in.ts';

const CHAT = 'oc_5ad573a6bbd4c1b3b2e3a05ad3b7a7f1';
const silent = pino({ level: 'silent' });

let lark: LarkApiStandIn;
let api: LarkApi;
let deliverer: LarkDeliverer;

beforeEach(async () => {
  lark = await startLarkApiStandIn();
  api = createLarkApi({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.url }, silent);
  deliverer = new LarkDeliverer({ api, timeoutMs: 2000 });
});
afterEach(async () => {
  await lark.close();
});

const msg = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  key: 'reply:om_5ce6d572455d361153b7cb51da133945',
  platform: 'lark',
  channel: CHAT,
  body: { text: '年假需提前 3 天申请 [1]。', lang: 'zh', buttons: [{ action: 'handoff', label: '转人工' }] },
  ...over,
});

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe('LarkDeliverer', () => {
  it('posts a top-level card to a chat with receive_id_type=chat_id and uuid = the key', async () => {
    const { ref } = await deliverer.send(msg());
    const [post] = lark.callsTo('POST /open-apis/im/v1/messages');
    expect(post.query).toEqual({ receive_id_type: 'chat_id' });
    expect(post.body).toMatchObject({
      receive_id: CHAT,
      msg_type: 'interactive',
      uuid: 'reply:om_5ce6d572455d361153b7cb51da133945',
    });
    expect(typeof (post.body as { content: unknown }).content).toBe('string');
    expect(post.token).toMatch(/^t-/);
    expect(lark.messages).toHaveLength(1);
    expect(ref).toBe(lark.messages[0].message_id);
    const card = lark.messages[0].card as LarkCard;
    expect(card.config.update_multi).toBe(true);
    expect(card.elements[0]).toEqual({ tag: 'markdown', content: '年假需提前 3 天申请 [1]。' });
  });

  it('sends a DM to a person by open_id', async () => {
    await deliverer.send(msg({ channel: 'ou_84aad35d084aa403a838cf73ee18467' }));
    expect(lark.callsTo('POST /open-apis/im/v1/messages')[0].query.receive_id_type).toBe('open_id');
    expect(receiveIdType('on_1')).toBe('union_id');
    expect(receiveIdType('hr@example.com')).toBe('email');
  });

  it('replies in the thread with reply_in_thread and the uuid', async () => {
    const root = 'om_40eb06e7b84dc71c03e009ad3c754195';
    const { ref } = await deliverer.send(msg({ thread: root }));
    const [call] = lark.callsTo(`POST /open-apis/im/v1/messages/${root}/reply`);
    expect(call.body).toMatchObject({ msg_type: 'interactive', reply_in_thread: true, uuid: msg().key });
    expect(lark.messages[0]).toMatchObject({ message_id: ref, root_id: root, parent_id: root });
    expect(lark.messages[0].thread_id).toMatch(/^omt_/);
  });

  it('updates a card in place with PATCH', async () => {
    const { ref } = await deliverer.send(msg());
    await deliverer.update(ref, msg({ key: 'status:t-1:2', body: { text: '已认领', lang: 'zh' } }));
    const [patch] = lark.callsTo(`PATCH /open-apis/im/v1/messages/${ref}`);
    expect(Object.keys(patch.body as object)).toEqual(['content']);
    expect(lark.messages[0].history).toHaveLength(2);
    expect((lark.messages[0].card as LarkCard).elements[0]).toEqual({ tag: 'markdown', content: '已认领' });
  });

  it('sends the same key twice: Lark dedupes by uuid, one message, the same ref', async () => {
    const a = await deliverer.send(msg());
    const b = await deliverer.send(msg());
    expect(b.ref).toBe(a.ref);
    expect(lark.callsTo('POST /open-apis/im/v1/messages')).toHaveLength(2);
    expect(lark.messages).toHaveLength(1);
  });

  it('hashes keys longer than 50 characters into a stable uuid', async () => {
    const key = `reply:${'x'.repeat(80)}`;
    await deliverer.send(msg({ key }));
    const uuid = (lark.callsTo('POST /open-apis/im/v1/messages')[0].body as { uuid: string }).uuid;
    expect(uuid).toBe(idempotencyToken(key));
    expect(uuid.length).toBeLessThanOrEqual(50);
  });

  it('gets the tenant token once and reuses it', async () => {
    await deliverer.send(msg({ key: 'a' }));
    await deliverer.send(msg({ key: 'b' }));
    expect(lark.callsTo('POST /open-apis/auth/v3/tenant_access_token/internal')).toHaveLength(1);
  });

  it('renders a form body as a form card', async () => {
    await deliverer.send(msg({ body: { text: '请填写', lang: 'zh', form: payrollForm('zh') } }));
    const card = lark.messages[0].card as LarkCard;
    expect(card.elements.map((e) => e.tag)).toEqual(['markdown', 'form']);
  });

  it.each([
    ['HTTP 429', larkCues.rateLimited(3)],
    ['HTTP 400 with code 99991400 (older APIs)', larkCues.rateLimited(7, 400)],
  ])('maps a rate limit (%s) to DeliveryError 429 with retryAfterMs', async (_, cue) => {
    lark.fail(cue);
    const err = await failure(deliverer.send(msg()));
    expect(err.status).toBe(429);
    expect(err.code).toBe('99991400');
    expect(err.retryAfterMs).toBe(Number(cue.headers?.['x-ogw-ratelimit-reset']) * 1000);
    expect(isRetryable(err)).toBe(true);
  });

  it('maps 5xx to a retryable DeliveryError with the status', async () => {
    lark.fail(larkCues.serverError(503));
    const err = await failure(deliverer.send(msg()));
    expect(err.status).toBe(503);
    expect(isRetryable(err)).toBe(true);
  });

  it('maps an edit of a recalled message to 404, so delivery posts anew', async () => {
    const { ref } = await deliverer.send(msg());
    lark.recall(ref);
    const err = await failure(deliverer.update(ref, msg({ key: 'status:2' })));
    expect(err.status).toBe(404);
    expect(err.code).toBe('230011');
  });

  it('replies to a recalled thread root by posting to the chat instead', async () => {
    const root = 'om_40eb06e7b84dc71c03e009ad3c754195';
    lark.recall(root);
    const { ref } = await deliverer.send(msg({ thread: root }));
    expect(lark.calls.map((c) => `${c.method} ${c.path}`).slice(1)).toEqual([
      `POST /open-apis/im/v1/messages/${root}/reply`,
      'POST /open-apis/im/v1/messages',
    ]);
    expect(lark.messages).toEqual([expect.objectContaining({ message_id: ref, chat_id: CHAT })]);
  });

  it('maps other Lark codes to a permanent 4xx carrying the code', async () => {
    lark.fail({
      match: 'POST /open-apis/im/v1/messages',
      status: 400,
      code: 230002,
      msg: 'The bot can not be outside the group.',
    });
    const err = await failure(deliverer.send(msg()));
    expect(err).toMatchObject({ status: 400, code: '230002' });
    expect(err.message).toContain('The bot can not be outside the group.');
    expect(isRetryable(err)).toBe(false);
    // A code inside an HTTP 200 is an error too.
    lark.fail({ match: 'POST /open-apis/im/v1/messages', status: 200, code: 230025, msg: 'too long' });
    expect(await failure(deliverer.send(msg({ key: 'k2' })))).toMatchObject({ status: 400, code: '230025' });
  });

  it('drops a token Lark no longer accepts: 401, retryable, and the retry gets a new token', async () => {
    await deliverer.send(msg({ key: 'a' }));
    lark.revokeTokens();
    const err = await failure(deliverer.send(msg({ key: 'b' })));
    expect(err).toMatchObject({ status: 401, code: '99991663' });
    expect(isRetryable(err)).toBe(true);
    await deliverer.send(msg({ key: 'b' }));
    expect(lark.callsTo('POST /open-apis/auth/v3/tenant_access_token/internal')).toHaveLength(2);
    expect(lark.messages).toHaveLength(2);
  });

  it('passes network errors through untouched (retried as network failures)', async () => {
    await lark.close();
    const err = await deliverer.send(msg()).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(DeliveryError);
    expect(isNetworkError(err)).toBe(true);
    lark = await startLarkApiStandIn(); // for afterEach
  });

  it('times out when Lark does not answer, the token request included (a network error)', async () => {
    const silentServer = createServer(() => {});
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const domain = `http://127.0.0.1:${(silentServer.address() as AddressInfo).port}`;
    const quiet = new LarkDeliverer({
      api: createLarkApi({ appId: lark.appId, appSecret: lark.appSecret, domain, timeoutMs: 100 }, silent),
    });
    const err = await quiet.send(msg()).catch((e: unknown) => e);
    silentServer.closeAllConnections();
    silentServer.close();
    expect(isNetworkError(err)).toBe(true);
  });
});
