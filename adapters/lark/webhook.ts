/**
 * POST /lark/events: Lark's event and card-callback webhook (DESIGN §5 "verify → dedupe → enqueue →
 * ack", §7). Order of work:
 *
 *  1. Our own verifyLark on the raw bytes (signature, timestamp window with the injected clock,
 *     verification token). A failed check answers 401 (400 for a body that is not JSON or cannot be
 *     decrypted), counts `webhookRejected{platform:'lark', reason}` and does nothing else.
 *  2. The url_verification challenge is answered `{challenge}`.
 *  3. Event types we do not handle are acked 200 and logged at debug.
 *  4. The SDK's EventDispatcher decrypts and dispatches to events.ts, which parses and awaits
 *     `accept`. Only then is Lark acked: 200 `{}` (for card.action.trigger `{}` is the valid
 *     "no change" answer Lark wants within 3 s). Ignored and malformed events are acked 200 too —
 *     Lark must not redeliver garbage — and logged (debug / warn) with the reason. When `accept`
 *     rejects the answer is 500, so Lark redelivers (15 s, 5 min, 1 h, 6 h).
 *
 * Nothing throws out of the route; every answered request that passed verification is timed into
 * `ackSeconds`.
 */
import type * as lark from '@larksuiteoapi/node-sdk';
import { Hono } from 'hono';
import type { ChannelDeps } from '../../src/inbound/ports.ts';
import { outcomeOf } from './events.ts';
import { parseLark } from './parse.ts';
import { type LarkVerifyOptions, readLarkBody, verifyLark } from './verify.ts';

export const LARK_EVENTS_PATH = '/lark/events';

export interface LarkWebhookOptions extends Pick<ChannelDeps, 'logger' | 'metrics'> {
  verify: LarkVerifyOptions;
  dispatcher: lark.EventDispatcher;
  now: () => number;
}

export function larkWebhookRoutes(options: LarkWebhookOptions): Hono {
  const app = new Hono();
  const log = options.logger.child({ platform: 'lark', route: LARK_EVENTS_PATH });

  app.post(LARK_EVENTS_PATH, async (c) => {
    const started = performance.now();
    const acked = <T>(res: T): T => {
      options.metrics.ackSeconds.observe({ platform: 'lark' }, (performance.now() - started) / 1000);
      return res;
    };
    let rawBody: string;
    try {
      rawBody = await c.req.text();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'Lark webhook body could not be read');
      return c.json({ error: 'unreadable body' }, 400);
    }

    const verdict = verifyLark({ headers: c.req.header(), rawBody, nowMs: options.now() }, options.verify);
    if (!verdict.ok) {
      options.metrics.webhookRejected.inc({ platform: 'lark', reason: verdict.reason });
      log.warn({ reason: verdict.reason, detail: verdict.message }, 'Lark webhook rejected');
      return c.json({ error: verdict.reason }, verdict.reason === 'malformed' ? 400 : 401);
    }

    const read = readLarkBody(rawBody, options.verify);
    if (!read.ok) return acked(c.json({ error: 'malformed' }, 400)); // verifyLark already read it
    const plain = read.body;
    if (plain.type === 'url_verification') {
      const parsed = parseLark(plain, options.now());
      if ('challenge' in parsed) return acked(c.json({ challenge: parsed.challenge }));
      log.warn({ reason: parsed.ok ? '' : parsed.reason }, 'Lark url_verification without a challenge');
      return acked(c.json({}));
    }

    const header = plain.header as { event_type?: unknown; event_id?: unknown } | undefined;
    const type = typeof header?.event_type === 'string' ? header.event_type : undefined;
    if (!type || !options.dispatcher.handles.has(type)) {
      // Not ours to handle (v1 events, bot added to a chat, …) or not an event at all: parse says which.
      const parsed = parseLark(plain, options.now());
      const reason = 'ok' in parsed && !parsed.ok ? parsed.reason : `unhandled event type ${type}`;
      if ('ok' in parsed && !parsed.ok && !parsed.ignore) log.warn({ reason }, 'Lark event malformed; acked');
      else log.debug({ type, reason }, 'Lark event ignored');
      return acked(c.json({}));
    }

    try {
      // Already verified above; the dispatcher decrypts `{encrypt}` itself and routes by type.
      const result = await options.dispatcher.invoke(read.encrypted ? JSON.parse(rawBody) : plain, {
        needCheck: false,
      });
      const outcome = outcomeOf(result);
      if (!outcome) log.debug({ type, result: String(result) }, 'Lark event not handled by the dispatcher');
      return acked(c.json({}));
    } catch (err) {
      // events.ts logged it with the event id; Lark redelivers on a 5xx.
      log.debug({ err: err instanceof Error ? err.message : String(err) }, 'Lark event not acked');
      return acked(c.json({ error: 'could not queue the event; retry later' }, 500));
    }
  });

  return app;
}
