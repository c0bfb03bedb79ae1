/**
 * The seam between the core and the chat platforms (DESIGN §5), owned by the core. A platform
 * adapter (adapters/<platform>/) implements `ChatChannel`: it verifies and parses its payloads into
 * one normalized `InboundEvent`, hands it to `accept`, and posts the platform-neutral reply
 * (`OutboundMessage`) through its `Deliverer`. Adapters import this file; nothing under src/ imports
 * adapters/ except the composition root (src/server/).
 */
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Citation, ReplyAction, ReplyButton, TicketRef } from '../assistant/types.ts';
import type { Lang } from '../knowledge/types.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { FormSpec } from './forms.ts';

export type Platform = 'web' | 'slack' | 'lark';
export const PLATFORMS: readonly Platform[] = ['web', 'slack', 'lark'];

// ── inbound ────────────────────────────────────────────────────────────────────────────────────

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
  /** Slack team id, Lark tenant key, 'web'. */
  tenant: string;
  /** Channel or chat id (the web chat: its thread id). */
  chat: string;
  chatType: 'dm' | 'group';
  /** Thread root (Slack thread_ts, Lark root_id); absent for a new top-level message. */
  thread?: string;
  /** The platform's id of this message (Slack ts, Lark message_id, a web message's id). */
  messageId: string;
  /** Sender's platform user id. */
  user: string;
  /** Text with mentions resolved to names and the bot mention removed. */
  text: string;
  mentions: Mention[];
  /** The message is addressed to the bot (a DM, the web chat, or the bot is mentioned). */
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

export type AcceptResult = 'queued' | 'duplicate';

/**
 * Takes a verified, parsed event: deduplicated by its event id, made durable and queued. Resolves
 * once it is safe — only then may the platform be acked. Rejects when it could not be queued: the
 * channel answers 5xx (webhook) or does not ack, so the platform redelivers.
 */
export type Accept = (event: InboundEvent) => Promise<AcceptResult>;

// ── outbound: the reply model ──────────────────────────────────────────────────────────────────

/** What is shown: the platform-neutral part of a reply (adapters render it). JSON only. */
export interface OutboundBody {
  text: string;
  citations?: Citation[];
  buttons?: ReplyButton[];
  ticket?: TicketRef;
  lang?: Lang;
  action?: ReplyAction;
  /** A form to fill in (Lark: inline form card; Slack: a button opening the modal). */
  form?: FormSpec;
  /** Who speaks: the bot (default) or an engineer relayed through it. */
  author?: 'bot' | 'agent';
}

export interface OutboundMessage {
  /**
   * Idempotency key, deterministic from what caused the message (`reply:<inbound message id>`,
   * `status:<ticket id>:<version>`): the same cause always yields the same key, so a retried or
   * redelivered job is recognised. Each distinct post or edit needs its own key.
   */
  key: string;
  platform: Platform;
  /** Where it goes: Slack channel id, Lark chat id, web thread id. Rate limits are per channel. */
  channel: string;
  /** Thread to reply in: Slack thread ts, Lark root message id. Absent: a top-level post. */
  thread?: string;
  body: OutboundBody;
  /**
   * Key of an earlier message to edit in place (a ticket status card). When that message was never
   * delivered, or the platform cannot edit, a new message is posted instead.
   */
  updateOf?: string;
}

/** Where a reply goes and what it answers, for renderers that need it (threading, card ids). */
export interface RenderContext {
  chat: string;
  thread?: string;
  /** Idempotency key of the message (Lark `uuid`). */
  key: string;
  lang: Lang;
}

export interface Deliverer {
  readonly platform: Platform;
  /**
   * Posts the message; resolves to the platform's reference for it (Slack `channel:ts`, Lark
   * message id, web message id). Throws DeliveryError (src/delivery/errors.ts) for an answer from
   * the platform; anything else thrown is treated as a network failure (retried).
   *
   * Platforms with a request idempotency field must pass `idempotencyToken(msg.key)` in it
   * (Lark: `uuid` of im/v1/messages, which dedupes for one hour), closing the window described in
   * delivery-log.ts.
   */
  send(msg: OutboundMessage): Promise<{ ref: string }>;
  /** Replaces the content of the message `ref` (from `send`) with `msg`'s. Optional. */
  update?(ref: string, msg: OutboundMessage): Promise<void>;
  /**
   * Optional: finds a message already posted for `msg.key` (e.g. Slack message metadata in the
   * channel's recent history). Asked only when an earlier attempt's outcome is unknown (the worker
   * died between posting and recording), so a platform without idempotency can still avoid a
   * double post.
   */
  lookup?(msg: OutboundMessage): Promise<{ ref: string } | undefined>;
}

// ── people ─────────────────────────────────────────────────────────────────────────────────────

export interface EmployeeProfile {
  name?: string;
  department?: string;
  /**
   * The work email the platform verified (Slack with the users:read.email scope, Lark with the
   * contact email permission): links the person's Lark, Slack and web identities (one user).
   */
  email?: string;
}

/** Names and departments from the platform's user API, cached. */
export interface ProfileSource {
  /** The user's profile; undefined when the platform does not know them or cannot be asked now. */
  profile(userId: string): Promise<EmployeeProfile | undefined>;
}

// ── the channel ────────────────────────────────────────────────────────────────────────────────

/** What the composition root gives every channel. */
export interface ChannelDeps {
  accept: Accept;
  logger: Logger;
  /** webhookRejected (401s by reason), ackSeconds, eventsDeduplicated. */
  metrics: Pick<Metrics, 'webhookRejected' | 'ackSeconds' | 'eventsDeduplicated'>;
  /** @defaultValue Date.now */
  now?: () => number;
}

/**
 * A chat platform plugged into the runtime: its inbound routes on the one HTTP server, its long
 * connection (Lark WSClient, Slack Socket Mode), its Deliverer and its user profiles. Inbound, a
 * channel only verifies, parses and hands the normalized event to `accept`, then acks; it never
 * answers inside the handler.
 */
export interface ChatChannel {
  readonly platform: Platform;
  /** Routes with absolute paths ('/lark/events', '/slack/events', '/api/chat/…'), mounted on the server. */
  routes?: Hono;
  deliverer: Deliverer;
  profiles: ProfileSource;
  /**
   * Connects what must be connected (long connection / Socket Mode; the bot's identity) and resolves
   * to one line for the startup banner, e.g. "Lark: long connection as Helpline (cli_a1…)".
   */
  start(): Promise<string>;
  stop(): Promise<void>;
}
