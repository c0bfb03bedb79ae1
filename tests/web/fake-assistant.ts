/** Test doubles for the Assistant seam and a ready-wired app. */
import { pino } from 'pino';
import type { TurnFailure } from '../../adapters/web/routes.ts';
import type { Assistant, BotReply, Turn } from '../../src/assistant/types.ts';
import { MemoryConversationStore } from '../../src/conversations/memory-store.ts';
import { InProcessQueue } from '../../src/jobs/in-process-queue.ts';
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

export function makeApp(overrides: Partial<AppDeps> = {}) {
  const assistant = (overrides.assistant as FakeAssistant | undefined) ?? new FakeAssistant();
  const store = new MemoryConversationStore();
  const queueErrors: unknown[] = [];
  const queue = new InProcessQueue({ onError: (err) => queueErrors.push(err) });
  const failures: TurnFailure[] = [];
  const app = createApp({
    assistant,
    store,
    queue,
    logger: pino({ level: 'silent' }),
    onFailure: (f) => failures.push(f),
    ...overrides,
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
  return { app, assistant, store, queue, queueErrors, failures, post, messages };
}
