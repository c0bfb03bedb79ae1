/**
 * The one place that names conversations, messages and users across platforms.
 *
 * - A conversation (our thread, what tickets' `threadId` hold) is `platform:chat:root` for chat
 *   platforms — `slack:C1:1712.0001`, `lark:oc_1:om_root` — and the web chat's own thread id, which
 *   has no colon.
 * - A stored inbound message is `platform:messageId` (`slack:1712.0002`, `web:9f…`): deterministic,
 *   so a redelivered event or a retried job stores it once and its reply is keyed once.
 * - A user is `platform:id` (`slack:U1`, `lark:ou_1`), the form config roles use; web chat users are
 *   the bare id they sign in or chat as (`emp-a`).
 */
import { type InboundEvent, PLATFORMS, type Platform } from './ports.ts';

/** The user across platforms: `lark:ou_1`, `slack:U1`; the web chat's user as is. */
export const userKey = (e: Pick<InboundEvent, 'platform' | 'user'>) =>
  e.platform === 'web' ? e.user : `${e.platform}:${e.user}`;

/**
 * The root of the event's thread, where replies go. A message: its thread, else itself (a reply
 * starts a thread under it). A button: the thread of the message it is on (Slack says; Lark cards
 * carry it in the button value, else a reply to the card itself lands in the card's thread).
 * Undefined for a form submitted from a Slack modal, which belongs to no message.
 */
export function threadRoot(e: InboundEvent): string | undefined {
  if (e.kind === 'message') return e.thread ?? e.messageId;
  return e.thread ?? e.action?.value?.thread ?? (e.platform === 'lark' ? e.action?.messageRef : undefined);
}

/** Our conversation for the event: `lark:oc_1:om_root`; the web chat's thread id. */
export function conversationId(e: InboundEvent): string {
  if (e.platform === 'web') return e.chat;
  return `${e.platform}:${e.chat}:${threadRoot(e) ?? e.chat}`;
}

/** Id of the stored message an event carries (messages, and buttons that speak for the user). */
export const messageKey = (e: InboundEvent) =>
  `${e.platform}:${e.kind === 'action' ? `action:${e.eventId}` : e.messageId}`;

export interface ConversationAddress {
  platform: Platform;
  chat: string;
  thread: string;
}

/**
 * Where a conversation lives: "slack:C1:171.1" → slack / C1 / 171.1; a bare id (the web chat's own
 * thread ids) → web / id / id. Undefined when unreadable.
 */
export function parseConversationId(id: string): ConversationAddress | undefined {
  if (id && !id.includes(':')) return { platform: 'web', chat: id, thread: id };
  const [platform, chat, ...rest] = id.split(':');
  if (!PLATFORMS.includes(platform as Platform) || !chat) return undefined;
  return { platform: platform as Platform, chat, thread: rest.length ? rest.join(':') : chat };
}

/** The platform and id of a user key (`slack:U1` → slack / U1); undefined for web users. */
export function parseUserKey(key: string): { platform: Exclude<Platform, 'web'>; id: string } | undefined {
  const i = key.indexOf(':');
  const platform = key.slice(0, i);
  if (platform !== 'lark' && platform !== 'slack') return undefined;
  return { platform, id: key.slice(i + 1) };
}
