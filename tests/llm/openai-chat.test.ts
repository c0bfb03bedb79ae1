/** OpenAiChatModel through the real `openai` client against the local stand-in. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiChatModel } from '../../src/llm/openai-chat.ts';
import { openAiClient } from '../../src/llm/openai-client.ts';
import { type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.ts';
import { failureOf } from './fixtures.ts';

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn({ apiKey: 'test-key' });
});
beforeEach(() => standIn.reset());
afterAll(() => standIn.close());

const model = (timeoutMs?: number) =>
  new OpenAiChatModel(openAiClient({ baseURL: standIn.url, apiKey: 'test-key', timeoutMs }), 'helpline-chat');
const messages = [
  { role: 'system' as const, content: 'Answer from the passages.' },
  { role: 'user' as const, content: 'How many days of annual leave?' },
];

describe('OpenAiChatModel', () => {
  it('sends the model, the messages and a low temperature, and returns the content', async () => {
    standIn.reply = () => 'You get 20 days [1].';
    await expect(model().complete(messages)).resolves.toBe('You get 20 days [1].');
    expect(standIn.requests).toHaveLength(1);
    const [req] = standIn.requests;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer test-key');
    expect(req.body).toMatchObject({ model: 'helpline-chat', messages, temperature: 0.1, max_tokens: 800 });
    expect(req.body).not.toHaveProperty('response_format');
  });

  it('passes temperature, max tokens and JSON mode through', async () => {
    standIn.reply = () => '{"ok":true}';
    const json = [{ role: 'user' as const, content: 'Reply in JSON.' }];
    await expect(model().complete(json, { temperature: 0, maxTokens: 50, json: true })).resolves.toBe(
      '{"ok":true}',
    );
    expect(standIn.chatRequests()[0]).toMatchObject({
      temperature: 0,
      max_tokens: 50,
      response_format: { type: 'json_object' },
    });
  });

  it('retries a 500 once, then fails with LLM_FAILED naming the model and what to check', async () => {
    standIn.failNext({ status: 500 }, { status: 500 });
    const err = await failureOf(model().complete(messages));
    expect(err.code).toBe('LLM_FAILED');
    expect(err.message).toContain('"helpline-chat"');
    expect(err.message).toContain('OPENAI_BASE_URL');
    expect(standIn.requests).toHaveLength(2);
  });

  it('recovers when the retry succeeds, waiting as long as Retry-After asks', async () => {
    standIn.failNext({ status: 429, retryAfter: 1 });
    standIn.reply = () => 'fine';
    const started = Date.now();
    await expect(model().complete(messages)).resolves.toBe('fine');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(standIn.requests).toHaveLength(2);
    expect(standIn.requests[1].headers['x-stainless-retry-count']).toBe('1');
  });

  it('does not retry a 400: the request is wrong, not the server', async () => {
    standIn.failNext({ status: 400, message: 'bad request' });
    const err = await failureOf(model().complete(messages));
    expect(err.code).toBe('LLM_FAILED');
    expect(err.message).toContain('bad request');
    expect(standIn.requests).toHaveLength(1);
  });

  it('gives up after timeoutMs per attempt (one retry), well before the slow server would answer', async () => {
    standIn.delayMs = 5_000;
    const started = Date.now();
    const err = await failureOf(model(200).complete(messages));
    const elapsed = Date.now() - started;
    expect(err.code).toBe('LLM_FAILED');
    expect(err.message).toMatch(/timed out/i);
    // Two 200 ms attempts and a backoff of at most 500 ms.
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(1_500);
    expect(standIn.requests).toHaveLength(2);
  });

  it('fails with LLM_FAILED when the response has no message content', async () => {
    standIn.failNext({
      status: 200,
      body: { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [] },
    });
    const err = await failureOf(model().complete(messages));
    expect(err.code).toBe('LLM_FAILED');
    expect(err.message).toContain('no message content');
  });
});
