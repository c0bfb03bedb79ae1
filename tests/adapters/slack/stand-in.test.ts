import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSlackBlocks } from '../../../adapters/slack/render.ts';
import { SlackApiStandIn } from '../../support/slack-api-stand-in.ts';

const token = 'xoxb-test-token';
let slack: SlackApiStandIn;

beforeAll(async () => {
  slack = await new SlackApiStandIn({ botUserId: 'U0LAN0Z89' }).start();
  slack.addUser({
    id: 'U061F7AUR',
    name: 'li.lei',
    real_name: 'Li Lei',
    profile: { title: 'Payroll', email: 'li.lei@example.com' },
  });
});
afterAll(() => slack.stop());

/** What @slack/web-api does: POST form-encoded, token as Bearer, objects JSON-encoded. */
async function call(
  method: string,
  fields: Record<string, unknown>,
  opts: { auth?: boolean; verb?: string } = {},
) {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields))
    form.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (opts.auth !== false) headers.authorization = `Bearer ${token}`;
  const verb = opts.verb ?? 'POST';
  const res = await fetch(`${slack.apiUrl}${method}${verb === 'GET' ? `?${form}` : ''}`, {
    method: verb,
    headers,
    body: verb === 'GET' ? undefined : form.toString(),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('Slack Web API stand-in (checked against slack-web-openapi-v2.json)', () => {
  it('accepts a valid chat.postMessage with rendered blocks and answers in Slack shape', async () => {
    const rendered = renderSlackBlocks(
      { text: 'Hello & welcome', buttons: [{ action: 'feedback_up', label: '👍 Helpful' }] },
      { chat: 'C0LAN2Q65', key: 'k1', lang: 'en' },
    );
    const r = await call('chat.postMessage', {
      channel: 'C0LAN2Q65',
      thread_ts: '1515449522.000016',
      text: rendered.text,
      blocks: rendered.blocks,
      unfurl_links: false,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      ok: true,
      channel: 'C0LAN2Q65',
      message: { type: 'message', text: 'Hello &amp; welcome', thread_ts: '1515449522.000016' },
    });
    expect(typeof r.body.ts).toBe('string');
    expect(slack.calls('chat.postMessage').at(-1)).toMatchObject({ token, outcome: 'ok' });
  });

  it('accepts a JSON body with blocks as an array, and chat.update of that message', async () => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        channel: 'D0PNCRP9N',
        text: 'hi',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
      }),
    });
    const posted = (await res.json()) as { ok: boolean; ts: string };
    expect(posted.ok).toBe(true);
    const upd = await call('chat.update', { channel: 'D0PNCRP9N', ts: posted.ts, text: 'edited' });
    expect(upd.body).toMatchObject({ ok: true, ts: posted.ts, text: 'edited' });
    const missing = await call('chat.update', { channel: 'D0PNCRP9N', ts: '1.1', text: 'x' });
    expect(missing.body).toEqual({ ok: false, error: 'message_not_found' });
  });

  it('accepts users.info (spec verb GET, or POST as the SDK sends)', async () => {
    for (const verb of ['GET', 'POST']) {
      const r = await call('users.info', { user: 'U061F7AUR' }, { verb });
      expect(r.body).toMatchObject({
        ok: true,
        user: {
          id: 'U061F7AUR',
          name: 'li.lei',
          real_name: 'Li Lei',
          is_bot: false,
          profile: { title: 'Payroll' },
        },
      });
    }
    expect((await call('users.info', { user: 'UNOBODY' })).body).toEqual({
      ok: false,
      error: 'user_not_found',
    });
  });

  it('rejects an unknown method', async () => {
    const r = await call('chat.postMessages', { channel: 'C1', text: 'x' });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ ok: false, error: 'unknown_method' });
  });

  it('rejects a missing channel and an unknown parameter with invalid_arguments', async () => {
    const noChannel = await call('chat.postMessage', { text: 'x' });
    expect(noChannel.body).toEqual({
      ok: false,
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] missing required field: channel'] },
    });
    const unknown = await call('chat.postMessage', { channel: 'C1', text: 'x', colour: 'red' });
    expect(unknown.body).toMatchObject({
      ok: false,
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] unknown field: colour'] },
    });
    const badType = await call('chat.postMessage', {
      channel: 'C1',
      text: 'x',
      unfurl_links: 'maybe',
      blocks: '{"not":"array"}',
    });
    expect((badType.body.response_metadata as { messages: string[] }).messages).toHaveLength(2);
  });

  it('rejects a missing token, and a wrong HTTP verb', async () => {
    expect((await call('chat.postMessage', { channel: 'C1', text: 'x' }, { auth: false })).body).toEqual({
      ok: false,
      error: 'not_authed',
    });
    expect((await call('users.info', { user: 'U061F7AUR' }, { auth: false })).body).toEqual({
      ok: false,
      error: 'not_authed',
    });
    const tokenField = await call('users.info', { user: 'U061F7AUR', token }, { auth: false });
    expect(tokenField.body.ok).toBe(true);
    expect((await call('chat.postMessage', { channel: 'C1', text: 'x' }, { verb: 'GET' })).status).toBe(405);
  });

  it('checks apps.connections.open by hand (newer than the spec)', async () => {
    expect((await call('apps.connections.open', {})).body).toEqual({ ok: false, error: 'invalid_auth' });
    const r = await fetch(`${slack.apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { authorization: 'Bearer xapp-1-abc' },
    });
    expect(await r.json()).toMatchObject({ ok: true, url: expect.stringMatching(/^wss:/) });
  });

  it('views.open and conversations.replies validate and answer', async () => {
    expect(
      (
        await call('views.open', {
          trigger_id: 't.1',
          view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] },
        })
      ).body,
    ).toMatchObject({ ok: true, view: { type: 'modal' } });
    expect((await call('views.open', { view: { type: 'modal' } })).body).toMatchObject({
      error: 'invalid_arguments',
    });
    const root = await call('chat.postMessage', { channel: 'C9', text: 'root' });
    await call('chat.postMessage', { channel: 'C9', text: 'reply', thread_ts: root.body.ts as string });
    const replies = await call('conversations.replies', {
      channel: 'C9',
      ts: root.body.ts as string,
      limit: 10,
    });
    expect((replies.body.messages as unknown[]).length).toBe(2);
    expect(
      (await call('conversations.replies', { channel: 'C9', ts: 'x', limit: 'ten' })).body,
    ).toMatchObject({ error: 'invalid_arguments' });
  });

  it('plays scripted failures: 429 with Retry-After, then ok:false, then success', async () => {
    slack.cue('chat.postMessage', { status: 429, retryAfterSec: 3 }, { error: 'channel_not_found' });
    const limited = await call('chat.postMessage', { channel: 'C1', text: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await call('chat.postMessage', { channel: 'C1', text: 'x' })).body).toEqual({
      ok: false,
      error: 'channel_not_found',
    });
    expect((await call('chat.postMessage', { channel: 'C1', text: 'x' })).body.ok).toBe(true);
    expect(
      slack
        .calls('chat.postMessage')
        .slice(-3)
        .map((c) => c.outcome),
    ).toEqual(['429', 'channel_not_found', 'ok']);
  });

  it('checks message metadata and modal views by hand (what the spec cannot say)', async () => {
    const badMeta = await call('chat.postMessage', {
      channel: 'C1',
      text: 'x',
      metadata: { event_type: 'has spaces', event_payload: 'nope' },
    });
    expect((badMeta.body.response_metadata as { messages: string[] }).messages).toEqual([
      '[ERROR] invalid metadata: event_type must be a word of letters, digits and _',
      '[ERROR] invalid metadata: event_payload must be an object',
    ]);
    const longTitle = await call('views.open', {
      trigger_id: 't.1',
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 'Submit to payroll support now' },
        blocks: [
          { type: 'input', label: { type: 'plain_text', text: 'n' }, element: { type: 'number_input' } },
        ],
      },
    });
    expect((longTitle.body.response_metadata as { messages: string[] }).messages).toEqual([
      '[ERROR] invalid view: title must be 1–24 characters',
      '[ERROR] invalid view: blocks[0].element.is_decimal_allowed is required for number_input',
      '[ERROR] invalid view: submit is required when the view has input blocks',
    ]);
  });

  it('returns metadata only with include_all_metadata; history newest first; DMs by user id', async () => {
    const meta = { event_type: 'helpline_message', event_payload: { key: 'k1' } };
    const a = await call('chat.postMessage', { channel: 'C0HIST', text: 'a', metadata: meta });
    await call('chat.postMessage', { channel: 'C0HIST', text: 'b' });
    const plain = await call('conversations.history', { channel: 'C0HIST' });
    expect((plain.body.messages as Array<Record<string, unknown>>).map((m) => [m.text, m.metadata])).toEqual([
      ['b', undefined],
      ['a', undefined],
    ]);
    const withMeta = await call('conversations.history', { channel: 'C0HIST', include_all_metadata: true });
    expect((withMeta.body.messages as Array<Record<string, unknown>>)[1]).toMatchObject({
      ts: a.body.ts,
      metadata: meta,
    });
    const dm = await call('chat.postMessage', { channel: 'U061F7AUR', text: 'hi' });
    expect(dm.body.channel).toBe('D061F7AUR');
    expect((await call('conversations.open', { users: 'U061F7AUR' })).body).toEqual({
      ok: true,
      channel: { id: 'D061F7AUR' },
    });
  });

  it('accepts team_id on any method (the SDK sends it for a client that knows its team)', async () => {
    expect((await call('auth.test', { team_id: 'T1' })).body.ok).toBe(true);
  });
});
