/**
 * `npm start` with LARK_* and SLACK_* set (issue 5/6 "done when"): the server connects both platforms
 * — Lark over the long connection, Slack over HTTP — and the banner says which mode and bot each runs
 * as. The platforms are the local stand-ins.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { loadConfig } from '../../src/config/load.ts';
import { type RunningServer, startServer } from '../../src/server/start.ts';
import { type LarkApiStandIn, startLarkApiStandIn } from '../support/lark-api-stand-in.ts';
import { SlackApiStandIn } from '../support/slack-api-stand-in.ts';

let server: RunningServer;
let lark: LarkApiStandIn;
let slack: SlackApiStandIn;
const printed: string[] = [];
const io: Io = { out() {}, err: (t) => printed.push(t), lines: async function* () {}, tty: false };

beforeAll(async () => {
  lark = await startLarkApiStandIn({ longConnection: true });
  slack = await new SlackApiStandIn({ botUserId: 'U0BOT', botId: 'B0BOT', teamId: 'T0ACME' }).start();
  const config = loadConfig({
    env: {
      PORT: '0',
      HELPLINE_DATA: mkdtempSync(join(tmpdir(), 'helpline-start-')),
      LARK_APP_ID: lark.appId,
      LARK_APP_SECRET: lark.appSecret,
      LARK_DOMAIN: lark.url,
      SLACK_BOT_TOKEN: 'xoxb-start',
      SLACK_SIGNING_SECRET: 'start-secret',
      SLACK_API_URL: slack.apiUrl,
    },
  });
  process.env.LOG_LEVEL = 'silent';
  server = await startServer(config, io);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await slack?.stop();
  await lark?.close();
  delete process.env.LOG_LEVEL;
});

it('connects Lark and Slack and says which mode and bot each runs as', () => {
  const banner = printed.join('\n');
  expect(banner).toMatch(/Lark\/Feishu\s+long connection as Helpline Bot \(cli_\w+\)/);
  expect(banner).toMatch(/Slack\s+HTTP events at POST \/slack\/events as @helpline/);
  expect(banner).toMatch(/Handoff\s+no triage channels/);
});

it('mounts the Slack webhook on the one server: an unsigned request is refused with 401', async () => {
  const res = await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' });
  expect(res.status).toBe(401);
});
