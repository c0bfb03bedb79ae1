/**
 * What Slack and Lark/Feishu POST to a webhook, built the way the platforms build it, and a
 * keep-alive client that sends a raw body with its headers (the signature covers the exact bytes).
 *
 * - Slack Events API: `event_callback` JSON around a `message` event in the app's DM with a user
 *   (`channel_type: 'im'`), signed `X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:ts:body"))`
 *   with `X-Slack-Request-Timestamp` (api.slack.com/authentication/verifying-requests-from-slack).
 * - Lark event schema 2.0 `im.message.receive_v1`, a p2p text message, compact JSON encrypted
 *   (AES-256-CBC, `{"encrypt": …}`) and signed `X-Lark-Signature = hex(sha256(ts + nonce + key +
 *   body))`, as tests/adapters/lark/helpers.ts `larkRequest` does.
 *
 * Every request has its own event id and message id/ts, so deduplication never answers early.
 */
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { encryptLarkPayload } from '../../adapters/lark/decrypt.ts';
import { larkSignature } from '../../adapters/lark/verify.ts';

export interface WebhookRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** What the answer to this inbound message is threaded under: Slack `ts`, Lark `message_id`. */
  threadRef: string;
}

export interface SlackSetup {
  signingSecret: string;
  teamId: string;
  botUserId: string;
}

/** The bench's employees on Slack: user U0BENCH…, their DM with the app D0BENCH…. */
export const slackUser = (k: number) => `U0BENCH${String(k).padStart(5, '0')}`;
export const slackDm = (k: number) => `D0BENCH${String(k).padStart(5, '0')}`;

let slackSeq = 0;

export function slackMessageRequest(
  setup: SlackSetup,
  user: number,
  text: string,
  eventId: string,
  nowMs = Date.now(),
): WebhookRequest {
  const sec = Math.floor(nowMs / 1000);
  // Unique in the run (the sequence never repeats), shaped like Slack's "seconds.micros".
  const ts = `${sec}.${String(++slackSeq % 1_000_000).padStart(6, '0')}`;
  const body = JSON.stringify({
    token: 'bench-legacy-token',
    team_id: setup.teamId,
    api_app_id: 'A0HELPLINE',
    event: {
      type: 'message',
      user: slackUser(user),
      text,
      ts,
      client_msg_id: `${eventId}-client`,
      team: setup.teamId,
      channel: slackDm(user),
      channel_type: 'im',
      event_ts: ts,
    },
    type: 'event_callback',
    event_id: eventId,
    event_time: sec,
    authorizations: [{ team_id: setup.teamId, user_id: setup.botUserId, is_bot: true }],
  });
  const stamp = String(sec);
  const sig = createHmac('sha256', setup.signingSecret).update(`v0:${stamp}:${body}`).digest('hex');
  return {
    path: '/slack/events',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': stamp,
      'x-slack-signature': `v0=${sig}`,
    },
    body,
    threadRef: ts,
  };
}

export interface LarkSetup {
  encryptKey: string;
  verificationToken: string;
  appId: string;
  tenantKey: string;
}

/** The bench's employees on Lark: open id ou_bench…, their p2p chat with the bot oc_p2p_bench…. */
export const larkUser = (k: number) => `ou_bench${String(k).padStart(24, '0')}`;
export const larkDm = (k: number) => `oc_p2p_bench${String(k).padStart(20, '0')}`;

export function larkMessageRequest(
  setup: LarkSetup,
  user: number,
  text: string,
  eventId: string,
  nowMs = Date.now(),
): WebhookRequest {
  const messageId = `om_${randomBytes(16).toString('hex')}`;
  const event = {
    schema: '2.0',
    header: {
      event_id: eventId,
      event_type: 'im.message.receive_v1',
      create_time: String(nowMs),
      token: setup.verificationToken,
      app_id: setup.appId,
      tenant_key: setup.tenantKey,
    },
    event: {
      sender: {
        sender_id: { open_id: larkUser(user) },
        sender_type: 'user',
        tenant_key: setup.tenantKey,
      },
      message: {
        message_id: messageId,
        create_time: String(nowMs),
        chat_id: larkDm(user),
        chat_type: 'p2p',
        message_type: 'text',
        content: JSON.stringify({ text }),
      },
    },
  };
  const body = JSON.stringify({ encrypt: encryptLarkPayload(JSON.stringify(event), setup.encryptKey) });
  const ts = String(Math.floor(nowMs / 1000));
  const nonce = randomBytes(8).toString('hex');
  return {
    path: '/lark/events',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-lark-request-timestamp': ts,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': larkSignature(ts, nonce, setup.encryptKey, body),
    },
    body,
    threadRef: messageId,
  };
}

export interface RawResponse {
  status: number;
  body: string;
}

export interface RawClient {
  post(req: Pick<WebhookRequest, 'path' | 'headers' | 'body'>): Promise<RawResponse>;
  close(): void;
}

/**
 * Keep-alive POSTs of raw bodies to one server, at most `maxSockets` connections (beyond them
 * requests wait in the agent, and that wait counts, as in a platform's sender pool).
 */
export function rawClient(baseUrl: string, options: { maxSockets: number; timeoutMs: number }): RawClient {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  return {
    post(r) {
      const payload = Buffer.from(r.body, 'utf8');
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: base.hostname,
            port: base.port,
            method: 'POST',
            path: r.path,
            agent,
            timeout: options.timeoutMs,
            headers: { ...r.headers, 'content-length': payload.length },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
            );
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
