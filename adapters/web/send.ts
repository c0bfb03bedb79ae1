/**
 * The web chat's Deliverer: "sending" is storing the bot's message in the conversation (channel =
 * thread id), which the SSE stream and GET messages then show. The reference is the stored
 * message's id.
 *
 * Idempotent by key: the stored message's id is derived from the delivery key, so a send repeated
 * for any reason — a retry after a crash between storing and recording "sent", another process —
 * finds the message already there and stores nothing new. Within this process recent keys are also
 * remembered, which saves the round trip.
 */
import { createHash } from 'node:crypto';
import type { ConversationStore } from '../../src/conversations/types.ts';
import { DeliveryError } from '../../src/delivery/errors.ts';
import { isHelplineError } from '../../src/errors.ts';
import type { Deliverer, OutboundMessage } from '../../src/inbound/ports.ts';

export interface WebDelivererOptions {
  store: ConversationStore;
  /** Keys remembered in this process. @defaultValue 10000 */
  remember?: number;
}

export class WebDeliverer implements Deliverer {
  readonly platform = 'web';
  readonly #store: ConversationStore;
  readonly #remember: number;
  /** key → stored message id (or the store call in flight), oldest first. */
  readonly #sent = new Map<string, Promise<string>>();

  constructor(options: WebDelivererOptions) {
    this.#store = options.store;
    this.#remember = options.remember ?? 10_000;
  }

  async send(msg: OutboundMessage): Promise<{ ref: string }> {
    let pending = this.#sent.get(msg.key);
    if (!pending) {
      pending = this.#write(msg);
      this.#sent.set(msg.key, pending);
      // A failed store is forgotten so the retry stores again.
      pending.catch(() => this.#sent.delete(msg.key));
      if (this.#sent.size > this.#remember) this.#sent.delete(this.#sent.keys().next().value!);
    }
    return { ref: await pending };
  }

  async #write(msg: OutboundMessage): Promise<string> {
    const { body } = msg;
    try {
      const stored = await this.#store.addMessage(msg.channel, {
        id: messageIdOf(msg.key),
        author: body.author ?? 'bot',
        text: body.text,
        ...(body.citations ? { citations: body.citations } : {}),
        ...(body.buttons ? { buttons: body.buttons } : {}),
        ...(body.ticket ? { ticket: body.ticket } : {}),
      });
      return stored.id;
    } catch (err) {
      // The thread is gone: no retry can deliver it.
      if (isHelplineError(err, 'NOT_FOUND')) {
        throw new DeliveryError(`Web thread ${msg.channel} does not exist.`, {
          status: 404,
          code: 'NOT_FOUND',
          cause: err,
        });
      }
      throw err;
    }
  }
}

/** The web message a delivery key stores: the same key, the same id (UUID-shaped, from SHA-256). */
export function messageIdOf(key: string): string {
  const h = createHash('sha256').update(`web-delivery:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
