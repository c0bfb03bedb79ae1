/**
 * Slack end to end (issue 6): the real Bolt app on our server (HTTP events, signed) and over Socket
 * Mode, the whole runtime behind it, every Web API call answered by the stand-in that validates it
 * against Slack's official OpenAPI spec. Employee in a DM with the bot, engineers in #triage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../support/slack-api-stand-in.ts';
import {
  SLACK_BOT as BOT,
  slackEventBody as eventBody,
  slackTs as nextTs,
  slackPress as press,
  slackSigned,
} from '../support/slack-requests.ts';
import { type SlackSocketServer, startSlackSocketServer } from '../support/slack-socket-server.ts';
import { type ChatStack, chatStack, waitFor } from './chat-harness.ts';

/** A case that only means something in one transport: not collected at all in the other. */
const itIf = (condition: boolean): typeof it =>
  condition ? it : ((() => undefined) as unknown as typeof it);

const SECRET = 'e2e-signing-secret';
const TRIAGE = 'C0TRIAGE';
const DM = 'D0EMPLOYEE';

const dmMessage = (text: string, extra: Record<string, unknown> = {}) =>
  eventBody({
    type: 'message',
    user: 'U0EMP',
    text,
    ts: nextTs(),
    channel: DM,
    channel_type: 'im',
    ...extra,
  });

const triageReply = (text: string, threadTs: string, user = 'U0ENG') =>
  eventBody({
    type: 'message',
    user,
    text,
    ts: nextTs(),
    thread_ts: threadTs,
    channel: TRIAGE,
    channel_type: 'channel',
  });

describe.each(['http', 'socket'] as const)('Slack end to end over %s', (mode) => {
  let slack: SlackApiStandIn;
  let socket: SlackSocketServer | undefined;
  let stack: ChatStack;
  const http = mode === 'http';
  const post = (raw: string, contentType: string, headers: Record<string, string> = {}) =>
    stack.app.request('/slack/events', {
      method: 'POST',
      headers: { ...slackSigned(raw, contentType, SECRET), ...headers },
      body: raw,
    });
  /** HTTP: the status Slack gets. Socket Mode: 200 once the envelope is acked (the ack is awaited). */
  const viaSocket = async (
    type: 'events_api' | 'interactive' | 'slash_commands',
    payload: unknown,
    retry = false,
  ) => {
    const ack = await socket!.sendEnvelope(
      type,
      payload,
      retry ? { retryAttempt: 1, retryReason: 'timeout' } : {},
    );
    return { status: ack.envelope_id ? 200 : 500 };
  };
  const postEvent = async (body: unknown, headers?: Record<string, string>) =>
    http
      ? post(JSON.stringify(body), 'application/json', headers)
      : viaSocket('events_api', body, Boolean(headers?.['x-slack-retry-num']));
  const postPayload = async (payload: unknown) =>
    http
      ? post(
          new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
          'application/x-www-form-urlencoded',
        )
      : viaSocket('interactive', payload);
  const postCommand = async (fields: Record<string, string>) =>
    http
      ? post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded')
      : viaSocket('slash_commands', fields);
  const inChannel = (channel: string) => slack.messages.filter((m) => m.channel === channel);

  beforeAll(async () => {
    slack = await new SlackApiStandIn(BOT).start();
    slack.addUser({
      id: 'U0EMP',
      name: 'li.lei',
      real_name: 'Li Lei',
      profile: { display_name: 'Li Lei', title: 'Finance' },
    });
    // An HR admin whose role is given by email in config: linked through the email Slack verified.
    slack.addUser({
      id: 'U0HR',
      name: 'zhao.min',
      real_name: 'Zhao Min',
      profile: { display_name: 'Zhao Min', title: 'HR', email: 'Zhao.Min@example.com' },
    });
    slack.addUser({
      id: 'U0ENG',
      name: 'wang.wei',
      real_name: 'Wang Wei',
      profile: { display_name: 'Wang Wei', title: 'IT L2' },
    });
    if (!http) socket = await startSlackSocketServer(slack);
    stack = await chatStack(
      {
        SLACK_BOT_TOKEN: 'xoxb-e2e',
        SLACK_API_URL: slack.apiUrl,
        ...(http ? { SLACK_SIGNING_SECRET: SECRET } : { SLACK_APP_TOKEN: 'xapp-1-e2e' }),
      },
      {
        'handoff.routes': { default: { platform: 'slack', chat: TRIAGE } },
        roles: { 'slack:U0ENG': 'l2', 'zhao.min@example.com': 'hr_admin' },
      },
    );
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await socket?.close();
    await slack?.stop();
  });

  it('starts and says how it runs and as whom', () => {
    expect(stack.banner.join('\n')).toMatch(
      http ? /HTTP events at POST \/slack\/events as @/ : /Socket Mode as @/,
    );
  });

  it('a question in a DM gets a threaded answer with citations and buttons; a retried delivery changes nothing', async () => {
    const body = dmMessage('How do I request annual leave?');
    const res = await postEvent(body);
    expect(res.status).toBe(200);
    const ts = body.event.ts as string;
    const answer = await waitFor(stack.runner, () => inChannel(DM).find((m) => m.thread_ts === ts));
    const blocks = JSON.stringify(answer.blocks);
    expect(blocks).toMatch(/context/);
    expect(blocks).toMatch(/feedback_up/);
    expect(blocks).toMatch(/handoff/);
    // Slack retries (timeout on its side): acked, not processed again.
    const again = await postEvent(body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    await stack.runner.idle();
    expect(inChannel(DM).filter((m) => m.thread_ts === ts)).toHaveLength(1);
  });

  itIf(http)(
    'a bad signature is refused with 401 and never processed; garbage is acked and logged',
    async () => {
      const before = slack.messages.length;
      const raw = JSON.stringify(dmMessage('How do I request annual leave?'));
      const bad = await stack.app.request('/slack/events', {
        method: 'POST',
        headers: slackSigned(raw, 'application/json', 'wrong-secret'),
        body: raw,
      });
      expect(bad.status).toBe(401);
      const junk = await post('{"type":"event_callback","event":', 'application/json');
      expect(junk.status).toBeLessThan(500);
      await new Promise((r) => setTimeout(r, 200));
      await stack.runner.idle();
      expect(slack.messages.length).toBe(before);
      const metrics = await stack.runtime.metrics.registry.metrics();
      expect(metrics).toMatch(
        /helpline_webhook_rejected_total\{[^}]*platform="slack"[^}]*reason="signature"[^}]*\} 1/,
      );
    },
  );

  it('incident → ticket in the thread and a card in #triage; claim, relay both ways, // note, resolve, rating', async () => {
    const body = dmMessage('The VPN is down for the whole Shanghai office, nobody can connect since 9am');
    await postEvent(body);
    const ts = body.event.ts as string;
    const reply = await waitFor(stack.runner, () => inChannel(DM).find((m) => m.thread_ts === ts));
    expect(reply.text).toMatch(/HL-\d+/);
    const number = /HL-\d+/.exec(reply.text)![0];
    const card = await waitFor(stack.runner, () =>
      inChannel(TRIAGE).find((m) => m.text.includes(number) && !m.thread_ts),
    );
    expect(JSON.stringify(card.blocks)).toMatch(/Li Lei/);

    // Claim: the card is updated in place, the employee hears who is on it.
    expect((await postPayload(press(card, 'claim', 'U0ENG'))).status).toBe(200);
    await waitFor(stack.runner, () => slack.calls('chat.update').some((c) => c.params.ts === card.ts));
    await waitFor(stack.runner, () =>
      inChannel(DM).find((m) => m.thread_ts === ts && m.text.includes('Wang Wei')),
    );

    // The engineer answers under the card (no mention needed); a // note stays in #triage.
    await postEvent(triageReply('Which VPN client version do you use?', card.ts));
    await postEvent(triageReply('// probably the cert rotation last night', card.ts));
    await waitFor(stack.runner, () => inChannel(DM).find((m) => m.text.includes('Which VPN client')));
    await new Promise((r) => setTimeout(r, 1500));
    await stack.runner.idle();
    expect(inChannel(DM).some((m) => m.text.includes('cert rotation'))).toBe(false);

    // The employee answers in their thread: it reaches the triage thread, and the bot keeps quiet.
    const before = inChannel(DM).length;
    await postEvent(dmMessage('Version 5.2, on Windows', { thread_ts: ts }));
    await waitFor(stack.runner, () =>
      inChannel(TRIAGE).find((m) => m.thread_ts === card.ts && m.text.includes('Version 5.2')),
    );
    expect(inChannel(DM).length).toBe(before);

    // Resolve → the employee is asked to rate; a 4 closes the ticket.
    const current = inChannel(TRIAGE).find((m) => m.ts === card.ts)!;
    await postPayload(press(current, 'resolve', 'U0ENG'));
    const ask = await waitFor(stack.runner, () =>
      inChannel(DM).find((m) => JSON.stringify(m.blocks ?? []).includes('rate_4')),
    );
    await postPayload(press(ask, 'rate_4', 'U0EMP'));
    await waitFor(stack.runner, async () => undefined as never, 1).catch(() => {});
    const ticket = await waitForTicket(stack, number, 'closed');
    expect(ticket.csat).toBe(4);
  });

  it('a follow-up in a claimed thread that widens the scope → relayed, raised P1 → P0, the card updated, the employee told the new target', async () => {
    const body = dmMessage("The Shanghai office can't clock in this morning");
    await postEvent(body);
    const ts = body.event.ts as string;
    const reply = await waitFor(stack.runner, () =>
      inChannel(DM).find((m) => m.thread_ts === ts && /HL-\d+/.test(m.text)),
    );
    expect(reply.text).toContain('P1');
    const number = /HL-\d+/.exec(reply.text)![0];
    const card = await waitFor(stack.runner, () =>
      inChannel(TRIAGE).find((m) => m.text.includes(number) && !m.thread_ts),
    );
    await postPayload(press(card, 'claim', 'U0ENG'));
    await waitFor(stack.runner, () =>
      inChannel(DM).find((m) => m.thread_ts === ts && m.text.includes('Wang Wei')),
    );

    await postEvent(dmMessage("Shenzhen and Beijing too, now it's everyone", { thread_ts: ts }));
    const told = await waitFor(stack.runner, () =>
      inChannel(DM).find((m) => m.thread_ts === ts && m.text.includes('raised from P1 to P0')),
    );
    expect(told.text).toContain('15 minutes');
    await waitFor(stack.runner, () =>
      inChannel(TRIAGE).find((m) => m.thread_ts === card.ts && m.text.includes('Shenzhen and Beijing')),
    );
    await waitFor(stack.runner, () =>
      slack
        .calls('chat.update')
        .some((c) => c.params.ts === card.ts && JSON.stringify(c.params).includes('P0')),
    );
    const ticket = await stack.runtime.tickets.get(number);
    expect(ticket).toMatchObject({ severity: 'P0', status: 'claimed' });
  });

  it('one person, one user: a role given by email applies to the Slack user with that verified email', async () => {
    const asHr = dmMessage('escalate: payroll for the Shenzhen plant is wrong', { user: 'U0HR' });
    expect((await postEvent(asHr)).status).toBe(200);
    const form = await waitFor(stack.runner, () =>
      inChannel(DM).find((m) => m.thread_ts === asHr.event.ts && /Fill in the form/.test(m.text)),
    );
    expect(form).toBeDefined();
    const linked = await stack.runtime.db.query<{ user_key: string; email: string }>(
      "SELECT user_key, email FROM identities WHERE user_key = 'slack:U0HR'",
    );
    expect(linked).toEqual([{ user_key: 'slack:U0HR', email: 'zhao.min@example.com' }]);
    // Without the role, the same command is refused politely.
    const asEmployee = dmMessage('escalate: payroll is wrong');
    await postEvent(asEmployee);
    await waitFor(stack.runner, () =>
      inChannel(DM).find((m) => m.thread_ts === asEmployee.event.ts && m.text.length > 0),
    );
    expect(
      inChannel(DM).some((m) => m.thread_ts === asEmployee.event.ts && /Fill in the form/.test(m.text)),
    ).toBe(false);
  });

  it('/helpline escalate opens the payroll modal; /helpline status answers by DM', async () => {
    const command = (text: string) => ({
      token: 'legacy',
      team_id: BOT.teamId,
      team_domain: 'acme',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: 'U0EMP',
      user_name: 'li.lei',
      command: '/helpline',
      text,
      api_app_id: 'A0HELPLINE',
      response_url: 'https://hooks.slack.com/commands/T0ACME/1/x',
      trigger_id: `${nextTs()}.trigger`,
    });
    expect((await postCommand(command('escalate'))).status).toBe(200);
    expect(slack.calls('views.open').length).toBeGreaterThan(0);
    expect((await postCommand(command('status'))).status).toBe(200);
    await waitFor(stack.runner, () => slack.messages.find((m) => /open tickets/.test(m.text)));
  });

  it('every Web API call the stack made was valid against the spec', () => {
    const refused = slack.requests.filter((r) => r.outcome === 'invalid_arguments' || r.outcome === '405');
    expect(refused).toEqual([]);
  });
});

async function waitForTicket(stack: ChatStack, number: string, status: string) {
  const end = Date.now() + 8000;
  for (;;) {
    await stack.runner.idle();
    const t = await stack.runtime.tickets.get(number);
    if (t.status === status) return t;
    if (Date.now() > end) throw new Error(`${number} is ${t.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
