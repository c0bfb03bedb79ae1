/**
 * The chat platforms' APIs for bench/webhooks.bench.ts, in their own process so neither the load
 * generator nor the server under test shares their event loop: the Slack Web API stand-in
 * (tests/support/slack-api-stand-in.ts, every call checked against Slack's OpenAPI spec) and the
 * Lark Open API stand-in (tests/support/lark-api-stand-in.ts). Both are plain node:http servers
 * on 127.0.0.1 that record what they were sent.
 *
 * Started by lib/stand-ins-process.ts with an IPC channel. It sends one `{ready: …}` message with
 * the URLs and credentials, then answers requests `{id, cmd}`:
 *   progress  bot messages and API calls received so far (cheap; polled while draining);
 *   tally     for a list of inbound messages (Slack ts / Lark message ids): how many got an answer
 *             in their thread, how many answers each, repeated idempotency keys, API calls and
 *             failures since the previous tally.
 * It exits when the channel closes (the bench finished or died).
 *
 * BENCH_USERS (default 500): how many employees the stand-ins know (users.info, contact API).
 */
import { FALLBACK_TEXT } from '../../src/assistant/fallback.ts';
import { startLarkApiStandIn } from '../../tests/support/lark-api-stand-in.ts';
import { SlackApiStandIn } from '../../tests/support/slack-api-stand-in.ts';
import {
  type DeliveryTally,
  LARK_TENANT,
  SLACK_BOT,
  type StandInsProgress,
  type StandInsReady,
} from './stand-ins-process.ts';
import { larkUser, slackUser } from './webhook-requests.ts';

type Request =
  | { id: number; cmd: 'progress' }
  | { id: number; cmd: 'tally'; platform: 'slack' | 'lark'; refs: string[] };

const users = Number(process.env.BENCH_USERS ?? 500);

const slack = await new SlackApiStandIn(SLACK_BOT).start();
const larkUsers: Record<string, { name: string; department_ids: string[] }> = {};
for (let k = 0; k < users; k++) {
  slack.addUser({ id: slackUser(k), name: `bench.${k}`, real_name: `Bench Employee ${k}` });
  larkUsers[larkUser(k)] = { name: `员工${k}`, department_ids: [] };
}
const lark = await startLarkApiStandIn({ users: larkUsers, tenantKey: LARK_TENANT });

const cursor = { slack: 0, lark: 0 };

/** Lark paths with ids folded: "POST im/v1/messages/:id/reply". */
const larkMethod = (method: string, path: string) =>
  `${method} ${path
    .replace(/^\/open-apis\//, '')
    .replace(/\/(om_|oc_|ou_|od[-_])[^/]*/g, '/:id')
    .replace(/\/t-[0-9a-f]+/g, '/:token')}`;

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** The never-silent fallback (the watchdog's reply when a turn is late), in either language. */
const isFallback = (text: string) => Object.values(FALLBACK_TEXT).some((t) => text.includes(t));

function tally(platform: 'slack' | 'lark', refs: string[]): DeliveryTally {
  const wanted = new Set(refs);
  const perRef = new Map<string, number>();
  /** Threads with a message that is not the fallback: a real answer. */
  const real = new Set<string>();
  let fallbacks = 0;
  const saw = (ref: string, text: string) => {
    perRef.set(ref, (perRef.get(ref) ?? 0) + 1);
    if (isFallback(text)) fallbacks++;
    else real.add(ref);
  };
  const keys = new Map<string, number>();
  const calls: Record<string, number> = {};
  const failures: Record<string, number> = {};
  if (platform === 'slack') {
    for (const m of slack.messages) {
      if (m.thread_ts === undefined || !wanted.has(m.thread_ts)) continue;
      saw(m.thread_ts, m.text);
      const key = (m.metadata as { event_payload?: { key?: unknown } } | undefined)?.event_payload?.key;
      if (typeof key === 'string') keys.set(key, (keys.get(key) ?? 0) + 1);
    }
    for (const r of slack.requests.slice(cursor.slack)) {
      count(calls, r.method);
      if (r.outcome !== 'ok') count(failures, `${r.method}: ${r.outcome}`);
    }
    cursor.slack = slack.requests.length;
  } else {
    for (const m of lark.messages) {
      if (m.root_id === undefined || !wanted.has(m.root_id)) continue;
      // Cards: the text sits in the card JSON, which JSON.stringify leaves unescaped here.
      saw(m.root_id, m.content);
    }
    for (const c of lark.calls.slice(cursor.lark)) {
      const method = larkMethod(c.method, c.path);
      count(calls, method);
      if (c.status !== 200 || c.code !== 0) count(failures, `${method}: HTTP ${c.status} code ${c.code}`);
      const parent = /\/im\/v1\/messages\/([^/]+)\/reply$/.exec(c.path)?.[1];
      const uuid = (c.body as { uuid?: unknown } | undefined)?.uuid;
      if (parent && wanted.has(parent) && typeof uuid === 'string') keys.set(uuid, (keys.get(uuid) ?? 0) + 1);
    }
    cursor.lark = lark.calls.length;
  }
  const perThread: Record<string, number> = {};
  let messages = 0;
  for (const n of perRef.values()) {
    count(perThread, String(n));
    messages += n;
  }
  const sampleMissing: string[] = [];
  for (const ref of refs) {
    if (sampleMissing.length >= 5) break;
    if (!perRef.has(ref)) sampleMissing.push(ref);
  }
  return {
    inbound: wanted.size,
    answered: perRef.size,
    missing: wanted.size - perRef.size,
    realAnswers: real.size,
    fallbacks,
    messages,
    perThread,
    repeatedKeys: [...keys.values()].filter((n) => n > 1).length,
    calls,
    failures,
    sampleMissing,
  };
}

process.on('message', (raw) => {
  const req = raw as Request;
  try {
    if (req.cmd === 'progress') {
      const progress: StandInsProgress = {
        slackMessages: slack.messages.length,
        larkMessages: lark.messages.length,
        slackCalls: slack.requests.length,
        larkCalls: lark.calls.length,
      };
      process.send?.({ id: req.id, result: progress });
    } else if (req.cmd === 'tally') {
      process.send?.({ id: req.id, result: tally(req.platform, req.refs) });
    } else {
      process.send?.({ id: (req as { id: number }).id, error: `unknown command ${JSON.stringify(req)}` });
    }
  } catch (err) {
    process.send?.({ id: req.id, error: err instanceof Error ? err.message : String(err) });
  }
});

process.on('disconnect', () => {
  void Promise.allSettled([slack.stop(), lark.close()]).finally(() => process.exit(0));
});

const ready: StandInsReady = {
  slackApiUrl: slack.apiUrl,
  larkUrl: lark.url,
  larkAppId: lark.appId,
  larkAppSecret: lark.appSecret,
};
process.send?.({ ready });
