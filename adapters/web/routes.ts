/**
 * The web chat API (DESIGN §6, a stable contract), the web channel's inbound side:
 *   POST /api/chat/messages                   {userId, text, threadId?} → 202 {threadId, messageId}
 *   GET  /api/chat/threads/:threadId/messages → {messages:[…]} oldest first
 *   GET  /api/chat/threads/:threadId/events   → the same as server-sent events, then live
 *   POST /api/chat/feedback                   {threadId, messageId, helpful} → 204
 *   POST /api/chat/actions                    {threadId, messageId, action: rate_1…rate_5 | not_solved} → 202
 * A message or a 👍/👎 becomes the normalized inbound event and goes through `accept` like a Lark
 * or Slack event: stored and queued before the 202; the reply arrives later in the thread.
 * Handlers throw HelplineError (BAD_REQUEST / NOT_FOUND / UNAVAILABLE); the app renders them.
 */
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Logger } from 'pino';
import { type ChatAccess, principalOf } from '../../src/access/chat-access.ts';
import type { ConversationStore, StoredMessage } from '../../src/conversations/types.ts';
import { HelplineError } from '../../src/errors.ts';
import type { Accept, ChannelDeps } from '../../src/inbound/ports.ts';
import { messageKey } from '../../src/inbound/thread-ids.ts';
import {
  buttonEvent,
  feedbackEvent,
  invalidCharacter,
  messageEvent,
  PostAction,
  PostFeedback,
  PostMessage,
  readBody,
} from './parse.ts';

export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;

export interface WebRoutesDeps {
  store: ConversationStore;
  /** Who a request acts as and what it may read (src/access/chat-access.ts). */
  access: ChatAccess;
  accept: Accept;
  logger: Logger;
  metrics: ChannelDeps['metrics'];
  /** Interval of the SSE keep-alive comment. @defaultValue 15000 */
  sseHeartbeatMs?: number;
  now?: () => number;
}

/** A message as the API returns it (DESIGN §6), plus the suggested buttons. */
export interface ApiMessage {
  id: string;
  author: StoredMessage['author'];
  text: string;
  citations?: StoredMessage['citations'];
  ticket?: StoredMessage['ticket'];
  buttons?: StoredMessage['buttons'];
  createdAt: string;
}

export function toApiMessage(m: StoredMessage): ApiMessage {
  const out: ApiMessage = { id: m.id, author: m.author, text: m.text, createdAt: m.createdAt };
  if (m.citations !== undefined) out.citations = m.citations;
  if (m.ticket !== undefined) out.ticket = m.ticket;
  if (m.buttons !== undefined) out.buttons = m.buttons;
  return out;
}

export function createWebRoutes(deps: WebRoutesDeps): Hono {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const heartbeatMs = deps.sseHeartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS;

  /**
   * The thread, if it exists and the caller may use it; one answer (404) for a missing thread and
   * someone else's, so thread ids do not leak.
   */
  const usableThread = async (c: Context, threadId: string, action: 'read' | 'post', actingUser?: string) => {
    const bad = invalidCharacter(threadId);
    if (bad)
      throw new HelplineError(
        'BAD_REQUEST',
        `The thread id contains ${bad}, which is not text; check the URL.`,
      );
    const thread = await store.getThread(threadId);
    const principal = principalOf(c);
    const allowed =
      thread &&
      deps.access.mayUse(principal, action, thread.userId, thread.id) &&
      (principal || actingUser === undefined || thread.userId === actingUser);
    if (!allowed) {
      throw new HelplineError(
        'NOT_FOUND',
        `Thread "${threadId}" was not found${actingUser !== undefined ? ' for this user' : ''}. ` +
          'Omit threadId to start a new conversation.',
      );
    }
    return thread;
  };

  /** Hands the event to the pipeline; a refusal is a 503 the page shows, never a silent loss. */
  const take: Accept = async (event) => {
    try {
      return await deps.accept(event);
    } catch (err) {
      logger.error({ err, platform: 'web', eventId: event.eventId }, 'web chat event could not be accepted');
      throw new HelplineError(
        'UNAVAILABLE',
        'Your message could not be taken right now; please send it again in a moment.',
        {
          cause: err,
        },
      );
    }
  };

  /**
   * The thread and message a button (👍/👎, a rating) was pressed on, for the thread's owner only:
   * the signed-in user; in the open mode whoever holds the thread id (DESIGN §6 sends no userId), and
   * a userId that is given must be the owner's.
   */
  const pressedOn = async (c: Context, body: { threadId: string; messageId: string; userId?: string }) => {
    const principal = principalOf(c);
    const userId =
      principal || body.userId !== undefined ? deps.access.actingUser(principal, body.userId) : undefined;
    const thread = await usableThread(c, body.threadId, 'post', userId);
    const message = (await store.listMessages(body.threadId)).find((m) => m.id === body.messageId);
    return { thread, message };
  };

  const routes = new Hono();

  routes.post('/api/chat/messages', async (c) => {
    const started = performance.now();
    const body = read(PostMessage, await c.req.text());
    const userId = deps.access.actingUser(principalOf(c), body.userId);
    const thread = body.threadId ? await usableThread(c, body.threadId, 'post', userId) : undefined;
    const threadId = thread?.id ?? (await store.createThread(userId));
    const event = messageEvent({ text: body.text, userId, threadId, id: randomUUID(), nowMs: now() });
    await take(event);
    deps.metrics.ackSeconds.observe({ platform: 'web' }, (performance.now() - started) / 1000);
    return c.json({ threadId, messageId: messageKey(event) }, 202);
  });

  routes.get('/api/chat/threads/:threadId/messages', async (c) => {
    const threadId = c.req.param('threadId');
    await usableThread(c, threadId, 'read');
    const messages = await store.listMessages(threadId);
    return c.json({ messages: messages.map(toApiMessage) });
  });

  routes.get('/api/chat/threads/:threadId/events', async (c) => {
    const threadId = c.req.param('threadId');
    const thread = await usableThread(c, threadId, 'read');
    const release = deps.access.openStream(principalOf(c)?.userId ?? thread.userId);
    if (!release) {
      throw new HelplineError(
        'RATE_LIMITED',
        'Too many live chat windows are open for this user; close some tabs and reload.',
        { details: { retryAfterS: 30 } },
      );
    }
    // EventSource sends Last-Event-ID when it reconnects: resume after that message.
    const lastEventId = c.req.header('Last-Event-ID');
    return streamSSE(
      c,
      async (stream) => {
        const sent = new Set<string>();
        let writes = Promise.resolve();
        const write = (task: () => Promise<unknown>): void => {
          writes = writes.then(task).then(
            () => undefined,
            () => undefined,
          );
        };
        const send = (m: StoredMessage): void => {
          if (sent.has(m.id)) return;
          sent.add(m.id);
          write(() => stream.writeSSE({ event: 'message', id: m.id, data: JSON.stringify(toApiMessage(m)) }));
        };
        // Subscribe before reading the backlog so nothing added in between is missed.
        let live = false;
        const early: StoredMessage[] = [];
        const unsubscribe = store.subscribe(threadId, (m) => (live ? send(m) : early.push(m)));
        let heartbeat: ReturnType<typeof setInterval> | undefined;
        try {
          const existing = await store.listMessages(threadId);
          const resumeAt = lastEventId ? existing.findIndex((m) => m.id === lastEventId) + 1 : 0;
          for (const m of existing.slice(0, resumeAt)) sent.add(m.id);
          for (const m of existing.slice(resumeAt)) send(m);
          for (const m of early) send(m);
          live = true;
          heartbeat = setInterval(() => write(() => stream.write(': heartbeat\n\n')), heartbeatMs);
          await new Promise<void>((resolve) => {
            if (stream.aborted) return resolve();
            stream.onAbort(resolve);
            c.req.raw.signal?.addEventListener('abort', () => resolve(), { once: true });
          });
        } finally {
          clearInterval(heartbeat);
          unsubscribe();
          release();
        }
      },
      async (err) => {
        release();
        logger.error({ err, threadId }, 'chat event stream failed');
      },
    );
  });

  routes.post('/api/chat/feedback', async (c) => {
    const body = read(PostFeedback, await c.req.text());
    const { thread, message } = await pressedOn(c, body);
    if (!message) {
      throw new HelplineError(
        'NOT_FOUND',
        `Message "${body.messageId}" is not in thread "${body.threadId}".`,
      );
    }
    if (message.author === 'user') {
      throw new HelplineError(
        'BAD_REQUEST',
        'Feedback applies to answers: send the messageId of a bot or agent message.',
      );
    }
    await take(feedbackEvent({ ...body, userId: thread.userId, id: randomUUID(), nowMs: now() }));
    return c.body(null, 204);
  });

  routes.post('/api/chat/actions', async (c) => {
    const body = read(PostAction, await c.req.text());
    const { thread, message } = await pressedOn(c, body);
    const button = message?.buttons?.find((b) => b.action === body.action);
    if (!message || !button) {
      throw new HelplineError(
        'NOT_FOUND',
        `Message "${body.messageId}" in thread "${body.threadId}" has no "${body.action}" button.`,
      );
    }
    await take(
      buttonEvent({
        userId: thread.userId,
        threadId: body.threadId,
        messageId: body.messageId,
        action: body.action,
        value: buttonValue(button.value),
        id: randomUUID(),
        nowMs: now(),
      }),
    );
    return c.body(null, 202);
  });

  return routes;
}

/** The JSON object we rendered into the button ({"ticket": …}); anything else is no value. */
function buttonValue(raw: string | undefined): Record<string, string> | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

function read<T>(schema: Parameters<typeof readBody<T>>[0], raw: string): T {
  const r = readBody(schema, raw);
  if (!r.ok) throw new HelplineError('BAD_REQUEST', r.message);
  return r.value;
}
