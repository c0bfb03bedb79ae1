/**
 * Posts and edits our messages in Slack (DESIGN §5 "outbound job → adapter.send"). Slack has no
 * idempotency key, so each message carries its key as message metadata (`helpline_message`):
 * `lookup` finds a message already posted for a key in the thread or the channel's recent history,
 * which lets the delivery job avoid a double post after an attempt of unknown outcome.
 */

import { DeliveryError } from '../../src/delivery/errors.ts';
import type { Deliverer, OutboundMessage } from '../../src/inbound/ports.ts';
import { renderSlackBlocks } from './render.ts';
import { type SlackWebClient, toDeliveryError } from './web-client.ts';

/** Message metadata event type marking our messages (read back with include_all_metadata). */
export const METADATA_EVENT_TYPE = 'helpline_message';

export interface SlackDelivererOptions {
  /** A bot-token client from `slackWebClient` (no SDK retries, 429s rejected). */
  client: SlackWebClient;
  /** Language of labels when the body has none. @defaultValue 'en' */
  lang?: 'zh' | 'en';
  /** Thread replies read per page by `lookup`, and pages read at most. @defaultValue 200, 5 */
  lookupPageSize?: number;
  lookupMaxPages?: number;
}

interface SlackMessageLike {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export class SlackDeliverer implements Deliverer {
  readonly platform = 'slack' as const;
  readonly #client: SlackWebClient;
  readonly #lang: 'zh' | 'en';
  readonly #pageSize: number;
  readonly #maxPages: number;
  /** User id → the app's DM channel with them (users are sent to by id; history needs the D… id). */
  readonly #dms = new Map<string, string>();

  constructor(options: SlackDelivererOptions) {
    this.#client = options.client;
    this.#lang = options.lang ?? 'en';
    this.#pageSize = options.lookupPageSize ?? 200;
    this.#maxPages = options.lookupMaxPages ?? 5;
  }

  async send(msg: OutboundMessage): Promise<{ ref: string }> {
    const rendered = this.#render(msg);
    const args = {
      channel: msg.channel,
      text: rendered.text,
      blocks: rendered.blocks,
      metadata: { event_type: METADATA_EVENT_TYPE, event_payload: { key: msg.key } },
      unfurl_links: false,
      unfurl_media: false,
      ...(msg.thread ? { thread_ts: msg.thread } : {}),
    };
    try {
      // biome-ignore lint/suspicious/noExplicitAny: blocks are built by render.ts, not typed as the SDK's union
      const res = await this.#client.chat.postMessage(args as any);
      const channel = res.channel ?? msg.channel;
      if (channel !== msg.channel) this.#dms.set(msg.channel, channel);
      return { ref: `${channel}:${res.ts}` };
    } catch (err) {
      throw toDeliveryError(err, 'chat.postMessage');
    }
  }

  async update(ref: string, msg: OutboundMessage): Promise<void> {
    const [channel, ts] = splitRef(ref);
    const rendered = this.#render(msg);
    const payload: Record<string, unknown> = { key: msg.key };
    if (msg.updateOf) payload.updateOf = msg.updateOf;
    try {
      await this.#client.chat.update({
        channel,
        ts,
        text: rendered.text,
        // biome-ignore lint/suspicious/noExplicitAny: see send
        blocks: rendered.blocks as any,
        // The edit's own key, so `lookup` of this edit finds it once it is done.
        metadata: { event_type: METADATA_EVENT_TYPE, event_payload: payload as Record<string, string> },
      });
    } catch (err) {
      throw toDeliveryError(err, 'chat.update');
    }
  }

  async lookup(msg: OutboundMessage): Promise<{ ref: string } | undefined> {
    try {
      const channel = await this.#conversation(msg.channel);
      const found = msg.thread
        ? await this.#findInThread(channel, msg.thread, msg.key)
        : await this.#findInHistory(channel, msg.key);
      return found ? { ref: `${channel}:${found}` } : undefined;
    } catch (err) {
      const mapped = toDeliveryError(err, 'lookup');
      // No such thread: nothing was posted in it.
      if (mapped instanceof Error && 'code' in mapped && mapped.code === 'thread_not_found') return undefined;
      throw mapped;
    }
  }

  #render(msg: OutboundMessage) {
    return renderSlackBlocks(msg.body, {
      chat: msg.channel,
      key: msg.key,
      lang: msg.body.lang ?? this.#lang,
      ...(msg.thread ? { thread: msg.thread } : {}),
    });
  }

  /** The conversation id to read history from: a user id becomes the app's DM with them. */
  async #conversation(channel: string): Promise<string> {
    if (!/^[UW]/.test(channel)) return channel;
    const known = this.#dms.get(channel);
    if (known) return known;
    const res = await this.#client.conversations.open({ users: channel });
    const id = res.channel?.id ?? channel;
    this.#dms.set(channel, id);
    return id;
  }

  async #findInThread(channel: string, thread: string, key: string): Promise<string | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < this.#maxPages; page++) {
      const res = await this.#client.conversations.replies({
        channel,
        ts: thread,
        include_all_metadata: true,
        limit: this.#pageSize,
        ...(cursor ? { cursor } : {}),
      });
      const hit = findKey(res.messages as SlackMessageLike[] | undefined, key);
      if (hit) return hit;
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) return undefined;
    }
    return undefined;
  }

  /** Newest first: a message of unknown outcome was posted moments ago, so one page is enough. */
  async #findInHistory(channel: string, key: string): Promise<string | undefined> {
    const res = await this.#client.conversations.history({
      channel,
      include_all_metadata: true,
      limit: 100,
    });
    return findKey(res.messages as SlackMessageLike[] | undefined, key);
  }
}

function findKey(messages: SlackMessageLike[] | undefined, key: string): string | undefined {
  for (const m of messages ?? []) {
    if (m.metadata?.event_type === METADATA_EVENT_TYPE && m.metadata.event_payload?.key === key && m.ts)
      return m.ts;
  }
  return undefined;
}

/** `C123:1700000000.000100` → ['C123', '1700000000.000100']. */
export function splitRef(ref: string): [string, string] {
  const at = ref.indexOf(':');
  if (at <= 0 || at === ref.length - 1)
    throw new DeliveryError(`Not a Slack message ref (channel:ts): ${ref}`, { status: 400, code: 'bad_ref' });
  return [ref.slice(0, at), ref.slice(at + 1)];
}
