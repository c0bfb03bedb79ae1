/**
 * SlackDeliverer through the real @slack/web-api WebClient against the stand-in, which checks every
 * call against Slack's OpenAPI spec (and by hand what the spec cannot say: metadata, newer params).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { METADATA_EVENT_TYPE, SlackDeliverer } from '../../../adapters/slack/send.ts';
import { slackWebClient } from '../../../adapters/slack/web-client.ts';
import { DeliveryError, isNetworkError, isRetryable } from '../../../src/delivery/errors.ts';
import type { OutboundMessage } from '../../../src/inbound/ports.ts';
import { SlackApiStandIn } from '../../support/slack-api-stand-in.ts';
import { BOT, closedPort } from './harness.ts';

const logger = pino({ level: 'silent' });
let slack: SlackApiStandIn;
let deliverer: SlackDeliverer;

beforeAll(async () => {
  slack = await new SlackApiStandIn(BOT).start();
  deliverer = new SlackDeliverer({ client: slackWebClient('xoxb-test-token', slack.apiUrl, logger) });
});
afterAll(() => slack.stop());
beforeEach(() => {
  slack.requests.length = 0;
});

const msg = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  key: 'reply:1515449522.000016',
  platform: 'slack',
  channel: 'C0LAN2Q65',
  thread: '1515449522.000016',
  body: {
    text: 'You get 15 days of annual leave [1].',
    lang: 'en',
    citations: [{ n: 1, source: 'leave.md', title: 'Leave policy', heading: 'Annual leave' }],
    buttons: [{ action: 'feedback_up', label: '👍 Helpful' }],
  },
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe('SlackDeliverer', () => {
  it('posts in the thread with blocks, fallback text and the key as message metadata', async () => {
    const { ref } = await deliverer.send(msg());
    const [call] = slack.calls('chat.postMessage');
    expect(call).toMatchObject({ outcome: 'ok', token: 'xoxb-test-token' });
    expect(call.params).toMatchObject({
      channel: 'C0LAN2Q65',
      thread_ts: '1515449522.000016',
      text: 'You get 15 days of annual leave [1].',
      unfurl_links: 'false',
    });
    const stored = slack.messages.at(-1)!;
    expect(ref).toBe(`C0LAN2Q65:${stored.ts}`);
    expect(stored.thread_ts).toBe('1515449522.000016');
    expect(stored.metadata).toEqual({
      event_type: METADATA_EVENT_TYPE,
      event_payload: { key: 'reply:1515449522.000016' },
    });
    expect((stored.blocks as Array<{ type: string }>).map((b) => b.type)).toEqual([
      'section',
      'context',
      'actions',
    ]);
  });

  it('a top-level post has no thread_ts; a post to a user id lands in their DM', async () => {
    await deliverer.send(msg({ key: 'status:HL-1:1', thread: undefined }));
    expect(slack.calls('chat.postMessage')[0].params).not.toHaveProperty('thread_ts');
    const { ref } = await deliverer.send(msg({ key: 'dm:1', channel: 'U061F7AUR', thread: undefined }));
    expect(ref).toMatch(/^D061F7AUR:/);
  });

  it('update edits the message in place (chat.update)', async () => {
    const { ref } = await deliverer.send(msg({ key: 'card:HL-7:1', thread: undefined }));
    await deliverer.update(
      ref,
      msg({ key: 'card:HL-7:2', updateOf: 'card:HL-7:1', body: { text: 'Claimed' } }),
    );
    const [call] = slack.calls('chat.update');
    expect(call.outcome).toBe('ok');
    expect(call.params).toMatchObject({ channel: 'C0LAN2Q65', ts: ref.split(':')[1], text: 'Claimed' });
    expect(JSON.parse(String(call.params.metadata))).toEqual({
      event_type: METADATA_EVENT_TYPE,
      event_payload: { key: 'card:HL-7:2', updateOf: 'card:HL-7:1' },
    });
    expect(slack.messages.find((m) => `${m.channel}:${m.ts}` === ref)?.text).toBe('Claimed');
  });

  it('lookup finds a message by its key in the thread, in the channel, and in a DM', async () => {
    const root = await deliverer.send(msg({ key: 'root:1', channel: 'C0LOOKUP', thread: undefined }));
    const rootTs = root.ref.split(':')[1];
    const inThread = await deliverer.send(msg({ key: 'reply:2', channel: 'C0LOOKUP', thread: rootTs }));
    expect(await deliverer.lookup(msg({ key: 'reply:2', channel: 'C0LOOKUP', thread: rootTs }))).toEqual({
      ref: inThread.ref,
    });
    expect(await deliverer.lookup(msg({ key: 'root:1', channel: 'C0LOOKUP', thread: undefined }))).toEqual(
      root,
    );
    expect(
      await deliverer.lookup(msg({ key: 'never', channel: 'C0LOOKUP', thread: rootTs })),
    ).toBeUndefined();
    expect(await deliverer.lookup(msg({ key: 'never', channel: 'C0LOOKUP', thread: '9.9' }))).toBeUndefined();
    for (const c of [...slack.calls('conversations.replies'), ...slack.calls('conversations.history')]) {
      expect(c.outcome === 'ok' || c.outcome === 'thread_not_found').toBe(true);
      expect(c.params.include_all_metadata).toBe('true');
    }
    const fresh = new SlackDeliverer({ client: slackWebClient('xoxb-test-token', slack.apiUrl, logger) });
    const dm = await fresh.send(msg({ key: 'dm:lookup', channel: 'U0DMUSER', thread: undefined }));
    const again = new SlackDeliverer({ client: slackWebClient('xoxb-test-token', slack.apiUrl, logger) });
    expect(await again.lookup(msg({ key: 'dm:lookup', channel: 'U0DMUSER', thread: undefined }))).toEqual(dm);
    expect(slack.calls('conversations.open').at(-1)?.outcome).toBe('ok');
  });

  it('429 with Retry-After → DeliveryError 429 with retryAfterMs, retryable', async () => {
    slack.cue('chat.postMessage', { status: 429, retryAfterSec: 7 });
    const err = await rejection(deliverer.send(msg()));
    expect(err).toMatchObject({ status: 429, retryAfterMs: 7000, code: 'ratelimited' });
    expect(isRetryable(err)).toBe(true);
    expect(slack.calls('chat.postMessage')).toHaveLength(1); // the SDK did not retry on its own
  });

  it('channel_not_found / not_in_channel / invalid_auth → permanent 4xx with the code', async () => {
    slack.cue(
      'chat.postMessage',
      { error: 'channel_not_found' },
      { error: 'not_in_channel' },
      { error: 'invalid_auth' },
    );
    const statuses: Array<[number | undefined, string | undefined, boolean]> = [];
    for (let i = 0; i < 3; i++) {
      const err = await rejection(deliverer.send(msg()));
      statuses.push([err.status, err.code, isRetryable(err)]);
    }
    expect(statuses).toEqual([
      [404, 'channel_not_found', false],
      [403, 'not_in_channel', false],
      [401, 'invalid_auth', false],
    ]);
  });

  it('message_not_found on update → 404 (the delivery job then posts anew)', async () => {
    const err = await rejection(deliverer.update('C0LAN2Q65:1.000001', msg()));
    expect(err).toMatchObject({ status: 404, code: 'message_not_found' });
    expect(await rejection(deliverer.update('garbage', msg()))).toMatchObject({ status: 400 });
  });

  it('5xx and Slack internal errors are retryable', async () => {
    slack.cue('chat.postMessage', { status: 503, body: 'upstream down' }, { error: 'internal_error' });
    const http = await rejection(deliverer.send(msg()));
    expect(http).toMatchObject({ status: 503 });
    expect(isRetryable(http)).toBe(true);
    const internal = await rejection(deliverer.send(msg()));
    expect(internal).toMatchObject({ status: 503, code: 'internal_error' });
    expect(isRetryable(internal)).toBe(true);
  });

  it('a network failure passes through as a network error, not a DeliveryError', async () => {
    const port = await closedPort();
    const offline = new SlackDeliverer({
      client: slackWebClient('xoxb-test-token', `http://127.0.0.1:${port}/api/`, logger),
    });
    const err = await offline.send(msg()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).not.toBeInstanceOf(DeliveryError);
    expect(isNetworkError(err)).toBe(true);
  });
});
