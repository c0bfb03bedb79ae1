/**
 * Fault, in the embedded default (DESIGN §7 "a crash loses no accepted event"): `helpline serve` —
 * the real CLI as a child process, PGlite and the in-process runner under one HELPLINE_DATA, the
 * sample KB — takes signed Slack events and encrypted, signed Lark webhook events from the local
 * stand-ins' side, acks every one, and is SIGKILLed right after the last ack. Started again on the
 * same data folder, it answers each acknowledged event exactly once (Slack does not redeliver an
 * acknowledged event; neither does Lark). Then SIGTERM shuts it down gracefully, with exit code 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { larkRequest } from '../adapters/lark/helpers.ts';
import { signedHeaders } from '../adapters/slack/harness.ts';
import { waitFor } from '../jobs/wait.ts';
import { type LarkApiStandIn, startLarkApiStandIn } from '../support/lark-api-stand-in.ts';
import { SlackApiStandIn } from '../support/slack-api-stand-in.ts';
import { isBusy } from './busy.ts';
import { larkDm, slackDm } from './chat-events.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EVENTS = 30;
const SECRET = 'sigkill-signing-secret';
const ENCRYPT_KEY = 'sigkill-encrypt-key';
const TOKEN = 'sigkill-verification-token';
const BOT = { botUserId: 'U0HELPLINE', botId: 'B0HELPLINE', teamId: 'T0ACME' };

let slack: SlackApiStandIn;
let lark: LarkApiStandIn;
let data: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  slack = await new SlackApiStandIn(BOT).start();
  lark = await startLarkApiStandIn();
  data = mkdtempSync(join(tmpdir(), 'helpline-sigkill-'));
}, 30_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await slack?.stop();
  await lark?.close();
  rmSync(data, { recursive: true, force: true });
});

/** `helpline serve` on the data folder; resolves with its URL once the banner is printed. */
async function serve(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['bin/helpline.js', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'info',
      PORT: '0',
      HELPLINE_DATA: data,
      SLACK_BOT_TOKEN: 'xoxb-sigkill',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      LARK_APP_ID: lark.appId,
      LARK_APP_SECRET: lark.appSecret,
      LARK_DOMAIN: lark.url,
      LARK_MODE: 'webhook',
      LARK_ENCRYPT_KEY: ENCRYPT_KEY,
      LARK_VERIFICATION_TOKEN: TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let text = '';
  child.stdout!.on('data', (d) => {
    text += d;
  });
  child.stderr!.on('data', (d) => {
    text += d;
  });
  const url = await waitFor('the banner', () => /Web chat\s+(http:\/\/\S+?)\/\s/.exec(text)?.[1], 60_000);
  return { child, url, output: () => text };
}

let seq = 0;

function slackEvent(i: number) {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
  const body = JSON.stringify(
    slackDm(BOT, i, { text: `How do I request annual leave? (${i})`, ts, eventId: `EvKILL${i}` }),
  );
  const headers = signedHeaders(body, 'application/json', {
    secret: SECRET,
    timestampSec: Math.floor(Date.now() / 1000),
  });
  return { ts, channel: `D0EMP${i}`, headers, body };
}

function larkEvent(i: number) {
  const messageId = `om_kill_${i}_${randomUUID().slice(0, 8)}`;
  const event = larkDm(i, {
    text: `怎么请年假？（${i}）`,
    messageId,
    eventId: `ev_kill_${i}_${randomUUID()}`,
    token: TOKEN,
    appId: lark.appId,
    tenant: '2ca1d211f64f6438',
  });
  return { messageId, ...larkRequest(event, { encryptKey: ENCRYPT_KEY, nowMs: Date.now() }) };
}

it(`${EVENTS} Slack and ${EVENTS} Lark events acked before a SIGKILL are each answered exactly once after a restart`, async () => {
  const first = await serve();
  const slackEvents = Array.from({ length: EVENTS }, (_, i) => slackEvent(i));
  const larkEvents = Array.from({ length: EVENTS }, (_, i) => larkEvent(i));
  const acks = await Promise.all([
    ...slackEvents.map((e) =>
      fetch(`${first.url}/slack/events`, { method: 'POST', headers: e.headers, body: e.body }),
    ),
    ...larkEvents.map((e) =>
      fetch(`${first.url}/lark/events`, { method: 'POST', headers: e.headers, body: e.body }),
    ),
  ]);
  expect(acks.map((r) => r.status)).toEqual(acks.map(() => 200));
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');

  const second = await serve();
  // On a loaded machine a burst this size may also earn a waiting message the busy notice: allowed, once.
  const slackThread = (e: { channel: string; ts: string }) =>
    slack.messages.filter((m) => m.channel === e.channel && m.thread_ts === e.ts);
  const larkThread = (e: { messageId: string }) =>
    lark.messages.filter((m) => m.root_id === e.messageId || m.parent_id === e.messageId);
  const slackReplies = (e: { channel: string; ts: string }) => slackThread(e).filter((m) => !isBusy(m.text));
  const larkReplies = (e: { messageId: string }) => larkThread(e).filter((m) => !isBusy(m.content));
  await waitFor(
    'an answer to every acknowledged event',
    () =>
      slackEvents.every((e) => slackReplies(e).length > 0) &&
      larkEvents.every((e) => larkReplies(e).length > 0),
    90_000,
  );
  // Nothing more arrives later: no second answer, no fallback after the real one.
  await new Promise((r) => setTimeout(r, 2000));
  expect(slackEvents.map((e) => slackReplies(e).length)).toEqual(slackEvents.map(() => 1));
  expect(larkEvents.map((e) => larkReplies(e).length)).toEqual(larkEvents.map(() => 1));
  const busyNotices = [
    ...slackEvents.map((e) => slackThread(e).length - slackReplies(e).length),
    ...larkEvents.map((e) => larkThread(e).length - larkReplies(e).length),
  ];
  expect(busyNotices.every((n) => n <= 1)).toBe(true);

  // SIGTERM: the shutdown steps in order, exit code 0.
  second.child.kill('SIGTERM');
  const [code] = await once(second.child, 'exit');
  expect(code).toBe(0);
  expect(second.output()).toContain('shutdown complete');
}, 240_000);
