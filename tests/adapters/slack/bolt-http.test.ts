/**
 * The real Bolt app on our Hono route, fed signed Slack payloads in-process (`routes.request`), its
 * Web API calls (auth.test, views.open) answered by the spec-checked stand-in.
 */
import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackChannel, type SlackChannel } from '../../../adapters/slack/index.ts';
import { modalProblems, SlackApiStandIn } from '../../support/slack-api-stand-in.ts';
import { BOT, NOW, type Recorder, recorder, settle, signedHeaders } from './harness.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>;
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

let slack: SlackApiStandIn;
let channel: SlackChannel;
let routes: Hono;
let rec: Recorder;

beforeAll(async () => {
  slack = await new SlackApiStandIn(BOT).start();
  rec = recorder();
  channel = createSlackChannel(
    { botToken: 'xoxb-test-token', signingSecret: '8f742231b10e8888abcd99yyyzzz85a5', apiUrl: slack.apiUrl },
    rec.deps,
  );
  routes = channel.routes!;
  await channel.start();
});
afterAll(async () => {
  await channel.stop();
  await slack.stop();
});
beforeEach(() => {
  rec.accepted.length = 0;
  rec.offered.length = 0;
  rec.rejected.length = 0;
  rec.acks.length = 0;
  rec.logs.length = 0;
  rec.deduplicated = 0;
  slack.requests.length = 0;
});

function post(raw: string, contentType: string, headers: Record<string, string> = {}) {
  return routes.request('/slack/events', {
    method: 'POST',
    headers: { ...signedHeaders(raw, contentType), ...headers },
    body: raw,
  });
}
const postJson = (body: unknown, headers?: Record<string, string>) =>
  post(JSON.stringify(body), JSON_TYPE, headers);
const postPayload = (payload: unknown) =>
  post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM_TYPE);
const command = (text: string, extra: Record<string, string> = {}) => {
  const form = new URLSearchParams(fixture('slash_command.txt'));
  form.set('text', text);
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  return post(form.toString(), FORM_TYPE);
};

describe('Slack over HTTP: the real Bolt app behind POST /slack/events', () => {
  it('app_mention → accept gets the normalized event, then 200 (ack time observed)', async () => {
    const res = await post(fixture('app_mention.json'), JSON_TYPE);
    expect(res.status).toBe(200);
    expect(rec.accepted).toHaveLength(1);
    expect(rec.accepted[0]).toMatchObject({
      platform: 'slack',
      tenant: 'T061EG9R6',
      chat: 'C0LAN2Q65',
      eventId: 'Ev0LAN670R',
      text: 'how many days of annual leave do I get? cc @U0G9QF9C6',
      addressed: true,
      kind: 'message',
    });
    expect(rec.acks).toHaveLength(1);
    expect(rec.acks[0]).toBeGreaterThanOrEqual(0);
  });

  it('a DM is accepted; a bot message and channel chatter are acked and not accepted', async () => {
    expect((await post(fixture('message_im.json'), JSON_TYPE)).status).toBe(200);
    expect(rec.accepted.map((e) => e.eventId)).toEqual(['Ev0PV52K25']);
    expect((await post(fixture('bot_message.json'), JSON_TYPE)).status).toBe(200);
    expect((await post(fixture('own_message.json'), JSON_TYPE)).status).toBe(200);
    const chatter = json('thread_reply.json') as { event: Record<string, unknown>; event_id: string };
    delete chatter.event.thread_ts;
    chatter.event_id = 'Ev0CHATTER';
    expect((await postJson(chatter)).status).toBe(200);
    expect(rec.accepted).toHaveLength(1);
  });

  it('a thread reply in a channel is accepted, not addressed (the relay decides)', async () => {
    expect((await post(fixture('thread_reply.json'), JSON_TYPE)).status).toBe(200);
    expect(rec.accepted[0]).toMatchObject({ addressed: false, thread: '1525215129.000001' });
  });

  it('a redelivery (X-Slack-Retry-Num) with the same event_id is acked 200 and not queued again', async () => {
    const body = { ...json('app_mention.json'), event_id: 'Ev0RETRY1' };
    expect((await postJson(body)).status).toBe(200);
    const retry = await postJson(body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    expect(rec.offered.map((e) => e.eventId)).toEqual(['Ev0RETRY1', 'Ev0RETRY1']);
    expect(rec.accepted).toHaveLength(1);
    expect(rec.deduplicated).toBe(1);
  });

  it('a bad signature → 401, counted, nothing accepted', async () => {
    const raw = fixture('app_mention.json');
    const res = await routes.request('/slack/events', {
      method: 'POST',
      headers: signedHeaders(raw, JSON_TYPE, { secret: 'not-the-secret' }),
      body: raw,
    });
    expect(res.status).toBe(401);
    expect(rec.rejected).toEqual([{ platform: 'slack', reason: 'signature' }]);
    expect(rec.offered).toHaveLength(0);
    // A body changed after signing fails the same way.
    const tampered = await routes.request('/slack/events', {
      method: 'POST',
      headers: signedHeaders(raw, JSON_TYPE),
      body: raw.replace('annual', 'unpaid'),
    });
    expect(tampered.status).toBe(401);
    expect(rec.offered).toHaveLength(0);
  });

  it('a stale timestamp → 401 (timestamp); missing headers → 401 (malformed)', async () => {
    const raw = fixture('app_mention.json');
    const stale = await routes.request('/slack/events', {
      method: 'POST',
      headers: signedHeaders(raw, JSON_TYPE, { timestampSec: Math.floor(NOW / 1000) - 301 }),
      body: raw,
    });
    expect(stale.status).toBe(401);
    const bare = await routes.request('/slack/events', { method: 'POST', body: raw });
    expect(bare.status).toBe(401);
    expect(rec.rejected.map((r) => r.reason)).toEqual(['timestamp', 'malformed']);
    expect(rec.offered).toHaveLength(0);
  });

  it('url_verification answers the challenge', async () => {
    const res = await post(fixture('url_verification.json'), JSON_TYPE);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('malformed bodies are acked 200, logged as warnings and counted', async () => {
    expect((await post('{"type": "event_callback", ', JSON_TYPE)).status).toBe(200);
    const broken = json('app_mention.json');
    delete broken.event_id;
    expect((await postJson(broken)).status).toBe(200);
    expect((await postJson({ hello: 'world' })).status).toBe(200);
    await settle();
    expect(rec.offered).toHaveLength(0);
    expect(rec.rejected).toEqual([
      { platform: 'slack', reason: 'malformed' },
      { platform: 'slack', reason: 'malformed' },
      { platform: 'slack', reason: 'malformed' },
    ]);
    const warnings = rec.logs.filter((l) => l.level === 40 && l.platform === 'slack');
    expect(warnings.map((w) => w.reason ?? w.msg)).toEqual([
      expect.stringMatching(/Malformed Slack request body/),
      'event envelope: event_id must be a string',
      'payload has no type',
    ]);
  });

  it('when accept cannot queue, the answer is 500 so Slack redelivers; the redelivery is queued', async () => {
    rec.failAccept();
    const body = { ...json('app_mention.json'), event_id: 'Ev0FAIL1' };
    const res = await postJson(body);
    expect(res.status).toBe(500);
    expect(rec.acks).toHaveLength(0);
    const retry = await postJson(body, { 'x-slack-retry-num': '1' });
    expect(retry.status).toBe(200);
    expect(rec.accepted.map((e) => e.eventId)).toEqual(['Ev0FAIL1']);
    await settle();
    expect(rec.logs.some((l) => l.level === 50 && /could not be queued/.test(l.msg))).toBe(true);
  });

  it('block_actions (payload=) → action event on the button message, in its thread', async () => {
    const res = await postPayload(json('block_actions.json'));
    expect(res.status).toBe(200);
    expect(rec.accepted[0]).toMatchObject({
      kind: 'action',
      chat: 'C0LAN2Q65',
      thread: '1515449522.000016',
      action: {
        id: 'feedback_down',
        value: { key: 'reply:1515449522.000016', answer: 'a1' },
        messageRef: 'C0LAN2Q65:1525215140.000050',
      },
    });
  });

  it('view_submission of the payroll modal → form_submit, answered by DM', async () => {
    const p = json('view_submission.json') as { view: Record<string, unknown> };
    p.view.callback_id = 'helpline_form';
    p.view.private_metadata = JSON.stringify({
      form: 'payroll_anomaly',
      channel: 'C0LAN2Q65',
      user: 'U0HRADMIN',
      lang: 'en',
    });
    const res = await postPayload(p);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(rec.accepted[0]).toMatchObject({
      chat: 'U0HRADMIN',
      chatType: 'dm',
      user: 'U0HRADMIN',
      action: {
        id: 'form_submit',
        value: { form: 'payroll_anomaly', channel: 'C0LAN2Q65' },
        form: {
          period: '2024-05',
          affected: '37',
          discrepancy: 'underpaid',
          description: 'Overtime missing for the night shift',
        },
      },
    });
  });

  it('/helpline help and status → action events keyed by trigger id; no answer inside the ack', async () => {
    const help = await command('help');
    expect(help.status).toBe(200);
    const status = await command('status HL-1042', { trigger_id: '13345224609.738474920.other' });
    expect(status.status).toBe(200);
    expect(rec.accepted.map((e) => [e.action?.id, e.eventId, e.chat, e.user])).toEqual([
      ['help', 'command:13345224609.738474920.8088930838d88f008e0', 'C0LAN2Q65', 'U0HRADMIN'],
      ['status', 'command:13345224609.738474920.other', 'C0LAN2Q65', 'U0HRADMIN'],
    ]);
  });

  it('/helpline escalate opens the payroll modal with views.open (valid view), nothing queued', async () => {
    const res = await command('escalate 中文');
    expect(res.status).toBe(200);
    expect(rec.offered).toHaveLength(0);
    const [open] = slack.calls('views.open');
    expect(open).toMatchObject({ outcome: 'ok', token: 'xoxb-test-token' });
    expect(open.params.trigger_id).toBe('13345224609.738474920.8088930838d88f008e0');
    const view = JSON.parse(String(open.params.view));
    expect(modalProblems(view)).toEqual([]);
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'helpline_form',
      title: { text: '上报薪资异常' },
    });
    expect(JSON.parse(view.private_metadata)).toEqual({
      form: 'payroll_anomaly',
      channel: 'C0LAN2Q65',
      user: 'U0HRADMIN',
      lang: 'zh',
    });
    expect(view.blocks.map((b: { block_id: string }) => b.block_id)).toEqual([
      'period',
      'affected',
      'discrepancy',
      'description',
    ]);
  });

  it('when views.open fails (expired trigger) the user is told in the ack, privately', async () => {
    slack.cue('views.open', { error: 'expired_trigger_id' });
    const res = await command('escalate');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/could not be opened/);
  });

  it('the open_form button opens the modal from the button message, keeping channel and thread', async () => {
    const p = json('block_actions.json') as { actions: Array<Record<string, unknown>> };
    p.actions[0].action_id = 'open_form';
    p.actions[0].value = JSON.stringify({ form: 'payroll_anomaly', lang: 'en' });
    const res = await postPayload(p);
    expect(res.status).toBe(200);
    expect(rec.offered).toHaveLength(0);
    const view = JSON.parse(String(slack.calls('views.open')[0].params.view));
    expect(modalProblems(view)).toEqual([]);
    expect(JSON.parse(view.private_metadata)).toEqual({
      form: 'payroll_anomaly',
      channel: 'C0LAN2Q65',
      user: 'U061F7AUR',
      lang: 'en',
      thread: '1515449522.000016',
    });
  });

  it('the escalate_to_l2 message shortcut → escalate_message with the message', async () => {
    const res = await postPayload(json('message_action.json'));
    expect(res.status).toBe(200);
    expect(rec.accepted[0]).toMatchObject({
      chat: 'C0LAN2Q65',
      action: {
        id: 'escalate_message',
        value: { ts: '1525215129.000001', thread: '1515449522.000016', author: 'U061F7AUR' },
      },
    });
  });

  it('payloads no listener takes (another shortcut, a view of another app) are acked 200', async () => {
    const other = { ...json('message_action.json'), callback_id: 'not_ours' };
    expect((await postPayload(other)).status).toBe(200);
    expect((await postPayload({ ...json('message_action.json'), type: 'shortcut' })).status).toBe(200);
    expect(rec.offered).toHaveLength(0);
  });

  it('an ssl_check is answered without a signature and processed no further', async () => {
    const res = await routes.request('/slack/events', {
      method: 'POST',
      headers: { 'content-type': FORM_TYPE },
      body: 'ssl_check=1&token=x&payload=%7B%7D',
    });
    expect(res.status).toBe(200);
    expect(rec.offered).toHaveLength(0);
  });
});
