/**
 * Web chat API (DESIGN §6, a stable contract), mounted at /api/chat by src/server/app.ts:
 *   POST /messages                    {userId, text, threadId?} → 202 {threadId, messageId}
 *   GET  /threads/:threadId/messages  → {messages:[…]} oldest first
 *   GET  /threads/:threadId/events    → the same as server-sent events, then live
 *   POST /feedback                    {threadId, messageId, helpful} → 204
 * Handlers throw HelplineError (BAD_REQUEST / NOT_FOUND); the app's error handler renders them.
 * The user's message is stored before the 202; the assistant turn runs later on the job queue.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type Logger, pino } from 'pino';
import { FALLBACK_TEXT, fallbackReply } from '../../src/assistant/fallback.ts';
import type { InboundTurn } from '../../src/assistant/turn-jobs.ts';
import type { ConversationStore, NewMessage, StoredMessage } from '../../src/conversations/types.ts';
import { HelplineError } from '../../src/errors.ts';

export const MAX_USER_ID_CHARS = 128;
export const MAX_TEXT_CHARS = 4000;
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;

export { FALLBACK_TEXT };

/** Why a turn ended in the fallback message (or, for 'store', in no bot message at all). */
export type TurnFailureReason = 'error' | 'timeout' | 'enqueue' | 'store';

export interface TurnFailure {
  reason: TurnFailureReason;
  /** Human-readable cause, safe to log. */
  detail: string;
  threadId: string;
  userId: string;
  /** Id of the user message the turn answers. */
  messageId: string;
  /** The underlying error, under pino's conventional key so `logger.warn(failure)` serializes it. */
  err?: unknown;
}

export interface ChatFeedback {
  threadId: string;
  messageId: string;
  helpful: boolean;
  /** Owner of the thread. */
  userId: string;
}

export interface ChatRoutesDeps {
  store: ConversationStore;
  /**
   * Hands an accepted message to the turn pipeline (src/assistant/turn-jobs.ts): the answer, or the
   * never-silent fallback after the deadline, arrives in the thread later.
   */
  submit: (turn: InboundTurn) => Promise<void>;
  /** @defaultValue pino() */
  logger?: Logger;
  /** Told how long each accepted message took to store and enqueue (the ack latency). */
  onAccepted?: (ms: number) => void;
  /** Called for every turn that failed; for metrics and alerting. Must not throw (errors are logged). */
  onFailure?: (failure: TurnFailure) => void;
  /** Persists 👍/👎. Without it feedback is only logged. */
  onFeedback?: (feedback: ChatFeedback) => void | Promise<void>;
  /** Interval of the SSE keep-alive comment. @defaultValue 15000 */
  sseHeartbeatMs?: number;
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

export function hasCjk(text: string): boolean {
  return /\p{Script=Han}/u.test(text);
}

/** The bot message stored when a turn fails, in the language of the user's text. */
export function fallbackMessage(userText: string): NewMessage {
  const { text, buttons } = fallbackReply(userText);
  return { author: 'bot', text, buttons };
}

export function createChatRoutes(deps: ChatRoutesDeps): Hono {
  const { store } = deps;
  const logger = deps.logger ?? pino();
  const heartbeatMs = deps.sseHeartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS;

  const reportFailure = (failure: TurnFailure): void => {
    logger.warn(
      {
        threadId: failure.threadId,
        messageId: failure.messageId,
        reason: failure.reason,
        err: failure.err,
      },
      `assistant turn failed: ${failure.detail}`,
    );
    try {
      deps.onFailure?.(failure);
    } catch (err) {
      logger.error({ err }, 'onFailure hook threw');
    }
  };

  /** The thread, if it exists and belongs to userId; one answer for both so ids do not leak. */
  const ownThread = async (threadId: string, userId: string | undefined) => {
    const thread = await store.getThread(threadId);
    if (!thread || (userId !== undefined && thread.userId !== userId)) {
      throw new HelplineError(
        'NOT_FOUND',
        `Thread "${threadId}" was not found${userId !== undefined ? ' for this userId' : ''}. ` +
          'Omit threadId to start a new conversation.',
      );
    }
    return thread;
  };

  const routes = new Hono();

  routes.post('/messages', async (c) => {
    const started = performance.now();
    const body = await readJsonObject(c);
    const userId = requireUserId(body.userId);
    const text = requireText(body.text);
    const threadId = optionalString(body.threadId, 'threadId');

    const thread = threadId ? await ownThread(threadId, userId) : undefined;
    const tid = thread?.id ?? (await store.createThread(userId));
    const message = await store.addMessage(tid, { author: 'user', text });
    try {
      await deps.submit({
        platform: 'web',
        conversationId: tid,
        messageId: message.id,
        userId,
        text,
        channel: tid,
        acceptedAt: Date.now(),
      });
    } catch (err) {
      // The message is stored; answer it now so the user is not left waiting on nothing.
      reportFailure({
        reason: 'enqueue',
        detail: `could not queue the turn: ${errorText(err)}`,
        threadId: tid,
        userId,
        messageId: message.id,
        err,
      });
      await store.addMessage(tid, fallbackMessage(text));
    }
    deps.onAccepted?.(performance.now() - started);
    return c.json({ threadId: tid, messageId: message.id }, 202);
  });

  routes.get('/threads/:threadId/messages', async (c) => {
    const threadId = c.req.param('threadId');
    await ownThread(threadId, undefined);
    const messages = await store.listMessages(threadId);
    return c.json({ messages: messages.map(toApiMessage) });
  });

  routes.get('/threads/:threadId/events', async (c) => {
    const threadId = c.req.param('threadId');
    await ownThread(threadId, undefined);
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
        }
      },
      async (err) => {
        logger.error({ err, threadId }, 'chat event stream failed');
      },
    );
  });

  routes.post('/feedback', async (c) => {
    const body = await readJsonObject(c);
    const threadId = requireString(body.threadId, 'threadId');
    const messageId = requireString(body.messageId, 'messageId');
    if (typeof body.helpful !== 'boolean') {
      throw badRequest('"helpful" must be true (👍) or false (👎).');
    }
    const userId = optionalString(body.userId, 'userId');
    const thread = await ownThread(threadId, userId);
    const message = (await store.listMessages(threadId)).find((m) => m.id === messageId);
    if (!message) {
      throw new HelplineError('NOT_FOUND', `Message "${messageId}" is not in thread "${threadId}".`);
    }
    if (message.author === 'user') {
      throw badRequest('Feedback applies to answers: send the messageId of a bot or agent message.');
    }
    const feedback: ChatFeedback = { threadId, messageId, helpful: body.helpful, userId: thread.userId };
    logger.info(feedback, 'chat feedback');
    await deps.onFeedback?.(feedback);
    return c.body(null, 204);
  });

  return routes;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function badRequest(message: string): HelplineError {
  return new HelplineError('BAD_REQUEST', message);
}

async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw badRequest(
      'The request body must be JSON, e.g. {"userId": "u1", "text": "How do I request leave?"}.',
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object, e.g. {"userId": "u1", "text": "…"}.');
  }
  return body as Record<string, unknown>;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest(`"${name}" is required and must be a non-empty string.`);
  }
  return value;
}

/** undefined and null mean "not given"; anything else must be a non-empty string. */
function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requireString(value, name);
}

function requireUserId(value: unknown): string {
  const userId = requireString(value, 'userId');
  if ([...userId].length > MAX_USER_ID_CHARS) {
    throw badRequest(`"userId" is longer than ${MAX_USER_ID_CHARS} characters; send a shorter id.`);
  }
  return userId;
}

function requireText(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest('"text" is required: type a question or describe the problem.');
  }
  const text = value.trim();
  const length = [...text].length;
  if (length > MAX_TEXT_CHARS) {
    throw badRequest(
      `"text" is ${length} characters; the limit is ${MAX_TEXT_CHARS}. Shorten it or split it into several messages.`,
    );
  }
  return text;
}
