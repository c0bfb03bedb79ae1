/**
 * Socket Mode end to end on this machine: the real SocketModeClient (inside our SocketModeReceiver)
 * asks the Web API stand-in for a connection (apps.connections.open via SLACK_API_URL), connects to
 * the local Socket Mode server, gets `hello`, and acks envelopes — after `accept` queued them.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackChannel, type SlackChannel } from '../../../adapters/slack/index.ts';
import { modalProblems, SlackApiStandIn } from '../../support/slack-api-stand-in.ts';
import { type SlackSocketServer, startSlackSocketServer } from '../../support/slack-socket-server.ts';
import { BOT, type Recorder, recorder } from './harness.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>;

let slack: SlackApiStandIn;
let socket: SlackSocketServer;
let channel: SlackChannel;
let rec: Recorder;
let banner: string;
let connectionCalls: ReturnType<SlackApiStandIn['calls']>;

beforeAll(async () => {
  slack = await new SlackApiStandIn({ ...BOT }).start();
  socket = await startSlackSocketServer(slack);
  rec = recorder();
  channel = createSlackChannel(
    { botToken: 'xoxb-test-token', appToken: 'xapp-1-A0STANDIN-1-abcdef', apiUrl: slack.apiUrl },
    rec.deps,
    { socketAutoReconnect: false },
  );
  banner = await channel.start();
  connectionCalls = slack.calls('apps.connections.open');
});
afterAll(async () => {
  await channel.stop();
  await socket.close();
  await slack.stop();
});
beforeEach(() => {
  rec.accepted.length = 0;
  rec.offered.length = 0;
  rec.onAccept = undefined;
  slack.requests.length = 0;
});

describe('Slack Socket Mode: the real SocketModeClient against a local Socket Mode server', () => {
  it('connects through apps.connections.open at SLACK_API_URL with the app-level token', async () => {
    expect(banner).toBe('Slack: Socket Mode as @helpline (T061EG9R6)');
    expect(connectionCalls).toEqual([
      expect.objectContaining({ verb: 'post', token: 'xapp-1-A0STANDIN-1-abcdef', outcome: 'ok' }),
    ]);
    expect(socket.connections).toBe(1);
    expect(channel.routes).toBeUndefined();
  });

  it('events_api: accept gets the event before the envelope is acked, and the ack names the envelope', async () => {
    let acksWhenAccepted = -1;
    rec.onAccept = () => {
      acksWhenAccepted = socket.acks.length;
    };
    const before = socket.acks.length;
    const ack = await socket.sendEnvelope('events_api', json('app_mention.json'));
    expect(rec.accepted).toHaveLength(1);
    expect(rec.accepted[0]).toMatchObject({ eventId: 'Ev0LAN670R', chat: 'C0LAN2Q65', addressed: true });
    expect(acksWhenAccepted).toBe(before);
    expect(ack.envelope_id).toEqual(expect.any(String));
    expect(socket.acks.at(-1)).toEqual(ack);
  });

  it('a redelivered envelope (retry_attempt 1) is acked and not queued twice', async () => {
    const body = { ...json('message_im.json'), event_id: 'Ev0SOCKRETRY' };
    await socket.sendEnvelope('events_api', body);
    const ack = await socket.sendEnvelope('events_api', body, { retryAttempt: 1, retryReason: 'timeout' });
    expect(ack.envelope_id).toEqual(expect.any(String));
    expect(rec.offered.map((e) => e.eventId)).toEqual(['Ev0SOCKRETRY', 'Ev0SOCKRETRY']);
    expect(rec.accepted).toHaveLength(1);
  });

  it('when accept cannot queue, the envelope is not acked (Slack redelivers it)', async () => {
    rec.failAccept();
    const body = { ...json('app_mention.json'), event_id: 'Ev0SOCKFAIL' };
    await expect(socket.sendEnvelope('events_api', body, { timeoutMs: 300 })).rejects.toThrow(/no ack/);
    expect(rec.accepted).toHaveLength(0);
    // The redelivery goes through.
    await socket.sendEnvelope('events_api', body, { retryAttempt: 1 });
    expect(rec.accepted.map((e) => e.eventId)).toEqual(['Ev0SOCKFAIL']);
  });

  it('interactive: block_actions and view_submission are accepted and acked', async () => {
    await socket.sendEnvelope('interactive', json('block_actions.json'));
    const p = json('view_submission.json') as { view: Record<string, unknown> };
    p.view.callback_id = 'helpline_form';
    p.view.private_metadata = JSON.stringify({ form: 'payroll_anomaly', channel: 'D0PNCRP9N' });
    const ack = await socket.sendEnvelope('interactive', p);
    expect(ack.payload ?? {}).toEqual({});
    expect(rec.accepted.map((e) => [e.action?.id, e.chat])).toEqual([
      ['feedback_down', 'C0LAN2Q65'],
      ['form_submit', 'D0PNCRP9N'],
    ]);
  });

  it('slash_commands: /helpline escalate opens the modal through the stand-in; status is accepted', async () => {
    const fields = Object.fromEntries(new URLSearchParams(fixture('slash_command.txt')));
    await socket.sendEnvelope('slash_commands', fields);
    const [open] = slack.calls('views.open');
    expect(open.outcome).toBe('ok');
    expect(modalProblems(JSON.parse(String(open.params.view)))).toEqual([]);
    await socket.sendEnvelope('slash_commands', { ...fields, text: 'status', trigger_id: '1.2.socket' });
    expect(rec.accepted.map((e) => [e.action?.id, e.eventId])).toEqual([['status', 'command:1.2.socket']]);
  });

  it('a payload no listener takes is still acked', async () => {
    const ack = await socket.sendEnvelope('interactive', {
      ...json('message_action.json'),
      callback_id: 'nope',
    });
    expect(ack.envelope_id).toEqual(expect.any(String));
    expect(rec.offered).toHaveLength(0);
  });
});
