import { describe, expect, it } from 'vitest';
import { FALLBACK_TEXT } from '../../src/assistant/fallback.ts';
import { HelplineError } from '../../src/errors.ts';
import { type ApiJson, botReply, FakeAssistant, makeApp, sleep } from './fake-assistant.ts';

type Json = ApiJson;

describe('POST /api/chat/messages → reply', () => {
  it('accepts with 202, then the bot reply appears in the thread', async () => {
    const assistant = new FakeAssistant(async (turn) =>
      botReply(`Annual leave: apply in the HR portal [1]. (${turn.text})`, {
        citations: [
          {
            n: 1,
            source: 'leave.md',
            title: 'Leave policy',
            heading: 'Annual leave',
            url: 'https://kb/leave',
          },
        ],
        buttons: [{ action: 'feedback_up', label: '👍 Helpful' }],
      }),
    );
    const { post, queue, messages } = await makeApp({ assistant });
    const res = await post('/api/chat/messages', { userId: 'u1', text: '  How do I request leave?  ' });
    expect(res.status).toBe(202);
    const { threadId, messageId } = (await res.json()) as Json;
    expect(typeof threadId).toBe('string');
    expect(typeof messageId).toBe('string');

    await queue.drain();
    const { messages: list } = await messages(threadId);
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ id: messageId, author: 'user', text: 'How do I request leave?' });
    expect(list[1]).toMatchObject({
      author: 'bot',
      text: 'Annual leave: apply in the HR portal [1]. (How do I request leave?)',
      citations: [{ n: 1, title: 'Leave policy', heading: 'Annual leave', url: 'https://kb/leave' }],
      buttons: [{ action: 'feedback_up' }],
    });
    expect(Date.parse(list[1].createdAt as string)).toBeGreaterThanOrEqual(
      Date.parse(list[0].createdAt as string),
    );
    expect(assistant.turns).toEqual([{ userId: 'u1', threadId, text: 'How do I request leave?', messageId }]);
  });

  it('stores the user message before answering 202, even while the assistant is still busy', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const assistant = new FakeAssistant(async () => {
      await gate;
      return botReply('done');
    });
    const { post, queue, messages } = await makeApp({ assistant });
    const { threadId } = (await (
      await post('/api/chat/messages', { userId: 'u1', text: 'hi' })
    ).json()) as Json;
    expect((await messages(threadId)).messages.map((m) => m.author)).toEqual(['user']);
    release();
    await queue.drain();
    expect((await messages(threadId)).messages.map((m) => m.author)).toEqual(['user', 'bot']);
  });

  it('carries a ticket from the reply into the stored message', async () => {
    const ticket = {
      id: 't1',
      number: 'HL-1042',
      severity: 'P1' as const,
      category: 'payroll',
      status: 'open',
      firstResponseDue: '2025-06-01T10:00:00.000Z',
    };
    const assistant = new FakeAssistant(async () => botReply('Ticket opened', { action: 'ticket', ticket }));
    const { post, queue, messages } = await makeApp({ assistant });
    const { threadId } = (await (
      await post('/api/chat/messages', { userId: 'u1', text: 'payslips wrong' })
    ).json()) as Json;
    await queue.drain();
    expect((await messages(threadId)).messages[1].ticket).toEqual(ticket);
  });

  it('continues an existing thread of the same user', async () => {
    const { post, queue, messages } = await makeApp();
    const first = (await (await post('/api/chat/messages', { userId: 'u1', text: 'one' })).json()) as Json;
    await queue.drain();
    const second = await post('/api/chat/messages', { userId: 'u1', text: 'two', threadId: first.threadId });
    expect(second.status).toBe(202);
    expect(((await second.json()) as Json).threadId).toBe(first.threadId);
    await queue.drain();
    expect((await messages(first.threadId)).messages.map((m) => m.text)).toEqual([
      'one',
      'echo: one',
      'two',
      'echo: two',
    ]);
  });

  it('answers turns of one thread in order even when the first is slow', async () => {
    const assistant = new FakeAssistant(async (turn) => {
      if (turn.text === 'slow') await sleep(60);
      return botReply(`re: ${turn.text}`);
    });
    const { post, queue, messages } = await makeApp({ assistant });
    const { threadId } = (await (
      await post('/api/chat/messages', { userId: 'u1', text: 'slow' })
    ).json()) as Json;
    await post('/api/chat/messages', { userId: 'u1', text: 'fast', threadId });
    await queue.drain();
    expect((await messages(threadId)).messages.map((m) => m.text)).toEqual([
      'slow',
      'fast',
      're: slow',
      're: fast',
    ]);
  });

  it('answers different threads in parallel', async () => {
    let running = 0;
    let most = 0;
    const assistant = new FakeAssistant(async (turn) => {
      most = Math.max(most, ++running);
      await sleep(50);
      running--;
      return botReply(turn.text);
    });
    const { post, queue } = await makeApp({ assistant });
    await Promise.all(['a', 'b', 'c'].map((u) => post('/api/chat/messages', { userId: u, text: 'hi' })));
    await queue.drain();
    expect(assistant.turns).toHaveLength(3);
    expect(most).toBeGreaterThan(1);
  });
});

describe('POST /api/chat/messages validation', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['missing userId', { text: 'hi' }, /"userId" is required/],
    ['blank userId', { userId: '  ', text: 'hi' }, /"userId" is required/],
    ['numeric userId', { userId: 42, text: 'hi' }, /"userId" is required/],
    ['userId over 128 characters', { userId: 'u'.repeat(129), text: 'hi' }, /longer than 128/],
    ['missing text', { userId: 'u1' }, /"text" is required/],
    ['empty text', { userId: 'u1', text: '   \n ' }, /"text" is required/],
    [
      'text over 4000 characters',
      { userId: 'u1', text: '字'.repeat(4001) },
      /4001 characters; the limit is 4000/,
    ],
    ['bad JSON', '{"userId": "u1", text:', /must be JSON/],
    ['a JSON array', '[1, 2]', /must be a JSON object/],
    [
      'non-string threadId',
      { userId: 'u1', text: 'hi', threadId: 7 },
      /"threadId" is required and must be a non-empty string/,
    ],
  ];
  it.each(cases)('rejects %s with 400 BAD_REQUEST', async (_name, body, message) => {
    const { post, store } = await makeApp();
    const res = await post('/api/chat/messages', body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as Json;
    expect(json.error.code).toBe('BAD_REQUEST');
    expect(json.error.message).toMatch(message);
    expect(await store.listMessages('anything')).toEqual([]);
  });

  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'a NUL in text',
      { userId: 'u1', text: 'my card 6222021234567890128\u0000' },
      /"text" contains a NUL character \(U\+0000\) at position 28/,
    ],
    ['a NUL in userId', { userId: 'u\u00001', text: 'hi' }, /"userId" contains a NUL character/],
    ['a NUL in threadId', { userId: 'u1', text: 'hi', threadId: 't\u0000' }, /"threadId" contains a NUL/],
    [
      'a bell in text',
      { userId: 'u1', text: 'ring\u0007' },
      /"text" contains a control character \(U\+0007\)/,
    ],
    ['a C1 control in text', { userId: 'u1', text: 'x\u0085y' }, /control character \(U\+0085\)/],
    ['a lone high surrogate in text', { userId: 'u1', text: 'a\ud800b' }, /unpaired surrogate \(U\+D800\)/],
    ['a lone low surrogate in text', { userId: 'u1', text: 'a\udc00' }, /unpaired surrogate \(U\+DC00\)/],
  ];
  it.each(invalid)(
    'rejects %s with 400, a clear message, nothing stored and nothing logged',
    async (_name, body, message) => {
      const { post, store, logs, assistant } = await makeApp();
      const res = await post('/api/chat/messages', body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as Json;
      expect(json.error.code).toBe('BAD_REQUEST');
      expect(json.error.message).toMatch(message);
      expect(json.error.message).toMatch(/remove it and send again/);
      expect((assistant as FakeAssistant).turns).toEqual([]);
      expect(logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
      expect(await store.listMessages('anything')).toEqual([]);
    },
  );

  it('rejects a NUL or a control character in a URL with 400, not a database error', async () => {
    const { app, logs } = await makeApp();
    for (const path of [
      '/api/chat/threads/%00/messages',
      '/api/chat/threads/a%00b/events',
      '/api/tickets?status=%07',
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as Json).error.message).toMatch(/NUL or another control character/);
    }
    // A lone surrogate cannot even be decoded: the route sees the escapes as text.
    expect((await app.request('/api/chat/threads/%ED%A0%80/messages')).status).toBe(404);
    expect(logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it('rejects a NUL in feedback fields with 400', async () => {
    const { post } = await makeApp();
    const res = await post('/api/chat/feedback', { threadId: 't\u0000', messageId: 'm', helpful: true });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error.message).toMatch(/"threadId" contains a NUL/);
  });

  it('accepts tabs, newlines, emoji and CJK', async () => {
    const { post, queue, messages } = await makeApp();
    const res = await post('/api/chat/messages', { userId: 'u1', text: '请假\t余额？\r\n👍 ok' });
    expect(res.status).toBe(202);
    const { threadId } = (await res.json()) as Json;
    await queue.drain();
    expect((await messages(threadId)).messages[0].text).toBe('请假\t余额？\r\n👍 ok');
  });

  it('accepts exactly 4000 characters', async () => {
    const { post } = await makeApp();
    expect((await post('/api/chat/messages', { userId: 'u1', text: 'a'.repeat(4000) })).status).toBe(202);
  });

  it('treats threadId null as a new conversation', async () => {
    const { post } = await makeApp();
    expect((await post('/api/chat/messages', { userId: 'u1', text: 'hi', threadId: null })).status).toBe(202);
  });

  it('rejects an unknown thread with 404 NOT_FOUND and stores nothing', async () => {
    const { post, assistant } = await makeApp();
    const res = await post('/api/chat/messages', { userId: 'u1', text: 'hi', threadId: 'no-such-thread' });
    expect(res.status).toBe(404);
    const json = (await res.json()) as Json;
    expect(json.error.code).toBe('NOT_FOUND');
    expect(json.error.message).toMatch(/Omit threadId to start a new conversation/);
    expect((assistant as FakeAssistant).turns).toEqual([]);
  });

  it("rejects another user's thread exactly like an unknown one", async () => {
    const { post, messages, queue } = await makeApp();
    const { threadId } = (await (
      await post('/api/chat/messages', { userId: 'alice', text: 'hi' })
    ).json()) as Json;
    const res = await post('/api/chat/messages', { userId: 'mallory', text: 'hello', threadId });
    expect(res.status).toBe(404);
    expect(((await res.json()) as Json).error.code).toBe('NOT_FOUND');
    await queue.drain();
    expect((await messages(threadId)).messages.map((m) => m.text)).toEqual(['hi', 'echo: hi']);
  });

  it('rejects a body over 64 KB with 413 and a JSON error', async () => {
    const { post } = await makeApp();
    const res = await post('/api/chat/messages', { userId: 'u1', text: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    const { error } = (await res.json()) as Json;
    expect(error.message).toMatch(/larger than 64 KB/);
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('never silent: fallback replies', () => {
  it('stores the English fallback and reports the error when the assistant throws', async () => {
    const assistant = new FakeAssistant(async () => {
      throw new Error('index not loaded');
    });
    const { post, queue, messages, failures, queueErrors } = await makeApp({ assistant });
    const { threadId, messageId } = (await (
      await post('/api/chat/messages', { userId: 'u1', text: 'How do I reset my password?' })
    ).json()) as Json;
    await queue.drain();
    const list = (await messages(threadId)).messages;
    expect(list[1]).toMatchObject({ author: 'bot', text: FALLBACK_TEXT.en });
    expect(list[1].buttons).toEqual([
      { action: 'handoff', label: '🙋 Talk to a human', value: 'talk to a human' },
    ]);
    expect(failures()).toHaveLength(1);
    expect(failures()[0]).toMatchObject({
      reason: 'error',
      threadId,
      messageId,
      err: { message: 'index not loaded' },
    });
    expect(queueErrors).toEqual([]);
  });

  it('answers in Chinese when the user wrote Chinese', async () => {
    const assistant = new FakeAssistant(() => {
      throw new Error('sync failure');
    });
    const { post, queue, messages } = await makeApp({ assistant });
    const { threadId } = (await (
      await post('/api/chat/messages', { userId: 'u1', text: 'VPN 连不上' })
    ).json()) as Json;
    await queue.drain();
    expect((await messages(threadId)).messages[1].text).toBe(FALLBACK_TEXT.zh);
  });

  it('stores the fallback when the assistant misses the deadline, then the late answer as a follow-up', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const assistant = new FakeAssistant(async () => {
      await gate;
      return botReply('here it is, late');
    });
    const { post, queue, messages, failures } = await makeApp({ assistant, replyDeadlineMs: 30 });
    const { threadId } = (await (
      await post('/api/chat/messages', { userId: 'u1', text: 'hello' })
    ).json()) as Json;
    // The answer is held back: the watchdog's fallback arrives first.
    for (let i = 0; i < 200 && (await messages(threadId)).messages.length < 2; i++) await sleep(25);
    expect((await messages(threadId)).messages.map((m) => m.text)).toEqual(['hello', FALLBACK_TEXT.en]);
    expect(failures().map((f) => f.reason)).toEqual(['timeout']);
    release();
    await queue.drain();
    expect((await messages(threadId)).messages.map((m) => m.text)).toEqual([
      'hello',
      FALLBACK_TEXT.en,
      'here it is, late',
    ]);
  });

  it('treats an empty reply as a failure', async () => {
    const assistant = new FakeAssistant(async () => botReply('  '));
    const { post, queue, messages, failures } = await makeApp({ assistant });
    const { threadId } = (await (
      await post('/api/chat/messages', { userId: 'u1', text: 'hi' })
    ).json()) as Json;
    await queue.drain();
    expect((await messages(threadId)).messages[1].text).toBe(FALLBACK_TEXT.en);
    expect(failures()[0].reason).toBe('error');
  });

  it('refuses with 503 and a next step when the message cannot be taken, and answers nothing half-done', async () => {
    const broken = await makeApp();
    await broken.db.exec('DROP TABLE messages CASCADE');
    const res = await broken.post('/api/chat/messages', { userId: 'u1', text: 'hi' });
    expect(res.status).toBe(503);
    const json = (await res.json()) as Json;
    expect(json.error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/send it again/),
    });
    await broken.queue.drain();
    expect(broken.assistant.turns).toEqual([]);
  });
});

describe('GET /api/chat/threads/:threadId/messages', () => {
  it('returns 404 NOT_FOUND for an unknown thread', async () => {
    const { app } = await makeApp();
    const res = await app.request('/api/chat/threads/nope/messages');
    expect(res.status).toBe(404);
    expect(((await res.json()) as Json).error.code).toBe('NOT_FOUND');
  });

  it('returns only the contract fields', async () => {
    const { post, queue, messages } = await makeApp();
    const { threadId } = (await (
      await post('/api/chat/messages', { userId: 'u1', text: 'hi' })
    ).json()) as Json;
    await queue.drain();
    const [user, bot] = (await messages(threadId)).messages;
    expect(Object.keys(user).sort()).toEqual(['author', 'createdAt', 'id', 'text']);
    expect(Object.keys(bot).sort()).toEqual(['author', 'buttons', 'citations', 'createdAt', 'id', 'text']);
  });
});

describe('POST /api/chat/feedback', () => {
  async function answered() {
    const ctx = await makeApp();
    const feedback = async () => {
      await ctx.queue.drain();
      return ctx.db.query('SELECT thread_id, message_id, helpful, user_id FROM feedback');
    };
    const { threadId } = (await (
      await ctx.post('/api/chat/messages', { userId: 'u1', text: 'hi' })
    ).json()) as Json;
    await ctx.queue.drain();
    const [user, bot] = (await ctx.messages(threadId)).messages;
    return { ...ctx, feedback, threadId, userMessageId: user.id as string, botMessageId: bot.id as string };
  }

  it('records 👍/👎 on a bot message with 204', async () => {
    const { post, feedback, threadId, botMessageId } = await answered();
    const res = await post('/api/chat/feedback', { threadId, messageId: botMessageId, helpful: false });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(await feedback()).toEqual([
      { thread_id: threadId, message_id: botMessageId, helpful: false, user_id: 'u1' },
    ]);
  });

  it('validates helpful, the thread, the message and its author', async () => {
    const { post, threadId, botMessageId, userMessageId } = await answered();
    const check = async (body: unknown, status: number, message: RegExp) => {
      const res = await post('/api/chat/feedback', body);
      expect(res.status).toBe(status);
      expect(((await res.json()) as Json).error.message).toMatch(message);
    };
    await check({ threadId, messageId: botMessageId, helpful: 'yes' }, 400, /"helpful" must be true/);
    await check({ threadId, helpful: true }, 400, /"messageId" is required/);
    await check({ threadId: 'nope', messageId: botMessageId, helpful: true }, 404, /not found/);
    await check({ threadId, messageId: 'nope', helpful: true }, 404, /is not in thread/);
    await check({ threadId, messageId: userMessageId, helpful: true }, 400, /bot or agent message/);
    await check({ threadId, messageId: botMessageId, helpful: true, userId: 'other' }, 404, /not found/);
  });
});

describe('server shell', () => {
  it('GET /healthz → {status: ok}', async () => {
    const { app } = await makeApp();
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers unknown /api paths and wrong methods with a JSON 404 (a 401 first without a credential)', async () => {
    const { app, access } = await makeApp();
    const anonymous = await app.request('/api/nothing');
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as Json).error.code).toBe('UNAUTHENTICATED');
    const { token } = await access.tokens.create({ userId: 'emp-a', role: 'employee' });
    for (const [method, path] of [
      ['GET', '/api/nothing'],
      ['GET', '/api/chat/messages'],
      ['DELETE', '/api/chat/threads/x/messages'],
    ]) {
      const res = await app.request(path, { method, headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(404);
      const json = (await res.json()) as Json;
      expect(json.error.code).toBe('NOT_FOUND');
      expect(json.error.message).toContain(path);
    }
  });

  it('maps HelplineError codes to statuses and hides internals of unknown errors', async () => {
    const { app } = await makeApp();
    app.get('/boom/not-found', () => {
      throw new HelplineError('NOT_FOUND', 'Ticket HL-1 does not exist.');
    });
    app.get('/boom/llm', () => {
      throw new HelplineError('LLM_FAILED', 'The LLM endpoint did not answer; check OPENAI_BASE_URL.');
    });
    app.get('/boom/raw', () => {
      throw new TypeError('secret internal detail at /srv/app.ts:42');
    });
    const notFound = await app.request('/boom/not-found');
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'Ticket HL-1 does not exist.' },
    });
    const llm = await app.request('/boom/llm');
    expect(llm.status).toBe(500);
    expect(((await llm.json()) as Json).error.code).toBe('LLM_FAILED');
    const raw = await app.request('/boom/raw');
    expect(raw.status).toBe(500);
    const text = await raw.text();
    expect(JSON.parse(text).error.code).toBe('INTERNAL');
    expect(text).not.toMatch(/secret|app\.ts|TypeError|at /);
  });
});

describe('JSON content type', () => {
  it('refuses a text/plain (cross-site form or fetch) POST with 415, a clear message and nothing stored', async () => {
    const { app, assistant } = await makeApp();
    for (const type of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      undefined,
    ]) {
      for (const path of ['/api/chat/messages', '/api/chat/feedback']) {
        const res = await app.request(path, {
          method: 'POST',
          headers: type ? { 'content-type': type } : {},
          body: JSON.stringify({ userId: 'u1', text: 'hi' }),
        });
        expect(res.status, `${path} ${type}`).toBe(415);
        const json = (await res.json()) as Json;
        expect(json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
        expect(json.error.message).toMatch(/Content-Type: application\/json/);
      }
    }
    expect((assistant as FakeAssistant).turns).toEqual([]);
  });

  it('accepts application/json with a charset', async () => {
    const { app } = await makeApp();
    const res = await app.request('/api/chat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ userId: 'u1', text: 'hi' }),
    });
    expect(res.status).toBe(202);
  });
});
