/**
 * The Lark Open API stand-in refuses what Lark refuses: the other tests are only as good as it.
 * Plain fetch, no SDK, so these check the stand-in and nothing else.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LarkApiStandIn, larkCues, startLarkApiStandIn } from '../../support/lark-api-stand-in.ts';

let lark: LarkApiStandIn;
let clock: number;

beforeEach(async () => {
  clock = 1_735_689_600_000;
  lark = await startLarkApiStandIn({ now: () => clock, chats: { oc_known: { name: 'HR 二线' } } });
});
afterEach(async () => {
  await lark.close();
});

/** Lark's envelope as the tests read it (`data` fields are strings where they are read). */
interface Answer {
  code: number;
  msg?: string;
  bot?: Record<string, unknown>;
  data: Record<string, string>;
}

async function call(method: string, path: string, body?: unknown, token?: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  const t = token === undefined ? await tenantToken() : token;
  if (t) headers.authorization = `Bearer ${t}`;
  const res = await fetch(`${lark.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Answer };
}

async function tenantToken(secret = lark.appSecret): Promise<string> {
  const res = await fetch(`${lark.url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: lark.appId, app_secret: secret }),
  });
  return ((await res.json()) as { tenant_access_token: string }).tenant_access_token;
}

const card = (text = 'hi') =>
  JSON.stringify({ config: { update_multi: true }, elements: [{ tag: 'markdown', content: text }] });
const send = (body: Record<string, unknown>, type = 'chat_id') =>
  call('POST', `/open-apis/im/v1/messages?receive_id_type=${type}`, {
    msg_type: 'interactive',
    content: card(),
    ...body,
  });

describe('Lark API stand-in', () => {
  it('issues tenant tokens for the right secret only', async () => {
    const bad = await fetch(`${lark.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      body: JSON.stringify({ app_id: lark.appId, app_secret: 'nope' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 10014 });
    expect(await tenantToken()).toMatch(/^t-[0-9a-f]{40}$/);
  });

  it('requires a bearer token it issued on every other call', async () => {
    expect((await call('GET', '/open-apis/bot/v3/info', undefined, null)).json.code).toBe(99991661);
    expect((await call('GET', '/open-apis/bot/v3/info', undefined, 't-forged')).json.code).toBe(99991663);
    const ok = await call('GET', '/open-apis/bot/v3/info');
    expect(ok.json).toMatchObject({ code: 0, bot: { open_id: lark.bot.openId, app_name: 'Helpline Bot' } });
  });

  it('checks create: receive_id_type, content as a JSON string, uuid length, card size, bot in the chat', async () => {
    expect(
      (
        await call('POST', '/open-apis/im/v1/messages', {
          receive_id: 'oc_known',
          msg_type: 'text',
          content: '{"text":"x"}',
        })
      ).json.code,
    ).toBe(99992402);
    expect((await send({ receive_id: 'oc_known', content: { text: 'x' } })).json.code).toBe(99992402);
    expect((await send({ receive_id: 'oc_known', content: 'not json' })).json.code).toBe(230001);
    expect((await send({ receive_id: 'oc_known', uuid: 'u'.repeat(51) })).json.code).toBe(99992402);
    expect((await send({ receive_id: 'oc_known', content: card('x'.repeat(31_000)) })).json.code).toBe(
      230025,
    );
    expect((await send({ receive_id: 'oc_elsewhere' })).json.code).toBe(230002);
    expect((await send({ receive_id: 'oc_known' }, 'ou_id')).json.code).toBe(99992402);
    const ok = await send({ receive_id: 'oc_known', uuid: 'u1' });
    expect(ok.json).toMatchObject({
      code: 0,
      msg: 'success',
      data: { chat_id: 'oc_known', msg_type: 'interactive' },
    });
    expect(ok.json.data.message_id).toMatch(/^om_/);
    expect(lark.messages).toHaveLength(1);
  });

  it('dedupes by uuid for one hour', async () => {
    const a = await send({ receive_id: 'oc_known', uuid: 'same' });
    const b = await send({ receive_id: 'oc_known', uuid: 'same' });
    expect(b.json.data.message_id).toBe(a.json.data.message_id);
    clock += 60 * 60 * 1000 + 1;
    const c = await send({ receive_id: 'oc_known', uuid: 'same' });
    expect(c.json.data.message_id).not.toBe(a.json.data.message_id);
    expect(lark.messages).toHaveLength(2);
  });

  it('patches only shared cards of its own, within 14 days, not recalled ones', async () => {
    const id = (await send({ receive_id: 'oc_known' })).json.data.message_id as string;
    const patch = (content: string, target = id) =>
      call('PATCH', `/open-apis/im/v1/messages/${target}`, { content });
    expect((await patch(JSON.stringify({ elements: [] }))).json.code).toBe(230001);
    expect((await patch(card(), 'om_not_ours')).json.code).toBe(230001);
    expect((await patch(card('v2'))).json).toEqual({ code: 0, msg: 'success', data: {} });
    clock += 14 * 24 * 60 * 60 * 1000 + 1;
    expect((await patch(card('v3'))).json.code).toBe(230031);
    lark.recall(id);
    expect((await patch(card('v4'))).json.code).toBe(230011);
    expect(lark.messages[0].history).toHaveLength(2);
  });

  it('threads replies: root, parent and one thread id per root', async () => {
    const reply = (to: string, uuid: string) =>
      call('POST', `/open-apis/im/v1/messages/${to}/reply`, {
        msg_type: 'interactive',
        content: card(),
        reply_in_thread: true,
        uuid,
      });
    const first = (await reply('om_user_question', 'r1')).json.data;
    const second = (await reply(first.message_id, 'r2')).json.data;
    expect(first).toMatchObject({ root_id: 'om_user_question', parent_id: 'om_user_question' });
    expect(second).toMatchObject({
      root_id: 'om_user_question',
      parent_id: first.message_id,
      thread_id: first.thread_id,
    });
    lark.recall('om_user_question');
    expect((await reply('om_user_question', 'r3')).json.code).toBe(230011);
  });

  it('answers chats, users and departments it knows', async () => {
    expect((await call('GET', '/open-apis/im/v1/chats/oc_known')).json.data).toMatchObject({
      name: 'HR 二线',
      chat_mode: 'group',
    });
    expect((await call('GET', '/open-apis/im/v1/chats/oc_other')).status).toBe(400);
    expect((await call('GET', '/open-apis/contact/v3/users/ou_x?user_id_type=open_id')).json.code).toBe(
      41050,
    );
  });

  it('plays cued failures once (or `times`), matching by method and path prefix', async () => {
    lark.fail({ ...larkCues.rateLimited(9), match: 'POST /open-apis/im/v1/messages', times: 2 });
    const limited = await send({ receive_id: 'oc_known' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ogw-ratelimit-reset')).toBe('9');
    expect(limited.json.code).toBe(99991400);
    expect((await send({ receive_id: 'oc_known' })).status).toBe(429);
    expect((await send({ receive_id: 'oc_known' })).status).toBe(200);
    expect(lark.calls.filter((c) => c.status === 429)).toHaveLength(2);
  });
});
