/**
 * Posts and edits Lark/Feishu messages (DESIGN §7: keyed, so a retry never double-posts). Every
 * message is an interactive card (render.ts) sent with `uuid = idempotencyToken(msg.key)`: Lark
 * sends at most one message per uuid within an hour, so a retried send returns the first message.
 *
 * - thread → POST /open-apis/im/v1/messages/:message_id/reply {reply_in_thread: true}
 *   (open.feishu.cn/document/server-docs/im-v1/message/reply); when that root message was recalled
 *   or deleted the reply goes to the chat as a new message instead — the employee still gets it.
 * - no thread → POST /open-apis/im/v1/messages?receive_id_type=… (…/im-v1/message/create): `oc_`
 *   chat ids, `ou_` open ids (a DM to a person), `on_` union ids, emails.
 * - update → PATCH /open-apis/im/v1/messages/:message_id {content} (…/im-v1/message/patch); only
 *   cards with `update_multi: true` can be patched, which renderLarkCard always sets.
 *
 * Failures become DeliveryError (deliver-job.ts decides on retries): HTTP 429 or code 99991400 /
 * 230020 → 429 with `x-ogw-ratelimit-reset` (…/api-call-guide/frequency-control); a recalled or
 * missing message (230011, 231003) or one too old to edit (230031) → 404, so delivery posts anew;
 * a rejected tenant token → 401, retryable, with the token cache cleared; 5xx → 5xx; any other code
 * → its 4xx (permanent). No answer at all (connection refused, timeout) is thrown untouched.
 */

import { DeliveryError, idempotencyToken, retryAfterFrom } from '../../src/delivery/errors.ts';
import type { Deliverer, OutboundMessage } from '../../src/inbound/ports.ts';
import { type LarkApi, larkCall, larkFailureOf, TOKEN_REJECTED_CODES } from './api.ts';
import { renderLarkCard } from './render.ts';

/** Rate limited: the gateway's 99991400, and im's "operation triggers the frequency limit". */
const RATE_LIMIT_CODES = new Set([99991400, 230020]);
/** The message is gone (recalled, deleted, not found) or can no longer be edited (older than 14 days). */
const GONE_CODES = new Set([230011, 231003, 230031]);

export interface LarkDelivererOptions {
  api: LarkApi;
  /** @defaultValue 10_000 */
  timeoutMs?: number;
  /** Card language when the body has none. @defaultValue 'zh' */
  defaultLang?: 'zh' | 'en';
}

export type ReceiveIdType = 'chat_id' | 'open_id' | 'union_id' | 'email';

/** Which id a channel is: Lark prefixes its ids (`oc_` chat, `ou_` open id, `on_` union id). */
export function receiveIdType(channel: string): ReceiveIdType {
  if (channel.startsWith('ou_')) return 'open_id';
  if (channel.startsWith('on_')) return 'union_id';
  if (channel.includes('@')) return 'email';
  return 'chat_id';
}

/** A Lark failure as the DeliveryError deliver-job.ts understands; anything else unchanged. */
export function toDeliveryError(err: unknown, api?: LarkApi): unknown {
  const f = larkFailureOf(err);
  if (!f) return err;
  const what = `Lark ${f.code === undefined ? `HTTP ${f.status}` : `code ${f.code}`}: ${f.message}`;
  const base = { code: f.code === undefined ? undefined : String(f.code), cause: err };
  if (f.status === 429 || (f.code !== undefined && RATE_LIMIT_CODES.has(f.code))) {
    return new DeliveryError(what, { ...base, status: 429, retryAfterMs: retryAfterFrom(f.headers) });
  }
  if (f.code !== undefined && GONE_CODES.has(f.code))
    return new DeliveryError(what, { ...base, status: 404 });
  if (f.code !== undefined && TOKEN_REJECTED_CODES.has(f.code)) {
    api?.tokens.clear();
    return new DeliveryError(what, { ...base, status: 401, retryable: true });
  }
  if (f.status >= 500) return new DeliveryError(what, { ...base, status: f.status });
  return new DeliveryError(what, { ...base, status: Math.max(f.status, 400) });
}

export class LarkDeliverer implements Deliverer {
  readonly platform = 'lark';
  readonly #api: LarkApi;
  readonly #timeoutMs: number;
  readonly #lang: 'zh' | 'en';

  constructor(options: LarkDelivererOptions) {
    this.#api = options.api;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#lang = options.defaultLang ?? 'zh';
  }

  async send(msg: OutboundMessage): Promise<{ ref: string }> {
    const content = this.#content(msg);
    const uuid = idempotencyToken(msg.key);
    if (msg.thread) {
      try {
        return await this.#post(`/open-apis/im/v1/messages/${encodeURIComponent(msg.thread)}/reply`, {
          data: { content, msg_type: 'interactive', reply_in_thread: true, uuid },
        });
      } catch (err) {
        // The thread's root was recalled or deleted: say it in the chat rather than not at all.
        if (!(err instanceof DeliveryError && err.status === 404)) throw err;
      }
    }
    return this.#post('/open-apis/im/v1/messages', {
      params: { receive_id_type: receiveIdType(msg.channel) },
      data: { receive_id: msg.channel, content, msg_type: 'interactive', uuid },
    });
  }

  async update(ref: string, msg: OutboundMessage): Promise<void> {
    try {
      await larkCall(this.#api, {
        method: 'PATCH',
        path: `/open-apis/im/v1/messages/${encodeURIComponent(ref)}`,
        data: { content: this.#content(msg) },
        timeoutMs: this.#timeoutMs,
      });
    } catch (err) {
      throw toDeliveryError(err, this.#api);
    }
  }

  #content(msg: OutboundMessage): string {
    const card = renderLarkCard(msg.body, {
      chat: msg.channel,
      thread: msg.thread,
      key: msg.key,
      lang: msg.body.lang ?? this.#lang,
    });
    return JSON.stringify(card);
  }

  async #post(
    path: string,
    req: { params?: Record<string, string>; data: Record<string, unknown> },
  ): Promise<{ ref: string }> {
    let res: Awaited<ReturnType<typeof larkCall>>;
    try {
      res = await larkCall(this.#api, { method: 'POST', path, ...req, timeoutMs: this.#timeoutMs });
    } catch (err) {
      throw toDeliveryError(err, this.#api);
    }
    const id = res.data?.message_id;
    if (typeof id !== 'string' || id === '') {
      throw new DeliveryError(`Lark answered ${path} without a message_id`, { status: 502 });
    }
    return { ref: id };
  }
}
