/**
 * The bridge keeps another sensitive matter out of a ticket's triage thread (DESIGN §2 flow 5, §7),
 * end to end: the real Bolt app fed signed events, the whole runtime on embedded PostgreSQL, the
 * Slack stand-in for Slack's servers. After a laptop ticket is claimed, the employee's ordinary
 * follow-up still reaches the device engineers; "privately: my manager harasses me" does not — the
 * assistant opens a sensitive ticket of its own for it. The web chat likewise, for a payroll matter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../support/slack-api-stand-in.ts';
import {
  SLACK_BOT as BOT,
  slackEventBody,
  slackPress,
  slackSigned,
  slackTs,
} from '../support/slack-requests.ts';
import { type ChatStack, chatStack, waitFor } from './chat-harness.ts';

const SECRET = 'relay-privacy-secret';
const TRIAGE = 'C0TRIAGE';
const DM = 'D0EMPLOYEE';

type Msg = SlackApiStandIn['messages'][number];

const dmMessage = (text: string, extra: Record<string, unknown> = {}) =>
  slackEventBody({
    type: 'message',
    user: 'U0EMP',
    text,
    ts: slackTs(),
    channel: DM,
    channel_type: 'im',
    ...extra,
  });

describe('the bridge withholds another sensitive matter', () => {
  let slack: SlackApiStandIn;
  let stack: ChatStack;

  beforeAll(async () => {
    slack = await new SlackApiStandIn(BOT).start();
    slack.addUser({ id: 'U0EMP', name: 'li.lei', real_name: 'Li Lei', profile: { display_name: 'Li Lei' } });
    slack.addUser({
      id: 'U0ENG',
      name: 'wang.wei',
      real_name: 'Wang Wei',
      profile: { display_name: 'Wang Wei' },
    });
    stack = await chatStack(
      { SLACK_BOT_TOKEN: 'xoxb-relay', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl },
      { 'handoff.routes': { default: { platform: 'slack', chat: TRIAGE } }, roles: { 'slack:U0ENG': 'l2' } },
    );
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await slack?.stop();
  });

  const post = async (raw: string, contentType: string) => {
    const res = await stack.app.request('/slack/events', {
      method: 'POST',
      headers: slackSigned(raw, contentType, SECRET),
      body: raw,
    });
    expect(res.status).toBe(200);
  };
  const postEvent = (body: unknown) => post(JSON.stringify(body), 'application/json');
  const postPayload = (payload: unknown) =>
    post(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      'application/x-www-form-urlencoded',
    );
  const inChannel = (channel: string) => slack.messages.filter((m) => m.channel === channel);
  /** Every text that reached the triage channel under or on this card: replies, and the card's versions. */
  const underCard = (card: Msg) => [
    ...inChannel(TRIAGE)
      .filter((m) => m.ts === card.ts || m.thread_ts === card.ts)
      .map((m) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`),
    ...slack
      .calls('chat.update')
      .filter((c) => c.params.ts === card.ts)
      .map((c) => JSON.stringify(c.params)),
  ];

  it('Slack DM: the follow-up is relayed to the device engineers, the harassment report is not and gets its own sensitive ticket', async () => {
    const opening = dmMessage('我的笔记本电脑开不了机，按电源键没有反应');
    await postEvent(opening);
    const ts = opening.event.ts;
    const opened = await waitFor(stack.runner, () =>
      inChannel(DM).find((m) => m.thread_ts === ts && /HL-\d+/.test(m.text)),
    );
    const laptopNumber = /HL-\d+/.exec(opened.text)![0];
    const card = await waitFor(stack.runner, () =>
      inChannel(TRIAGE).find((m) => !m.thread_ts && m.text.includes(laptopNumber)),
    );
    await postPayload(slackPress(card, 'claim', 'U0ENG'));
    await waitFor(stack.runner, () =>
      inChannel(DM).find((m) => m.thread_ts === ts && m.text.includes('Wang Wei')),
    );

    // An ordinary follow-up: relayed under the card, and the bot keeps quiet in the claimed thread.
    const quietFrom = inChannel(DM).length;
    await postEvent(dmMessage('我已经重启了电脑，还是一样', { thread_ts: ts }));
    await waitFor(stack.runner, () =>
      inChannel(TRIAGE).find((m) => m.thread_ts === card.ts && m.text.includes('我已经重启了电脑')),
    );
    expect(inChannel(DM).length).toBe(quietFrom);

    // Another, sensitive matter in the same thread.
    const harassment = '另外想私下反映：我的主管王某多次对我性骚扰，让我很困扰，请不要告诉别人';
    await postEvent(dmMessage(harassment, { thread_ts: ts }));
    const own = await waitFor(stack.runner, () =>
      inChannel(DM).find(
        (m) => m.thread_ts === ts && /HL-\d+/.test(m.text) && !m.text.includes(laptopNumber),
      ),
    );
    const ownNumber = /HL-\d+/.exec(own.text)![0];
    const ownCard = await waitFor(stack.runner, () =>
      inChannel(TRIAGE).find((m) => !m.thread_ts && m.text.includes(ownNumber)),
    );
    expect(ownCard.text).toContain('🔒');
    await stack.runner.idle();

    // Nothing of it under the laptop ticket's card, nor in its card.
    for (const text of underCard(card)) {
      expect(text).not.toContain('性骚扰');
      expect(text).not.toContain('王某');
    }
    const sensitive = await stack.runtime.tickets.get(ownNumber);
    expect(sensitive).toMatchObject({ sensitive: true, sensitiveReason: 'harassment', status: 'waiting_l2' });
    expect(sensitive.transcript.filter((l) => l.author === 'user').map((l) => l.text)).toEqual([harassment]);
    const laptop = await stack.runtime.tickets.get(laptopNumber);
    expect(laptop).toMatchObject({ status: 'claimed', severity: 'P2', sensitive: false });
    expect(laptop.transcript.some((l) => l.text.includes('性骚扰'))).toBe(false);
  });

  it('web chat: a payroll matter after a claimed laptop ticket opens its own ticket; the laptop follow-up is still relayed', async () => {
    const say = async (text: string, threadId?: string) => {
      const res = await stack.app.request('/api/chat/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'han.mei', text, ...(threadId ? { threadId } : {}) }),
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { threadId: string }).threadId;
    };
    const read = async (threadId: string) => {
      const res = await stack.app.request(`/api/chat/threads/${threadId}/messages`);
      return (
        (await res.json()) as {
          messages: Array<{ author: string; text: string; ticket?: { number: string } }>;
        }
      ).messages;
    };
    const botTicket = async (threadId: string, not?: string) => {
      const end = Date.now() + 8000;
      for (;;) {
        await stack.runner.idle();
        const m = (await read(threadId)).find(
          (x) => x.author === 'bot' && x.ticket && x.ticket.number !== not,
        );
        if (m?.ticket) return m.ticket.number;
        if (Date.now() > end) throw new Error('no ticket in the web thread');
        await new Promise((r) => setTimeout(r, 40));
      }
    };

    const threadId = await say("My laptop won't turn on since this morning");
    const laptopNumber = await botTicket(threadId);
    const card = await waitFor(stack.runner, () =>
      inChannel(TRIAGE).find((m) => !m.thread_ts && m.text.includes(laptopNumber)),
    );
    await postPayload(slackPress(card, 'claim', 'U0ENG'));
    await waitFor(stack.runner, () => slack.calls('chat.update').some((c) => c.params.ts === card.ts));

    await say('I charged it overnight and it is still a black screen', threadId);
    await waitFor(stack.runner, () =>
      inChannel(TRIAGE).find((m) => m.thread_ts === card.ts && m.text.includes('still a black screen')),
    );

    await say('Separately: my payslip this month is missing 2000 yuan of overtime pay', threadId);
    const payrollNumber = await botTicket(threadId, laptopNumber);
    await waitFor(stack.runner, () =>
      inChannel(TRIAGE).find((m) => !m.thread_ts && m.text.includes(payrollNumber)),
    );
    await stack.runner.idle();
    for (const text of underCard(card)) {
      expect(text).not.toContain('payslip');
      expect(text).not.toContain('2000');
    }
    expect(await stack.runtime.tickets.get(payrollNumber)).toMatchObject({
      category: 'payroll',
      sensitive: true,
    });
    expect(await stack.runtime.tickets.get(laptopNumber)).toMatchObject({
      category: 'device',
      status: 'claimed',
    });
  });
});
