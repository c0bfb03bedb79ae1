/** createSlackChannel: configuration checks, the start banner, and errors that say what to fix. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackChannel } from '../../../adapters/slack/index.ts';
import { isHelplineError } from '../../../src/errors.ts';
import { SlackApiStandIn } from '../../support/slack-api-stand-in.ts';
import { type SlackSocketServer, startSlackSocketServer } from '../../support/slack-socket-server.ts';
import { BOT, closedPort, recorder, SIGNING_SECRET } from './harness.ts';

let slack: SlackApiStandIn;
let socket: SlackSocketServer;
beforeAll(async () => {
  slack = await new SlackApiStandIn(BOT).start();
  socket = await startSlackSocketServer(slack);
});
afterAll(async () => {
  await socket.close();
  await slack.stop();
});

const config = (over: Record<string, string | undefined> = {}) => ({
  botToken: 'xoxb-test-token',
  signingSecret: SIGNING_SECRET,
  apiUrl: '',
  ...over,
});

async function startError(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isHelplineError(err, 'CONFIG_INVALID')).toBe(true);
  return err as Error;
}

describe('createSlackChannel', () => {
  it('HTTP mode: routes at POST /slack/events and a banner naming the bot and team', async () => {
    const ch = createSlackChannel(config({ apiUrl: slack.apiUrl }), recorder().deps);
    expect(ch.platform).toBe('slack');
    expect(ch.deliverer.platform).toBe('slack');
    expect(ch.routes).toBeDefined();
    expect(await ch.start()).toBe('Slack: HTTP events at POST /slack/events as @helpline (T061EG9R6)');
    expect(ch.identity()).toEqual({
      botUserId: 'U0LAN0Z89',
      botId: 'B0LAN0Z90',
      teamId: 'T061EG9R6',
      team: 'Stand-in',
      botName: 'helpline',
    });
    await ch.stop();
  });

  it('Socket Mode with a signing secret too: both, said in one line', async () => {
    const ch = createSlackChannel(
      config({ apiUrl: slack.apiUrl, appToken: 'xapp-1-A0-1-x' }),
      recorder().deps,
      { socketAutoReconnect: false },
    );
    expect(await ch.start()).toBe(
      'Slack: Socket Mode as @helpline (T061EG9R6); HTTP events also at POST /slack/events',
    );
    await ch.stop();
  });

  it('a refused bot token → CONFIG_INVALID naming SLACK_BOT_TOKEN and where to find it', async () => {
    slack.cue('auth.test', { error: 'invalid_auth' });
    const ch = createSlackChannel(config({ apiUrl: slack.apiUrl }), recorder().deps);
    const err = await startError(ch.start());
    expect(err.message).toMatch(/SLACK_BOT_TOKEN \(invalid_auth\)/);
    expect(err.message).toMatch(/OAuth & Permissions/);
  });

  it('an unreachable Slack → CONFIG_INVALID naming SLACK_API_URL', async () => {
    const port = await closedPort();
    const ch = createSlackChannel(config({ apiUrl: `http://127.0.0.1:${port}/api/` }), recorder().deps);
    expect((await startError(ch.start())).message).toMatch(/\(ECONNREFUSED\): check SLACK_API_URL/);
  });

  it('a refused app-level token → CONFIG_INVALID naming SLACK_APP_TOKEN', async () => {
    slack.cue('apps.connections.open', { error: 'invalid_auth' });
    const ch = createSlackChannel(
      config({ apiUrl: slack.apiUrl, appToken: 'xapp-1-revoked' }),
      recorder().deps,
      { socketAutoReconnect: false },
    );
    const err = await startError(ch.start());
    expect(err.message).toMatch(/SLACK_APP_TOKEN \(invalid_auth\)/);
    await ch.stop();
  });

  it('refuses a config it cannot run with, saying what to set', () => {
    const deps = recorder().deps;
    const bad = (c: ReturnType<typeof config>) => {
      try {
        createSlackChannel(c, deps);
      } catch (err) {
        expect(isHelplineError(err, 'CONFIG_INVALID')).toBe(true);
        return (err as Error).message;
      }
      throw new Error('expected a CONFIG_INVALID error');
    };
    expect(bad(config({ botToken: undefined }))).toMatch(/SLACK_BOT_TOKEN/);
    expect(bad(config({ signingSecret: undefined }))).toMatch(/SLACK_SIGNING_SECRET .* or SLACK_APP_TOKEN/);
    expect(bad(config({ appToken: 'xoxb-wrong-kind' }))).toMatch(/xapp-/);
  });
});
