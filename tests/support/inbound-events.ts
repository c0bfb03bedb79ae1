/** Inbound events as the adapters hand them to the pipeline, for tests below the adapters. */
import type { InboundEvent } from '../../src/inbound/ports.ts';

let seq = 0;

/** A message addressed to the bot (a DM unless `where` says otherwise), with fresh message and event ids. */
export function chatMessage(
  text: string,
  where: Pick<InboundEvent, 'platform' | 'chat' | 'thread' | 'user'> & Partial<InboundEvent>,
): InboundEvent {
  return {
    tenant: 't1',
    chatType: 'dm',
    messageId: `om_${++seq}`,
    text,
    mentions: [],
    addressed: true,
    eventId: `ev_${seq}`,
    kind: 'message',
    ...where,
  };
}

/** A press of a triage card's button `id` for `ticket` by `user`, in a Lark group unless `where` says otherwise. */
export function cardButton(
  id: string,
  ticket: string,
  user: string,
  where: Partial<InboundEvent> = {},
): InboundEvent {
  return {
    platform: 'lark',
    tenant: 't1',
    chat: 'oc_triage',
    chatType: 'group',
    messageId: `om_card_${++seq}`,
    user,
    text: '',
    mentions: [],
    addressed: true,
    eventId: `ev_${seq}`,
    kind: 'action',
    action: { id, value: { ticket } },
    ...where,
  };
}
