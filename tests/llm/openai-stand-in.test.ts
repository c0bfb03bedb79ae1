/** The stand-in itself: it must refuse what the real API refuses, or the other tests prove little. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cosine, embedText, type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.ts';

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: 'test-key' });
});
beforeEach(() => standIn.reset());
afterAll(() => standIn.close());

interface ApiJson {
  id?: string;
  created?: number;
  error?: Record<string, unknown>;
  data?: { object: string; index: number; embedding: number[] | string }[];
  [field: string]: unknown;
}

async function post(path: string, body: unknown, auth: string | null = 'Bearer test-key') {
  const res = await fetch(`${standIn.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as ApiJson };
}

const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('OpenAI stand-in', () => {
  it('listens on 127.0.0.1 with a base URL ending in /v1', () => {
    expect(standIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('answers a chat completion in the real shape and records the request', async () => {
    standIn.reply = (r) => `you said ${r.messages.at(-1)?.content}`;
    const { status, json } = await post('/chat/completions', {
      ...chat,
      temperature: 0,
      unknown_field: true,
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      object: 'chat.completion',
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'you said hi' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: expect.any(Number),
        completion_tokens: expect.any(Number),
        total_tokens: expect.any(Number),
      },
    });
    expect(json.id).toMatch(/^chatcmpl-/);
    expect(Number.isInteger(json.created)).toBe(true);
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'm' },
    });
    expect(standIn.requests[0].headers.authorization).toBe('Bearer test-key');
  });

  it.each([
    ['no API key', chat, null, 401, null],
    ['a wrong API key', chat, 'Bearer nope', 401, 'invalid_api_key'],
    ['a body that is not JSON', '{"model": ', 'Bearer test-key', 400, null],
    ['no model', { messages: chat.messages }, 'Bearer test-key', 400, null],
    ['no messages', { model: 'm' }, 'Bearer test-key', 400, 'missing_required_parameter'],
    ['empty messages', { model: 'm', messages: [] }, 'Bearer test-key', 400, 'empty_array'],
    [
      'an unknown role',
      { model: 'm', messages: [{ role: 'bot', content: 'x' }] },
      'Bearer test-key',
      400,
      'invalid_value',
    ],
    [
      'a numeric content',
      { model: 'm', messages: [{ role: 'user', content: 3 }] },
      'Bearer test-key',
      400,
      'invalid_type',
    ],
    ['a temperature above 2', { ...chat, temperature: 3 }, 'Bearer test-key', 400, 'invalid_value'],
    [
      'json mode without "json" in the messages',
      { ...chat, response_format: { type: 'json_object' } },
      'Bearer test-key',
      400,
      null,
    ],
  ])('refuses a chat request with %s, with an OpenAI error body', async (_, body, auth, status, code) => {
    const res = await post('/chat/completions', body, auth);
    expect(res.status).toBe(status);
    expect(res.json).toEqual({
      error: {
        message: expect.any(String),
        type: 'invalid_request_error',
        param: expect.toBeOneOf([null, expect.any(String)]),
        code,
      },
    });
  });

  it.each([
    ['no input', { model: 'e' }],
    ['an empty input list', { model: 'e', input: [] }],
    ['an empty string', { model: 'e', input: ['a', ''] }],
    ['a numeric input', { model: 'e', input: 42 }],
    ['an unknown encoding', { model: 'e', input: 'a', encoding_format: 'hex' }],
  ])('refuses an embeddings request with %s', async (_, body) => {
    const res = await post('/embeddings', body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error' });
  });

  it('embeds as floats or as base64 float32, one vector per input with its index', async () => {
    const floats = await post('/embeddings', { model: 'e', input: ['annual leave', '年假怎么请'] });
    expect(floats.json).toMatchObject({
      object: 'list',
      model: 'e',
      usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
    expect(floats.json.data).toEqual([
      { object: 'embedding', index: 0, embedding: embedText('annual leave') },
      { object: 'embedding', index: 1, embedding: embedText('年假怎么请') },
    ]);
    const b64 = await post('/embeddings', { model: 'e', input: 'annual leave', encoding_format: 'base64' });
    const bytes = Buffer.from(b64.json.data?.[0].embedding as string, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    expect(decoded).toEqual(Array.from(Float32Array.from(embedText('annual leave'))));
  });

  it('embeds similar texts close together and unrelated ones apart, in English and Chinese', () => {
    const leave = embedText('How many days of annual leave do I get?');
    expect(embedText('x')).toHaveLength(64);
    expect(Math.hypot(...leave)).toBeCloseTo(1, 10);
    expect(cosine(leave, embedText('annual leave days'))).toBeGreaterThan(0.5);
    expect(cosine(leave, embedText('reset the VPN password'))).toBeLessThan(0.3);
    expect(cosine(embedText('年假有几天'), embedText('年假有多少天'))).toBeGreaterThan(0.4);
    expect(cosine(embedText('年假有几天'), embedText('报销发票'))).toBeLessThan(0.3);
  });

  it('plays canned failures in order, with Retry-After, then behaves again', async () => {
    standIn.failNext({ status: 429, retryAfter: 2 }, { status: 500 });
    const first = await post('/chat/completions', chat);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(first.json.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect((await post('/chat/completions', chat)).json.error).toMatchObject({ type: 'server_error' });
    expect((await post('/chat/completions', chat)).status).toBe(200);
  });
});
