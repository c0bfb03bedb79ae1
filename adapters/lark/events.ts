/**
 * Inbound Lark events, one path for both transports: the SDK's EventDispatcher (fed by the webhook
 * route or by WSClient) decrypts and routes by event type to our handlers, which run the pure
 * parseLark and hand the normalized event to `accept` (dedupe + enqueue). Nothing is answered here.
 *
 * The dispatcher gives handlers the event flattened (header fields and event fields merged into one
 * object); `envelopeOf` puts back the schema 2.0 shape parseLark reads. The flattening loses
 * header.token where the event has its own `token` (card callbacks): the webhook checks the token
 * before dispatching, and the long connection is authenticated by the SDK, so nothing needs it later.
 *
 * A handler's result carries its outcome under a symbol key, so JSON (the long connection's ack
 * data, a card callback's answer) sees `{}` while the webhook route reads the outcome.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { ChannelDeps, InboundEvent } from '../../src/inbound/ports.ts';
import { parseLark } from './parse.ts';
import { sdkLogger } from './sdk-logger.ts';

export const HANDLED_EVENT_TYPES = [
  'im.message.receive_v1',
  'card.action.trigger',
  'application.bot.menu_v6',
] as const;

export type InboundOutcome =
  | { kind: 'queued' | 'duplicate'; event: InboundEvent }
  | { kind: 'ignored' | 'malformed'; reason: string; eventId?: string };

const OUTCOME = Symbol('lark.inbound.outcome');

type HandlerResult = { [OUTCOME]: InboundOutcome };

/** The outcome a handler attached to its result; undefined for results not from our handlers. */
export function outcomeOf(result: unknown): InboundOutcome | undefined {
  if (result && typeof result === 'object' && OUTCOME in result) return (result as HandlerResult)[OUTCOME];
  return undefined;
}

const HEADER_KEYS = new Set(['event_id', 'event_type', 'create_time', 'token', 'app_id', 'tenant_key']);

/** The dispatcher's flattened event back in its schema 2.0 envelope (`{schema, header, event}`). */
export function envelopeOf(data: unknown): unknown {
  if (!data || typeof data !== 'object' || (data as { schema?: unknown }).schema !== '2.0') return data;
  const header: Record<string, unknown> = {};
  const event: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (k === 'schema') continue;
    (HEADER_KEYS.has(k) ? header : event)[k] = v;
  }
  return { schema: '2.0', header, event };
}

export interface LarkInboundOptions extends Pick<ChannelDeps, 'accept' | 'logger' | 'metrics'> {
  /** The bot's open_id once known (group messages must mention it). */
  botOpenId: () => string | undefined;
  now: () => number;
  /** For the webhook: the dispatcher decrypts `{encrypt}` bodies with it. */
  encryptKey?: string;
  verificationToken?: string;
}

export function createLarkDispatcher(options: LarkInboundOptions): lark.EventDispatcher {
  const log: Logger = options.logger.child({ platform: 'lark' });
  const done = (outcome: InboundOutcome): HandlerResult => ({ [OUTCOME]: outcome });

  const handle = async (data: unknown): Promise<HandlerResult> => {
    const parsed = parseLark(envelopeOf(data), options.now(), { botOpenId: options.botOpenId() });
    if ('challenge' in parsed)
      return done({ kind: 'ignored', reason: 'url_verification outside the webhook' });
    if (!parsed.ok) {
      const eventId = (data as { event_id?: unknown })?.event_id;
      const id = typeof eventId === 'string' ? eventId : undefined;
      if (parsed.ignore) log.debug({ eventId: id, reason: parsed.reason }, 'Lark event ignored');
      else log.warn({ eventId: id, reason: parsed.reason }, 'Lark event malformed; acked and dropped');
      return done({ kind: parsed.ignore ? 'ignored' : 'malformed', reason: parsed.reason, eventId: id });
    }
    const event = parsed.event;
    let result: Awaited<ReturnType<ChannelDeps['accept']>>;
    try {
      result = await options.accept(event);
    } catch (err) {
      log.error(
        { eventId: event.eventId, err: err instanceof Error ? err.message : String(err) },
        'Lark event could not be queued; not acked, Lark will redeliver',
      );
      throw err;
    }
    if (result === 'duplicate') options.metrics.eventsDeduplicated.inc({ platform: 'lark' });
    log.debug({ eventId: event.eventId, kind: event.kind, result }, 'Lark event accepted');
    return done({ kind: result, event });
  };

  const dispatcher = new lark.EventDispatcher({
    encryptKey: options.encryptKey,
    verificationToken: options.verificationToken,
    loggerLevel: lark.LoggerLevel.warn,
    // Its warnings are "no <type> handle" for events we do not subscribe to handle: not news.
    logger: sdkLogger(options.logger, { warn: 'debug' }),
  });
  const handles: Record<(typeof HANDLED_EVENT_TYPES)[number], (data: unknown) => Promise<HandlerResult>> = {
    'im.message.receive_v1': handle,
    'card.action.trigger': handle,
    'application.bot.menu_v6': handle,
  };
  dispatcher.register(handles);
  return dispatcher;
}
