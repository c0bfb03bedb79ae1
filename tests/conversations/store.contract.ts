/**
 * The ConversationStore contract: every implementation (memory, PGlite, PostgreSQL) runs these.
 * Cases copied from tests/web/memory-store.test.ts, plus the ones a persistent store must also keep.
 */
import { expect, it } from 'vitest';
import type { ConversationStore, StoredMessage } from '../../src/conversations/types.ts';
import { isHelplineError } from '../../src/errors.ts';

export type MakeStore = (options?: { now?: () => Date }) => Promise<ConversationStore>;

export function conversationStoreContract(make: MakeStore): void {
  it('creates threads with distinct URL-safe ids owned by the user', async () => {
    const store = await make();
    const a = await store.createThread('u1');
    const b = await store.createThread('u1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    const thread = await store.getThread(a);
    expect(thread).toMatchObject({ id: a, userId: 'u1' });
    expect(Number.isNaN(Date.parse(thread!.createdAt))).toBe(false);
    expect(await store.getThread('nope')).toBeUndefined();
  });

  it('ensureThread creates a platform thread under its own id once, and keeps its first owner', async () => {
    const store = await make();
    const id = 'lark:oc_1:om_root';
    const first = await store.ensureThread(id, 'lark:ou_1', 'lark');
    const again = await store.ensureThread(id, 'lark:ou_2', 'lark');
    expect(first).toMatchObject({ id, userId: 'lark:ou_1' });
    expect(again).toEqual(first);
    expect(await store.getThread(id)).toEqual(first);
  });

  it('a message with a given id is stored once: a retried add returns the stored one', async () => {
    const store = await make();
    const t = (await store.ensureThread('slack:C1:171.1', 'slack:U1', 'slack')).id;
    const seen: string[] = [];
    const stop = store.subscribe(t, (m) => seen.push(m.id));
    const a = await store.addMessage(t, { id: 'slack:171.1', author: 'user', text: 'hi' });
    const b = await store.addMessage(t, { id: 'slack:171.1', author: 'user', text: 'hi' });
    stop();
    expect(a.id).toBe('slack:171.1');
    expect(b).toEqual(a);
    expect((await store.listMessages(t)).length).toBe(1);
    expect(seen).toEqual(['slack:171.1']);
  });

  it('stores messages with ids and ISO times and lists them oldest first', async () => {
    const store = await make();
    const t = await store.createThread('u1');
    const first = await store.addMessage(t, { author: 'user', text: 'hi' });
    const second = await store.addMessage(t, {
      author: 'bot',
      text: 'hello [1]',
      citations: [{ n: 1, source: 'leave.md', title: 'Leave', heading: 'Annual' }],
      ticket: { id: 'x', number: 'HL-1', severity: 'P2', category: 'leave', status: 'open' },
      buttons: [{ action: 'handoff', label: 'Talk to a human' }],
    });
    expect(first).toMatchObject({ threadId: t, author: 'user', text: 'hi' });
    expect(first.id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt);
    const listed = await store.listMessages(t);
    expect(listed.map((m) => m.id)).toEqual([first.id, second.id]);
    expect(listed[1].citations?.[0].title).toBe('Leave');
    expect(listed[1].ticket?.number).toBe('HL-1');
    expect('citations' in listed[0]).toBe(false);
    expect(await store.listMessages('unknown')).toEqual([]);
  });

  it('refuses a message for an unknown thread with NOT_FOUND', async () => {
    const store = await make();
    const err = await store.addMessage('missing', { author: 'user', text: 'x' }).catch((e) => e);
    expect(isHelplineError(err, 'NOT_FOUND')).toBe(true);
  });

  it('notifies subscribers of new messages of their thread until they unsubscribe', async () => {
    const store = await make();
    const t = await store.createThread('u1');
    const other = await store.createThread('u2');
    const seen: StoredMessage[] = [];
    const unsubscribe = store.subscribe(t, (m) => seen.push(m));
    await store.addMessage(t, { author: 'user', text: 'one' });
    await store.addMessage(other, { author: 'user', text: 'elsewhere' });
    unsubscribe();
    await store.addMessage(t, { author: 'user', text: 'two' });
    expect(seen.map((m) => m.text)).toEqual(['one']);
  });

  it('keeps storing when a subscriber throws', async () => {
    const store = await make();
    const t = await store.createThread('u1');
    const seen: string[] = [];
    store.subscribe(t, () => {
      throw new Error('bad listener');
    });
    store.subscribe(t, (m) => seen.push(m.text));
    await store.addMessage(t, { author: 'user', text: 'still here' });
    expect(seen).toEqual(['still here']);
    expect(await store.listMessages(t)).toHaveLength(1);
  });

  it('hands out copies, so callers cannot change what is stored', async () => {
    const store = await make();
    const t = await store.createThread('u1');
    const m = await store.addMessage(t, {
      author: 'bot',
      text: 'original',
      citations: [{ n: 1, source: 'a.md', title: 'A', heading: 'h' }],
    });
    m.text = 'changed';
    m.citations![0].title = 'changed';
    const listed = await store.listMessages(t);
    listed[0].text = 'changed too';
    expect((await store.listMessages(t))[0]).toMatchObject({ text: 'original', citations: [{ title: 'A' }] });
  });

  it('stamps createdAt from the injected clock and keeps insertion order within one instant', async () => {
    const store = await make({ now: () => new Date('2025-01-02T03:04:05.000Z') });
    const t = await store.createThread('u1');
    expect((await store.getThread(t))?.createdAt).toBe('2025-01-02T03:04:05.000Z');
    const texts = ['1', '2', '3', '4', '5'];
    for (const text of texts) await store.addMessage(t, { author: 'user', text });
    const listed = await store.listMessages(t);
    expect(listed.map((m) => m.text)).toEqual(texts);
    expect(listed.every((m) => m.createdAt === '2025-01-02T03:04:05.000Z')).toBe(true);
  });

  it('stores text, citations and buttons exactly, including Chinese and emoji', async () => {
    const store = await make();
    const t = await store.createThread('用户-1');
    const message = {
      author: 'agent' as const,
      text: '请在 OA 里提交补卡申请 👍\n第二行 "quoted" \\ backslash',
      citations: [
        { n: 1, source: 'kb/考勤.md', title: '考勤', heading: '补卡', url: 'https://kb.example/考勤#补卡' },
      ],
      buttons: [
        { action: 'feedback_up', label: '👍 有帮助' },
        { action: 'handoff', label: '🙋 人工', value: 'x' },
      ],
    };
    const stored = await store.addMessage(t, message);
    expect(stored).toMatchObject(message);
    expect((await store.listMessages(t))[0]).toEqual(stored);
    expect((await store.getThread(t))?.userId).toBe('用户-1');
  });

  it('storeInbound makes the thread and stores the message once, many at once in order', async () => {
    const store = await make({ now: () => new Date('2025-01-02T03:04:05.000Z') });
    const inbound = (thread: string, user: string, id: string, text: string) => ({
      threadId: thread,
      userId: user,
      platform: 'web',
      id,
      text,
      inbound: { platform: 'web', eventId: id, text } as never,
    });
    const seen: string[] = [];
    store.subscribe('web:a', (m) => seen.push(m.text));
    // 30 at once over three threads, one id twice, and a second owner for an existing thread.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.storeInbound(inbound(`web:${'abc'[i % 3]}`, `web:u${i % 3}`, `m${i}`, `第 ${i} 条 👍`)),
      ),
    );
    await store.storeInbound(inbound('web:a', 'web:other', 'm0', 'again'));
    expect(await store.getThread('web:a')).toEqual({
      id: 'web:a',
      userId: 'web:u0',
      createdAt: '2025-01-02T03:04:05.000Z',
    });
    const a = await store.listMessages('web:a');
    expect(a.map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `第 ${i * 3} 条 👍`));
    expect(a.every((m) => m.author === 'user')).toBe(true);
    expect((await store.listMessages('web:c')).length).toBe(10);
    expect(seen).toEqual(a.map((m) => m.text));
  });
}
