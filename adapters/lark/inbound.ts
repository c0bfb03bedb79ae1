/**
 * Inbound Lark events, one function for both transports: the webhook (webhook.ts, after verifying
 * and decrypting the request once) and the long connection (ws.ts, whose frames arrive plain and
 * authenticated) hand it the plain schema 2.0 body; it runs the pure parseLark and gives the
 * normalized event to `accept`. Nothing is answered here. A rejection of `accept` propagates: the
 * webhook answers 500 and the long connection acks 500, so Lark redelivers.
 */
import type { ChannelDeps, InboundEvent } from '../../src/inbound/ports.ts';
import { parseLark } from './parse.ts';

export type LarkInboundOutcome =
  | { kind: 'queued' | 'duplicate'; event: InboundEvent }
  | { kind: 'ignored' | 'malformed'; reason: string; eventId?: string }
  | { kind: 'challenge'; challenge: string };

export interface LarkInboundOptions extends Pick<ChannelDeps, 'accept' | 'logger' | 'metrics'> {
  /** The bot's open_id once known (group messages must mention it). */
  botOpenId: () => string | undefined;
  now: () => number;
}

export type LarkInbound = (body: unknown) => Promise<LarkInboundOutcome>;

export function larkInbound(options: LarkInboundOptions): LarkInbound {
  const log = options.logger.child({ platform: 'lark' });
  return async (body) => {
    const parsed = parseLark(body, options.now(), { botOpenId: options.botOpenId() });
    if ('challenge' in parsed) return { kind: 'challenge', challenge: parsed.challenge };
    if (!parsed.ok) {
      const eventId = eventIdOf(body);
      if (parsed.ignore) log.debug({ eventId, reason: parsed.reason }, 'Lark event ignored');
      else {
        options.metrics.webhookRejected.inc({ platform: 'lark', reason: 'malformed' });
        log.warn({ eventId, reason: parsed.reason }, 'Lark event malformed; acked and dropped');
      }
      return { kind: parsed.ignore ? 'ignored' : 'malformed', reason: parsed.reason, eventId };
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
    return { kind: result, event };
  };
}

function eventIdOf(body: unknown): string | undefined {
  const header = (body as { header?: { event_id?: unknown } } | undefined)?.header;
  return typeof header?.event_id === 'string' ? header.event_id : undefined;
}
