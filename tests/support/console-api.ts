/**
 * The console's and the incidents' API tests share this: calls to the app in process as a signed-in
 * user (a bearer token), tickets opened the way the assistant opens a web-chat report, and a Slack
 * API stand-in for a suite.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { AccessRole } from '../../src/access/policy.ts';
import type { Ticket } from '../../src/tickets/types.ts';
import type { makeApp } from '../web/fake-assistant.ts';
import { SlackApiStandIn } from './slack-api-stand-in.ts';

export type TestApp = Awaited<ReturnType<typeof makeApp>>;
type NewTicket = Parameters<TestApp['runtime']['tickets']['open']>[0];

/** Tokens made so far, per app (each test makes a fresh one), by user and role. */
const tokens = new WeakMap<TestApp, Map<string, string>>();

/**
 * Calls to `t`'s app as `userId` with `role`, through a bearer token made once per app, user and
 * role; with `lang`, as a browser asking for that language. A string body is sent as it is.
 */
export async function asUser(t: TestApp, userId: string, role: AccessRole, lang?: string) {
  const made = tokens.get(t) ?? new Map<string, string>();
  tokens.set(t, made);
  const key = `${userId}/${role}`;
  if (!made.has(key)) made.set(key, (await t.access.tokens.create({ userId, role })).token);
  const headers: Record<string, string> = { authorization: `Bearer ${made.get(key)}` };
  if (lang) headers['accept-language'] = lang;
  return {
    get: (path: string) => t.app.request(path, { headers }),
    post: (path: string, body: unknown = {}) =>
      t.app.request(path, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

/** The console tests' usual ticket: the whole Shanghai office cannot clock in. */
export const SHANGHAI_OUTAGE = {
  title: 'Shanghai office cannot clock in',
  severity: 'P1',
  rationale: 'scope: whole Shanghai office; outage',
} as const satisfies Partial<NewTicket>;

/**
 * A report of `text` by `user`, opened as the assistant opens a web-chat incident (P2 attendance
 * unless `extra` says otherwise), in a new thread of theirs or in `extra.threadId`.
 */
export async function openReport(
  t: TestApp,
  user: string,
  text: string,
  extra: Partial<NewTicket> = {},
): Promise<{ ticket: Ticket; threadId: string }> {
  const threadId = extra.threadId ?? (await t.store.createThread(user));
  const ticket = await t.runtime.tickets.open({
    title: text.slice(0, 60),
    severity: 'P2',
    category: 'attendance',
    intent: 'incident',
    rationale: 'clock-in fails',
    requesterId: user,
    threadId,
    transcript: [{ author: 'user', text }],
    ...extra,
  });
  return { ticket, threadId };
}

/** Reports by several people (openReport), each reporter's thread kept in `threads[user]`. */
export function reporters(app: () => TestApp) {
  const threads: Record<string, string> = {};
  const report = async (user: string, text: string, extra: Partial<NewTicket> = {}) => {
    const { ticket, threadId } = await openReport(app(), user, text, extra);
    threads[user] = threadId;
    return ticket;
  };
  return { threads, report };
}

/** A Slack API stand-in started before the suite and stopped after it, its messages cleared before each test. */
export function slackForSuite(): SlackApiStandIn {
  const slack = new SlackApiStandIn();
  beforeAll(async () => {
    await slack.start();
  });
  afterAll(async () => {
    await slack.stop();
  });
  beforeEach(() => {
    slack.messages.length = 0;
  });
  return slack;
}
