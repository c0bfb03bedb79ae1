/**
 * POST /lark/events: Lark's event and card-callback webhook (DESIGN §5 "verify → dedupe → enqueue →
 * ack", §7). The server limits the body before it is read (src/server/app.ts). Then:
 *
 *  1. verifyLark on the raw bytes: the signature and timestamp window first, then one decryption,
 *     then the verification token. A failed check answers 401 (400 for a body that is not JSON or
 *     cannot be decrypted), counts `webhookRejected{platform:'lark', reason}` and does nothing else.
 *  2. The plain body goes to the inbound handler (inbound.ts) shared with the long connection: the
 *     url_verification challenge is answered `{challenge}`; an event is parsed and accepted, and only
 *     then is Lark acked with 200 `{}` (for card.action.trigger `{}` is the valid "no change" answer
 *     Lark wants within 3 s). Ignored and malformed events are acked 200 too — Lark must not
 *     redeliver garbage — and logged with the reason. When `accept` rejects the answer is 500, so
 *     Lark redelivers (15 s, 5 min, 1 h, 6 h).
 *
 * Nothing throws out of the route; every answered request that passed verification is timed into
 * `ackSeconds`.
 */
import { Hono } from 'hono';
import type { ChannelDeps } from '../../src/inbound/ports.ts';
import type { LarkInbound } from './inbound.ts';
import { type LarkVerifyOptions, verifyLark } from './verify.ts';

export const LARK_EVENTS_PATH = '/lark/events';

export interface LarkWebhookOptions extends Pick<ChannelDeps, 'logger' | 'metrics'> {
  verify: LarkVerifyOptions;
  inbound: LarkInbound;
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

    try {
      const outcome = await options.inbound(verdict.body);
      if (outcome.kind === 'challenge') return acked(c.json({ challenge: outcome.challenge }));
      return acked(c.json({}));
    } catch {
      // inbound.ts logged it with the event id; Lark redelivers on a 5xx.
      return acked(c.json({ error: 'could not queue the event; retry later' }, 500));
    }
  });

  return app;
}
