/**
 * What a chat platform (Lark, Slack) plugs into the runtime (DESIGN §5): its webhook routes on the
 * one HTTP server, its long connection (Lark WSClient, Slack Socket Mode), its Deliverer and its
 * user profiles. Inbound, a channel only verifies, parses and hands the normalized event to
 * `accept` — which deduplicates and enqueues — then acks; it never answers inside the handler.
 */
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Deliverer } from '../src/delivery/types.ts';
import type { EmployeeProfile } from '../src/handoff/context-packet.ts';
import type { Metrics } from '../src/ops/metrics.ts';
import type { InboundEvent } from './types.ts';

export type AcceptResult = 'queued' | 'duplicate';

export interface ChannelDeps {
  /**
   * Takes a verified, parsed event: deduplicated by its event id, then queued (or refused as a
   * duplicate). Resolves once it is safely queued: only then may the platform be acked. Rejects when
   * it could not be queued: answer 5xx (webhook) / do not ack so the platform redelivers.
   */
  accept(event: InboundEvent): Promise<AcceptResult>;
  logger: Logger;
  /** webhookRejected (401s by reason), ackSeconds, eventsDeduplicated. */
  metrics: Pick<Metrics, 'webhookRejected' | 'ackSeconds' | 'eventsDeduplicated'>;
  /** @defaultValue Date.now */
  now?: () => number;
}

/** Names and departments from the platform's user API, cached. */
export interface ProfileSource {
  /** The user's profile; undefined when the platform does not know them or cannot be asked now. */
  profile(userId: string): Promise<EmployeeProfile | undefined>;
}

export interface ChatChannel {
  readonly platform: 'lark' | 'slack';
  /** Webhook routes with absolute paths ('/lark/events', '/slack/events'), mounted on the server. */
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
