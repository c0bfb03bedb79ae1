/** Every chat adapter runs the one ChatAdapter contract (tests/adapters/contract.ts). */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe } from 'vitest';
import { larkAdapter } from '../../adapters/lark/adapter.ts';
import { encryptLarkPayload } from '../../adapters/lark/decrypt.ts';
import { larkSignature } from '../../adapters/lark/verify.ts';
import { slackAdapter } from '../../adapters/slack/adapter.ts';
import { chatAdapterContract } from './contract.ts';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const json = (path: string): unknown => JSON.parse(read(path));

describe('ChatAdapter contract: Lark/Feishu', () => {
  const encryptKey = 'contract-encrypt-key';
  const message = json('./lark/fixtures/im_message_p2p_text.json') as { header: { token?: string } };
  const verificationToken = message.header.token;
  chatAdapterContract(() => {
    const nowMs = 1_760_000_000_000;
    // As Lark sends it with encryption on: compact JSON of {encrypt}, signed over the raw body.
    const rawBody = JSON.stringify({ encrypt: encryptLarkPayload(JSON.stringify(message), encryptKey) });
    return {
      adapter: larkAdapter({
        encryptKey,
        ...(verificationToken ? { verificationToken } : {}),
        botOpenId: 'ou_bot',
      }),
      nowMs,
      rawBody,
      signed: (raw, at) => {
        const timestamp = String(Math.floor(at / 1000));
        const nonce = 'n0nce';
        return {
          headers: {
            'x-lark-request-timestamp': timestamp,
            'x-lark-request-nonce': nonce,
            'x-lark-signature': larkSignature(timestamp, nonce, encryptKey, raw),
          },
          rawBody: raw,
          nowMs: at,
        };
      },
      message,
      action: json('./lark/fixtures/card_action_trigger.json'),
      foreign: json('./lark/fixtures/im_message_from_app.json'),
    };
  });
});

describe('ChatAdapter contract: Slack', () => {
  const signingSecret = 'contract-signing-secret';
  chatAdapterContract(() => {
    const nowMs = 1_760_000_000_000;
    const rawBody = read('./slack/fixtures/app_mention.json').trim();
    return {
      adapter: slackAdapter({ signingSecret, parse: { botUserId: 'U0LAN0Z89', botId: 'B0HELPLINE' } }),
      nowMs,
      rawBody,
      signed: (raw, at) => {
        const timestamp = String(Math.floor(at / 1000));
        const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
        return {
          headers: { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
          rawBody: raw,
          nowMs: at,
        };
      },
      message: JSON.parse(rawBody),
      action: json('./slack/fixtures/block_actions.json'),
      foreign: json('./slack/fixtures/own_message.json'),
    };
  });
});
