/**
 * The web chat end to end, with the triage card on Slack (the stand-in): a follow-up in the
 * employee's web thread that widens the scope raises the open ticket (issue 10 item 4) — relayed to
 * the engineer, the card updated in place, the employee told the new target in the thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../support/slack-api-stand-in.ts';
import { type ChatStack, chatStack, waitFor } from './chat-harness.ts';

const TRIAGE = 'C0TRIAGE';

interface WebMessage {
  author: string;
  text: string;
  ticket?: { number: string; severity: string };
}

describe('web chat: the conversation raises severity', () => {
  let slack: SlackApiStandIn;
  let stack: ChatStack;

  beforeAll(async () => {
    slack = await new SlackApiStandIn({ botUserId: 'U0BOT', botId: 'B0BOT', teamId: 'T0ACME' }).start();
    stack = await chatStack(
      { SLACK_BOT_TOKEN: 'xoxb-web', SLACK_SIGNING_SECRET: 'web-secret', SLACK_API_URL: slack.apiUrl },
      { 'handoff.routes': { default: { platform: 'slack', chat: TRIAGE } } },
    );
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await slack?.stop();
  });

  const say = async (text: string, threadId?: string) => {
    const res = await stack.app.request('/api/chat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'li.lei', text, ...(threadId ? { threadId } : {}) }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { threadId: string }).threadId;
  };
  const read = async (threadId: string) => {
    const res = await stack.app.request(`/api/chat/threads/${threadId}/messages`);
    return ((await res.json()) as { messages: WebMessage[] }).messages;
  };
  /** Waits (letting queued jobs run) for a bot message of the thread that passes `test`. */
  const botSays = async (threadId: string, test: (m: WebMessage) => boolean) => {
    const end = Date.now() + 8000;
    for (;;) {
      await stack.runner.idle();
      const found = (await read(threadId)).find((m) => m.author === 'bot' && test(m));
      if (found) return found;
      if (Date.now() > end) throw new Error(`timed out waiting for ${test.toString()}`);
      await new Promise((r) => setTimeout(r, 40));
    }
  };

  it('a one-office P1 report, then "Shenzhen and Beijing too, now everyone" → P0, card updated, new target told', async () => {
    const threadId = await say("The Shanghai office can't clock in this morning");
    const opened = await botSays(threadId, (m) => Boolean(m.ticket));
    expect(opened.ticket?.severity).toBe('P1');
    const number = opened.ticket!.number;
    const card = await waitFor(stack.runner, () =>
      slack.messages.find((m) => m.channel === TRIAGE && !m.thread_ts && m.text.includes(number)),
    );

    await say("Shenzhen and Beijing too, now it's everyone", threadId);
    const told = await botSays(threadId, (m) => m.text.includes('raised from P1 to P0'));
    expect(told.ticket).toMatchObject({ number, severity: 'P0' });
    expect(told.text).toContain('15 minutes');
    await waitFor(stack.runner, () =>
      slack.messages.find((m) => m.thread_ts === card.ts && m.text.includes('Shenzhen and Beijing')),
    );
    await waitFor(stack.runner, () =>
      slack
        .calls('chat.update')
        .some((c) => c.params.ts === card.ts && JSON.stringify(c.params).includes('P0')),
    );
    const ticket = await stack.runtime.tickets.get(number);
    expect(ticket.severity).toBe('P0');
    expect(ticket.rationale).toMatch(/^The conversation added scope \(P1 → P0\)/);
    // The SLA clocks count to P0's targets now (15 minutes to first response, on the 24×7 calendar).
    expect(ticket.clocks.map((c) => [c.kind, c.severity])).toEqual([
      ['first_response', 'P0'],
      ['resolution', 'P0'],
    ]);
    const audit = (await stack.runtime.tickets.events(number)).filter(
      (e) => e.action === 'severity_overridden',
    );
    expect(audit).toEqual([expect.objectContaining({ actor: 'helpline', from: 'P1', to: 'P0' })]);
  });
});
