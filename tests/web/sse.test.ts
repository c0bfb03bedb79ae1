/** The events endpoint over a real socket: fetch reads the stream as a browser's EventSource would. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationStore } from '../../src/conversations/types.ts';
import { type Listening, listen } from '../../src/server/listen.ts';
import { type ApiJson, botReply, FakeAssistant, makeApp, sleep } from './fake-assistant.ts';

interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** Minimal text/event-stream parser: yields events and comments as they arrive. */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: SseEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        else {
          const i = line.indexOf(':');
          const field = line.slice(0, i) as 'event' | 'id' | 'data';
          const value = line.slice(i + 1).replace(/^ /, '');
          event[field] = field === 'data' && event.data !== undefined ? `${event.data}\n${value}` : value;
        }
      }
      yield event;
      end = buffer.indexOf('\n\n');
    }
  }
}

function countingStore(store: ConversationStore) {
  const counter = { active: 0 };
  const original = store.subscribe.bind(store);
  store.subscribe = (threadId, listener) => {
    counter.active++;
    const unsubscribe = original(threadId, listener);
    return () => {
      counter.active--;
      unsubscribe();
    };
  };
  return counter;
}

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('GET /api/chat/threads/:threadId/events', () => {
  it('sends every existing message, then new ones live, and unsubscribes on disconnect', async () => {
    const assistant = new FakeAssistant(async (turn) => {
      await sleep(20);
      return botReply(`re: ${turn.text}`);
    });
    const ctx = await makeApp({ assistant });
    const subscriptions = countingStore(ctx.store);
    server = await listen(ctx.app, 0);
    expect(server.url).toMatch(/^http:\/\/localhost:\d+$/);

    const first = (await (
      await ctx.post('/api/chat/messages', { userId: 'u1', text: 'first' })
    ).json()) as ApiJson;
    await ctx.queue.drain();

    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/chat/threads/${first.threadId}/events`, {
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const events = readEvents(res.body!);
    const next = async () => (await events.next()).value as SseEvent;
    const e1 = await next();
    const e2 = await next();
    expect([e1.event, e2.event]).toEqual(['message', 'message']);
    expect(JSON.parse(e1.data!)).toMatchObject({ id: first.messageId, author: 'user', text: 'first' });
    expect(e1.id).toBe(first.messageId);
    expect(JSON.parse(e2.data!)).toMatchObject({ author: 'bot', text: 're: first' });

    await ctx.post('/api/chat/messages', { userId: 'u1', text: 'second', threadId: first.threadId });
    const e3 = JSON.parse((await next()).data!);
    const e4 = JSON.parse((await next()).data!);
    expect([e3.text, e4.text]).toEqual(['second', 're: second']);
    expect(subscriptions.active).toBe(1);

    abort.abort();
    await events.return(undefined).catch(() => {});
    for (let i = 0; i < 50 && subscriptions.active > 0; i++) await sleep(10);
    expect(subscriptions.active).toBe(0);
  });

  it('resumes after Last-Event-ID when the browser reconnects', async () => {
    const ctx = await makeApp();
    server = await listen(ctx.app, 0);
    const { threadId } = (await (
      await ctx.post('/api/chat/messages', { userId: 'u1', text: 'a' })
    ).json()) as ApiJson;
    await ctx.queue.drain();
    const [userMsg, botMsg] = (await ctx.messages(threadId)).messages;

    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/chat/threads/${threadId}/events`, {
      headers: { 'Last-Event-ID': userMsg.id as string },
      signal: abort.signal,
    });
    const events = readEvents(res.body!);
    const e = (await events.next()).value as SseEvent;
    expect(e.id).toBe(botMsg.id);
    abort.abort();
    await events.return(undefined).catch(() => {});
  });

  it('sends heartbeat comments to keep proxies from closing the stream', async () => {
    const ctx = await makeApp({ sseHeartbeatMs: 20 });
    server = await listen(ctx.app, 0);
    const threadId = await ctx.store.createThread('u1');
    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/chat/threads/${threadId}/events`, { signal: abort.signal });
    const events = readEvents(res.body!);
    const e = (await events.next()).value as SseEvent;
    expect(e.comment).toBe('heartbeat');
    abort.abort();
    await events.return(undefined).catch(() => {});
  });

  it('answers 404 JSON for an unknown thread instead of an empty stream', async () => {
    const ctx = await makeApp();
    const res = await ctx.app.request('/api/chat/threads/nope/events');
    expect(res.status).toBe(404);
    expect(((await res.json()) as ApiJson).error.code).toBe('NOT_FOUND');
  });

  it('close() ends open event streams so shutdown does not hang', async () => {
    const ctx = await makeApp();
    const listening = await listen(ctx.app, 0, { shutdownGraceMs: 50 });
    const threadId = await ctx.store.createThread('u1');
    const res = await fetch(`${listening.url}/api/chat/threads/${threadId}/events`);
    const reading = (async () => {
      for await (const _ of readEvents(res.body!)) {
        // keep reading until the server cuts the connection
      }
    })().catch(() => {});
    const started = Date.now();
    await listening.close();
    await reading;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports a busy port with a message that says what to do', async () => {
    const ctx = await makeApp();
    server = await listen(ctx.app, 0);
    const err = await listen(ctx.app, server.port).catch((e) => e);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/already in use; set PORT/);
  });
});
