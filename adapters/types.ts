/**
 * The ChatAdapter seam (DESIGN §5): every platform turns its payloads into one normalized inbound
 * event and renders one platform-neutral reply. `verify` and `parse` are pure — no SDK, no core
 * module, the clock passed in — so they are tested with recorded payloads in milliseconds.
 */
import type { OutboundBody } from '../src/delivery/types.ts';

export type Platform = 'web' | 'slack' | 'lark';

export interface Mention {
  /** Platform user id (Slack U…, Lark open_id ou_…). */
  id: string;
  name?: string;
  /** The mention is the bot itself. */
  isBot?: boolean;
}

/** A button press or a submitted form (Slack block_actions / view_submission, Lark card.action.trigger). */
export interface InboundAction {
  /** Our stable action id: feedback_up, feedback_down, handoff, claim, escalate, resolve, rate, form_submit… */
  id: string;
  /** The button's value, parsed from the JSON we put in it when rendering. */
  value?: Record<string, string>;
  /** Submitted form fields (payroll-anomaly form). */
  form?: Record<string, string>;
  /** The platform message the button was on (to update the card in place). */
  messageRef?: string;
}

export interface InboundEvent {
  platform: Platform;
  /** Slack team id, Lark tenant key. */
  tenant: string;
  /** Channel or chat id. */
  chat: string;
  chatType: 'dm' | 'group';
  /** Thread root (Slack thread_ts, Lark root_id); absent for a new top-level message. */
  thread?: string;
  /** The platform's id of this message (Slack ts, Lark message_id). */
  messageId: string;
  /** Sender's platform user id. */
  user: string;
  /** Text with mentions resolved to names and the bot mention removed. */
  text: string;
  mentions: Mention[];
  /** The message is addressed to the bot (a DM, or the bot is mentioned). */
  addressed: boolean;
  /** Platform event id, for deduplication (Slack event_id, Lark header.event_id). */
  eventId: string;
  /** The event's own timestamp (ms), when the platform gives one. */
  sentAt?: number;
  kind: 'message' | 'action';
  action?: InboundAction;
}

export type ParseResult =
  | { ok: true; event: InboundEvent }
  /** Valid but not for us (another bot, our own message, an unsupported event type): acked and logged. */
  | { ok: false; ignore: true; reason: string }
  /** Malformed: acked (the platform must not retry garbage), counted and logged with the reason. */
  | { ok: false; ignore: false; reason: string };

export interface VerifyInput {
  headers: Record<string, string | undefined>;
  /** The raw request body exactly as received: signatures cover bytes, not parsed JSON. */
  rawBody: string;
  nowMs: number;
}

export type VerifyFailure = 'signature' | 'timestamp' | 'token' | 'malformed';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure; message: string };

/** Where a reply goes and what it answers, for renderers that need it (threading, card ids). */
export interface RenderContext {
  chat: string;
  thread?: string;
  /** Idempotency key of the message (Lark `uuid`). */
  key: string;
  lang: 'zh' | 'en';
}

export interface ChatAdapter<Rendered = unknown> {
  readonly platform: Platform;
  verify(input: VerifyInput): VerifyResult;
  parse(body: unknown, nowMs: number): ParseResult;
  render(body: OutboundBody, ctx: RenderContext): Rendered;
}
