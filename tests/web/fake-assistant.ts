/** Test doubles for the Assistant seam and a ready-wired app. */
import { pino } from 'pino';
import type { TurnFailure } from '../../adapters/web/routes.ts';
import { registerTurnJobs, submitTurn } from '../../src/assistant/turn-jobs.ts';
import { MemoryReplySlots } from '../../src/assistant/turn-outcomes.ts';
import type { Assistant, BotReply, Turn } from '../../src/assistant/types.ts';
import { MemoryConversationStore } from '../../src/conversations/memory-store.ts';
import { WebDeliverer } from '../../src/delivery/web-deliverer.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { type AppDeps, createApp } from '../../src/server/app.ts';

export function botReply(text: string, extra: Partial<BotReply> = {}): BotReply {
  return { action: 'answered', text, lang: 'en', citations: [], buttons: [], ...extra };
}

export class FakeAssistant implements Assistant {
  readonly turns: Turn[] = [];
  handler: (turn: Turn) => Promise<BotReply>;
  constructor(handler?: (turn: Turn) => Promise<BotReply>) {
    this.handler = handler ?? (async (turn) => botReply(`echo: ${turn.text}`));
  }
  reply(turn: Turn): Promise<BotReply> {
    this.turns.push(turn);
    return this.handler(turn);
  }
}

/** The fields tests read from any JSON response of the chat API (202 bodies and errors). */
export interface ApiJson {
  threadId: string;
  messageId: string;
  error: { code: string; message: string };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface MakeAppOptions extends Partial<AppDeps> {
  assistant?: FakeAssistant;
  /** Deadline of the never-silent watchdog. @defaultValue 15000 */
  replyDeadlineMs?: number;
}

/**
 * The web chat as it runs: routes → turn pipeline on a real InProcessRunner → the assistant →
 * delivery into the conversation store. `queue.drain()` waits until the work caused so far is done.
 */
export function makeApp(overrides: MakeAppOptions = {}) {
  const { assistant: given, replyDeadlineMs, ...appOverrides } = overrides;
  const assistant = given ?? new FakeAssistant();
  const store = new MemoryConversationStore();
  const queueErrors: unknown[] = [];
  const runner = new InProcessRunner({ onError: (err) => queueErrors.push(err) });
  const failures: TurnFailure[] = [];
  const web = new WebDeliverer({ store });
  registerTurnJobs({
    runner,
    assistant,
    slots: new MemoryReplySlots(),
    deliver: async (msg) => {
      await web.send(msg);
    },
    now: () => new Date(),
    onFailure: (reason, turn, err) => {
      failures.push({
        reason,
        detail:
          reason === 'timeout'
            ? `no reply within ${replyDeadlineMs ?? 15000} ms`
            : err instanceof Error
              ? err.message
              : String(err),
        threadId: turn.conversationId,
        userId: turn.userId,
        messageId: turn.messageId,
        err,
      });
      appOverrides.onFailure?.(failures.at(-1)!);
    },
  });
  void runner.start();
  const app = createApp({
    store,
    submit: (turn) => submitTurn(runner, turn, { deadlineMs: replyDeadlineMs, attempts: 1 }),
    logger: pino({ level: 'silent' }),
    onFailure: (f) => failures.push(f),
    ...appOverrides,
  });
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const messages = async (threadId: string) => {
    const res = await app.request(`/api/chat/threads/${threadId}/messages`);
    return (await res.json()) as { messages: Array<Record<string, unknown>> };
  };
  const queue = { drain: () => runner.idle() };
  return { app, assistant, store, runner, queue, queueErrors, failures, post, messages };
}
