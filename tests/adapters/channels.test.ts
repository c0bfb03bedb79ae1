/**
 * Every channel production runs passes the one ChatChannel contract (channel.contract.ts): Lark in
 * webhook mode and Slack over HTTP against their local stand-ins, with recorded payloads signed as
 * the platforms sign them, and the web chat on the embedded database. The Slack fixtures are also
 * checked against Slack's published event-wrapper schema (../shared/specs).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { createLarkChannel } from '../../adapters/lark/index.ts';
import { createSlackChannel } from '../../adapters/slack/index.ts';
import { createWebChannel } from '../../adapters/web/index.ts';
import { createChatAccess } from '../../src/access/chat-access.ts';
import { PgConversationStore } from '../../src/conversations/pg-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPglite, startPgliteEngine } from '../../src/store/pglite.ts';
import { type LarkApiStandIn, startLarkApiStandIn } from '../support/lark-api-stand-in.ts';
import { SlackApiStandIn } from '../support/slack-api-stand-in.ts';
import { type ChannelCase, type ChannelRequest, chatChannelContract } from './channel.contract.ts';
import { ENCRYPT_KEY, larkRequest, TOKEN } from './lark/helpers.ts';
import { recorder, SIGNING_SECRET, BOT as SLACK_BOT, NOW as SLACK_NOW } from './slack/harness.ts';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('ChatChannel contract: Lark/Feishu (webhook)', () => {
  const NOW = 1_735_689_601_000;
  let lark: LarkApiStandIn | undefined;
  chatChannelContract(async (): Promise<ChannelCase> => {
    if (!lark) {
      lark = await startLarkApiStandIn();
      const standIn = lark;
      cleanups.push(() => standIn.close());
    }
    const standIn = lark;
    const rec = recorder(() => NOW);
    const channel = createLarkChannel(
      {
        appId: standIn.appId,
        appSecret: standIn.appSecret,
        domain: standIn.url,
        mode: 'webhook',
        encryptKey: ENCRYPT_KEY,
        verificationToken: TOKEN,
      },
      rec.deps,
    );
    await channel.start();
    cleanups.push(() => channel.stop());
    const post = (event: unknown): ChannelRequest => {
      const req = larkRequest(event, { encryptKey: ENCRYPT_KEY, nowMs: NOW });
      return { path: '/lark/events', init: { method: 'POST', headers: req.headers, body: req.body } };
    };
    const fixture = (name: string) => JSON.parse(read(`./lark/fixtures/${name}`));
    return {
      channel,
      rec,
      message: () => post(fixture('im_message_p2p_text.json')),
      button: () => post(fixture('card_action_trigger.json')),
      foreign: () => post(fixture('im_message_from_app.json')),
      tampered: () => {
        const req = post(fixture('im_message_p2p_text.json'));
        return {
          ...req,
          init: { ...req.init, body: String(req.init.body).replace('{"encrypt":"', '{"encrypt": "') },
        };
      },
      garbage: () => ({ path: '/lark/events', init: { method: 'POST', body: 'not json at all' } }),
      chat: 'oc_contract_chat',
      posted: async (chat) => standIn.messages.filter((m) => m.chat_id === chat).map((m) => m.content),
    };
  });
});

describe('ChatChannel contract: Slack (HTTP events)', () => {
  let slack: SlackApiStandIn | undefined;
  chatChannelContract(async (): Promise<ChannelCase> => {
    if (!slack) {
      slack = await new SlackApiStandIn(SLACK_BOT).start();
      const standIn = slack;
      cleanups.push(() => standIn.stop());
    }
    const standIn = slack;
    const rec = recorder(() => SLACK_NOW);
    const channel = createSlackChannel(
      { botToken: 'xoxb-contract', signingSecret: SIGNING_SECRET, apiUrl: standIn.apiUrl },
      rec.deps,
    );
    await channel.start();
    cleanups.push(() => channel.stop());
    const signed = (raw: string, contentType: string, body = raw): ChannelRequest => {
      const ts = String(Math.floor(SLACK_NOW / 1000));
      const sig = createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${raw}`).digest('hex');
      return {
        path: '/slack/events',
        init: {
          method: 'POST',
          headers: {
            'content-type': contentType,
            'x-slack-request-timestamp': ts,
            'x-slack-signature': `v0=${sig}`,
          },
          body,
        },
      };
    };
    const event = (name: string) => signed(read(`./slack/fixtures/${name}`).trim(), 'application/json');
    const action = (name: string) => {
      const payload = read(`./slack/fixtures/${name}`).trim();
      return signed(`payload=${encodeURIComponent(payload)}`, 'application/x-www-form-urlencoded');
    };
    return {
      channel,
      rec,
      message: () => event('app_mention.json'),
      button: () => action('block_actions.json'),
      foreign: () => event('own_message.json'),
      tampered: () => {
        const raw = read('./slack/fixtures/app_mention.json').trim();
        return signed(raw, 'application/json', raw.replace('"type"', ' "type"'));
      },
      garbage: () => signed('not json at all', 'application/json'),
      chat: 'C0CONTRACT',
      posted: async (chat) => standIn.messages.filter((m) => m.channel === chat).map((m) => m.text),
    };
  });

  it('the inbound fixtures are Slack event wrappers as Slack publishes their schema', () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../../shared/specs/slack-event-wrapper-schema.json', import.meta.url), 'utf8'),
    );
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const name of ['app_mention', 'message_im', 'thread_reply', 'bot_message', 'own_message']) {
      const ok = validate(JSON.parse(read(`./slack/fixtures/${name}.json`)));
      expect(ok, `${name}.json: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});

describe('ChatChannel contract: web chat', () => {
  let engine: Promise<PGlite> | undefined;
  let n = 0;
  chatChannelContract(async (): Promise<ChannelCase> => {
    engine ??= startPgliteEngine();
    const db = await openPglite({ engine: await engine, schema: `channels_${++n}` });
    await migrate(db);
    const store = new PgConversationStore({ db });
    const rec = recorder(() => Date.now());
    const channel = createWebChannel(rec.deps, {
      store,
      access: createChatAccess({ open: true, streamsPerUser: 20 }),
    });
    const thread = await store.createThread('emp-a');
    const answer = await store.addMessage(thread, { author: 'bot', text: 'An answer to rate' });
    const json = (path: string, body: string): ChannelRequest => ({
      path,
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body },
    });
    return {
      channel,
      rec,
      message: () =>
        json(
          '/api/chat/messages',
          JSON.stringify({ userId: 'emp-a', text: '怎么请年假？', threadId: thread }),
        ),
      button: () =>
        json('/api/chat/feedback', JSON.stringify({ threadId: thread, messageId: answer.id, helpful: true })),
      garbage: () => json('/api/chat/messages', 'not json at all'),
      chat: thread,
      posted: async (chat) => (await store.listMessages(chat)).map((m) => m.text),
    };
  });
});
