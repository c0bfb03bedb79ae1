/**
 * The LLM second opinion wired into the running assistant (issue 10 item 5): with OPENAI_BASE_URL
 * set, incidents and handoffs typed in the web chat are also classified by the model (the local
 * OpenAI-compatible stand-in) and the results combined; malformed output and a model slower than
 * the budget fall back to the offline result; questions never wait for the model.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classify } from '../../src/triage/classify.ts';
import { DEFAULT_LLM_TRIAGE_BUDGET_MS } from '../../src/triage/llm-classify.ts';
import { type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.ts';
import { type ChatStack, chatStack } from './chat-harness.ts';

interface WebMessage {
  author: string;
  text: string;
  ticket?: { number: string; severity: string };
}

describe('web chat: the LLM second opinion on incidents', () => {
  let model: OpenAiStandIn;
  let stack: ChatStack;

  beforeAll(async () => {
    model = await startOpenAiStandIn({ apiKey: 'llm-key' });
    stack = await chatStack({ OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'llm-key' }, {});
  }, 60_000);
  beforeEach(() => model.reset());
  afterAll(async () => {
    await stack?.close();
    await model?.close();
  });

  /** Sends a message in a new thread and waits for the bot's reply. */
  const ask = async (text: string): Promise<WebMessage> => {
    const res = await stack.app.request('/api/chat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'li.lei', text }),
    });
    const { threadId } = (await res.json()) as { threadId: string };
    const end = Date.now() + 15_000;
    for (;;) {
      await stack.runner.idle();
      const list = (await (await stack.app.request(`/api/chat/threads/${threadId}/messages`)).json()) as {
        messages: WebMessage[];
      };
      const bot = list.messages.find((m) => m.author === 'bot');
      if (bot) return bot;
      if (Date.now() > end) throw new Error(`no reply to "${text}"`);
      await new Promise((r) => setTimeout(r, 40));
    }
  };
  const metric = async (outcome: string) => {
    const text = await stack.runtime.metrics.registry.metrics();
    return Number(new RegExp(`helpline_triage_llm_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1]);
  };

  it('a P0 the model reads in a one-line report raises the ticket, with both readings in the rationale', async () => {
    model.reply = () =>
      JSON.stringify({
        intent: 'incident',
        severity: 'P0',
        category: 'attendance',
        rationale: 'Three offices at once is most of the company.',
      });
    // Two offices: the offline rubric says P1 (a site or two); the model reads more and says P0.
    const text = 'Clock-in fails in the Shanghai office and the Shenzhen office';
    expect(classify({ text }).severity).toBe('P1');
    const reply = await ask(text);
    expect(model.chatRequests()).toHaveLength(1);
    expect(reply.ticket?.severity).toBe('P0');
    const ticket = await stack.runtime.tickets.get(reply.ticket!.number);
    expect(ticket.rationale).toMatch(/LLM second opinion/);
    expect(ticket.signals.map((s) => s.name)).toContain('llm_opinion');
    expect(await metric('disagreed')).toBe(1);
  });

  it('malformed output or a model slower than the budget: the offline result, within the budget', async () => {
    model.reply = () => 'not json at all';
    const malformed = await ask("The Shanghai office can't connect to the VPN this morning");
    expect(malformed.ticket?.severity).toBe('P1');
    expect(await metric('malformed')).toBe(1);

    model.reply = () =>
      JSON.stringify({ intent: 'incident', severity: 'P0', category: 'attendance', rationale: 'late' });
    model.delayMs = DEFAULT_LLM_TRIAGE_BUDGET_MS + 2000;
    const started = Date.now();
    const slowText = "Our team's expense sync to the finance system has failed since yesterday";
    const slow = await ask(slowText);
    expect(Date.now() - started).toBeLessThan(DEFAULT_LLM_TRIAGE_BUDGET_MS + 1500);
    // The offline reading, whatever it is, not the late model's P0.
    expect(slow.ticket?.severity).toBe(classify({ text: slowText }).severity);
    expect(slow.ticket?.severity).not.toBe('P0');
    expect(await metric('timeout')).toBe(1);
  }, 20_000);

  it('a how-to question is answered without asking the model', async () => {
    const reply = await ask('How do I request annual leave?');
    expect(reply.ticket).toBeUndefined();
    expect(model.chatRequests()).toHaveLength(0);
  });
});
