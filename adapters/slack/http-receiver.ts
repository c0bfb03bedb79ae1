/**
 * A Bolt Receiver on our one Hono server: `POST /slack/events` takes Events API callbacks,
 * interactivity and slash commands (Bolt's single default URL). It checks the signature with our
 * pure verifySlack and the injected clock (401 + counted, nothing processed), answers
 * url_verification, decodes the body the way Bolt's HTTPReceiver does (JSON, or form-encoded
 * `payload=<JSON>`, or form fields of a slash command) and hands it to `app.processEvent`, acking
 * only after the listeners finished. Nothing thrown escapes the route.
 */
import type { App, Receiver } from '@slack/bolt';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { ChannelDeps } from '../../src/inbound/ports.ts';
import { processWithDeferredAck } from './deferred-ack.ts';
import { reportUnhandled } from './listeners.ts';
import { verifySlack } from './verify.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
  metrics: ChannelDeps['metrics'];
  now: () => number;
  /** @defaultValue '/slack/events' */
  path?: string;
  /**
   * Largest body taken. Interactivity payloads repeat the whole message with its blocks, so this
   * is well above a chat message. @defaultValue 1_048_576
   */
  maxBodyBytes?: number;
}

export class SlackHttpReceiver implements Receiver {
  readonly routes: Hono;
  readonly path: string;
  #app: App | undefined;
  readonly #o: SlackHttpReceiverOptions;

  constructor(options: SlackHttpReceiverOptions) {
    this.#o = options;
    this.path = options.path ?? SLACK_EVENTS_PATH;
    this.routes = new Hono();
    this.routes.post(
      this.path,
      bodyLimit({
        maxSize: options.maxBodyBytes ?? 1_048_576,
        onError: (c) => {
          options.logger.warn({ platform: 'slack' }, 'Slack request body too large; refused with 413');
          return c.body(null, 413);
        },
      }),
      async (c) => {
        try {
          const headers: Record<string, string> = {};
          c.req.raw.headers.forEach((v, k) => {
            headers[k] = v;
          });
          return await this.#handle(await c.req.text(), headers);
        } catch (err) {
          options.logger.error({ err, platform: 'slack' }, 'Slack request failed unexpectedly');
          return new Response(null, { status: 500 });
        }
      },
    );
  }

  init(app: App): void {
    this.#app = app;
  }

  /** The HTTP server belongs to the runtime; the routes are mounted there. */
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async #handle(raw: string, headers: Record<string, string>): Promise<Response> {
    const { logger, metrics } = this.#o;
    const started = performance.now();
    const isForm = (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

    // Slack's SSL check carries no signature (as in Bolt): answered, and nothing else read from it.
    if (isForm && new URLSearchParams(raw).get('ssl_check') === '1')
      return new Response(null, { status: 200 });

    const verdict = verifySlack({ headers, rawBody: raw, nowMs: this.#o.now() }, this.#o);
    if (!verdict.ok) {
      metrics.webhookRejected.inc({ platform: 'slack', reason: verdict.reason });
      logger.warn({ platform: 'slack', reason: verdict.reason }, verdict.message);
      return new Response(null, { status: 401 });
    }

    const body = decodeBody(raw, isForm);
    if (!body) {
      metrics.webhookRejected.inc({ platform: 'slack', reason: 'malformed' });
      logger.warn(
        { platform: 'slack' },
        'Malformed Slack request body (not JSON or form data); acked and dropped',
      );
      return this.#acked(started, new Response(null, { status: 200 }));
    }
    if (body.type === 'url_verification') {
      return Response.json({ challenge: typeof body.challenge === 'string' ? body.challenge : '' });
    }
    if (!this.#app) {
      logger.error({ platform: 'slack' }, 'Slack request before the Bolt app was attached; answered 503');
      return new Response(null, { status: 503 });
    }

    const request: Parameters<typeof processWithDeferredAck>[1] = { body };
    const retryNum = Number.parseInt(headers['x-slack-retry-num'] ?? '', 10);
    if (Number.isFinite(retryNum)) request.retryNum = retryNum;
    if (headers['x-slack-retry-reason']) request.retryReason = headers['x-slack-retry-reason'];

    const result = await processWithDeferredAck(this.#app, request);
    if (result.outcome === 'failed') {
      logger.error(
        { err: result.error, platform: 'slack', eventId: eventIdOf(body), retryNum: request.retryNum },
        'Slack event could not be queued; answered 500 so Slack redelivers',
      );
      return new Response(null, { status: 500 });
    }
    if (result.outcome === 'unacked') {
      reportUnhandled(this.#o, body);
      return this.#acked(started, new Response(null, { status: 200 }));
    }
    return this.#acked(started, ackResponse(result.response));
  }

  #acked(started: number, response: Response): Response {
    this.#o.metrics.ackSeconds.observe({ platform: 'slack' }, (performance.now() - started) / 1000);
    return response;
  }
}

/** Bolt's HTTPReceiver decoding: form → `payload` JSON or the fields themselves; else JSON. */
function decodeBody(raw: string, isForm: boolean): Record<string, unknown> | undefined {
  try {
    if (isForm) {
      const form = new URLSearchParams(raw);
      const payload = form.get('payload');
      if (payload !== null) return asObject(JSON.parse(payload));
      return Object.fromEntries(form);
    }
    return asObject(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** What an ack carries back, as Bolt's buildContentResponse: nothing, text, or JSON. */
function ackResponse(body: unknown): Response {
  if (body === undefined || body === null || body === '') return new Response(null, { status: 200 });
  if (typeof body === 'string') return new Response(body, { status: 200 });
  return Response.json(body);
}

function eventIdOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.event_id === 'string') return body.event_id;
  if (typeof body.trigger_id === 'string') return body.trigger_id;
  return undefined;
}
