/**
 * The HTTP app: web chat page and API, health, JSON errors. Platform webhooks (Slack, Lark) and the
 * console are mounted beside these by whoever wires the server.
 */

import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Logger, pino } from 'pino';
import { chatPageCsp, chatPageHtml } from '../../adapters/web/page.ts';
import { type ChatFeedback, createChatRoutes, type TurnFailure } from '../../adapters/web/routes.ts';
import type { InboundTurn } from '../assistant/turn-jobs.ts';
import type { ConversationStore } from '../conversations/types.ts';
import { type ErrorCode, HelplineError } from '../errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export interface AppDeps {
  store: ConversationStore;
  /** Hands an accepted web chat message to the turn pipeline. */
  submit: (turn: InboundTurn) => Promise<void>;
  /** @defaultValue pino() */
  logger?: Logger;
  onFailure?: (failure: TurnFailure) => void;
  onFeedback?: (feedback: ChatFeedback) => void | Promise<void>;
  /** @defaultValue 15000 */
  sseHeartbeatMs?: number;
  /** More JSON API groups, mounted under /api (tickets, insights). */
  api?: Hono;
  /** /healthz, /readyz, /metrics (src/ops/health.ts). */
  ops?: Hono;
  /** Time to accept a web chat message (store + enqueue), for the ack-latency metric. */
  onAccepted?: (ms: number) => void;
  /** Chat platform webhooks with absolute paths (POST /lark/events, POST /slack/events). */
  webhooks?: Hono[];
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  TICKET_NOT_FOUND: 404,
  ILLEGAL_TRANSITION: 409,
  ALREADY_CLAIMED: 409,
  CONFLICT: 409,
};

export function createApp(deps: AppDeps): Hono {
  const logger = deps.logger ?? pino();
  const app = new Hono();

  // Platform webhooks first: they check their own signatures and size (Slack's interactivity
  // payloads repeat the whole message and can pass 64 KB).
  for (const routes of deps.webhooks ?? []) app.route('/', routes);

  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        errorJson(
          c,
          413,
          'BAD_REQUEST',
          `The request body is larger than ${MAX_BODY_BYTES / 1024} KB; send a shorter message.`,
        ),
    }),
  );

  if (deps.ops) app.route('/', deps.ops);
  else app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/', (c) => {
    c.header('Content-Security-Policy', chatPageCsp);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(chatPageHtml);
  });

  app.route(
    '/api/chat',
    createChatRoutes({
      store: deps.store,
      submit: deps.submit,
      onAccepted: deps.onAccepted,
      logger,
      onFailure: deps.onFailure,
      onFeedback: deps.onFeedback,
      sseHeartbeatMs: deps.sseHeartbeatMs,
    }),
  );

  if (deps.api) app.route('/api', deps.api);

  app.notFound((c) => {
    if (c.req.path === '/api' || c.req.path.startsWith('/api/')) {
      return errorJson(
        c,
        404,
        'NOT_FOUND',
        `There is no API route ${c.req.method} ${c.req.path}; see the web chat API in DESIGN.md §6.`,
      );
    }
    return c.text('Not found', 404);
  });

  app.onError((err, c) => {
    if (err instanceof HelplineError) {
      const status = STATUS_BY_CODE[err.code] ?? 500;
      if (status === 500) logger.error({ err, path: c.req.path }, 'request failed');
      return errorJson(c, status, err.code, err.message);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return errorJson(c, err.status, 'BAD_REQUEST', err.message || 'The request could not be read.');
    }
    // Unknown errors: log everything, answer without internals.
    logger.error({ err, path: c.req.path, method: c.req.method }, 'unhandled error in request');
    return errorJson(c, 500, 'INTERNAL', 'Something went wrong on our side. Please try again in a minute.');
  });

  return app;
}

function errorJson(c: Context, status: ContentfulStatusCode, code: ErrorCode, message: string): Response {
  return c.json({ error: { code, message } }, status);
}
