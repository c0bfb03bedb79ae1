/**
 * An incident resolved anywhere resolves its reports and tells every reporter once (DESIGN §2 flow
 * 8), on a real PostgreSQL with the real runtime, app and Slack channel (the Slack API stand-in):
 * from the ticket workspace (and again from the incidents page's "resolve the rest"), from the
 * Resolve button of the incident's triage card in Slack (pressed twice, the payload redelivered),
 * and from both at once. Also: an update posted to an incident nobody holds is its first response.
 */
import { beforeEach, expect, it } from 'vitest';
import type { AccessRole } from '../../src/access/policy.ts';
import type { Ticket } from '../../src/tickets/types.ts';
import { onPostgres } from '../store/backends.ts';
import { asUser, reporters, slackForSuite, type TestApp } from '../support/console-api.ts';
import type { SlackApiStandIn } from '../support/slack-api-stand-in.ts';
import { slackPress, slackSigned } from '../support/slack-requests.ts';
import { makeApp } from '../web/fake-assistant.ts';

type SlackMessage = SlackApiStandIn['messages'][number];

const SECRET = 'resolve-anywhere-secret';
const TRIAGE = 'C0TRIAGE';
const DM = 'D0SLACK';
const signed = (raw: string) => slackSigned(raw, 'application/x-www-form-urlencoded', SECRET);

/** A press of the card's `actionId` button by `user`, as Slack posts it (form-encoded block_actions). */
const press = (card: SlackMessage, actionId: string, user: string) =>
  new URLSearchParams({ payload: JSON.stringify(slackPress(card, actionId, user)) }).toString();

onPostgres('an incident resolved anywhere', (ctx) => {
  const slack = slackForSuite();
  let t: TestApp;
  let incident: Ticket;
  let reports: Ticket[];
  const { threads, report } = reporters(() => t);

  const as = (userId: string, role: AccessRole) => asUser(t, userId, role);
  const postSlack = (raw: string, headers: Record<string, string> = {}) =>
    t.app.request('/slack/events', { method: 'POST', headers: { ...signed(raw), ...headers }, body: raw });

  /** What a web reporter read from the bot about the incident's resolution. */
  const webResolved = async (user: string) =>
    (await t.store.listMessages(threads[user]))
      .filter((m) => m.author === 'bot' && /resolved/.test(m.text))
      .map((m) => m.text);
  const slackResolved = () =>
    slack.messages.filter(
      (m) => m.channel === DM && m.text?.includes(`incident ${incident.number}`) && /resolved/.test(m.text),
    );
  /** The incident's card in the triage channel, as last updated. */
  const card = () => {
    const found = slack.messages.find(
      (m) => m.channel === TRIAGE && !m.thread_ts && JSON.stringify(m.blocks ?? '').includes(incident.id),
    );
    if (!found) throw new Error(`no card for ${incident.number} in ${TRIAGE}`);
    return found;
  };

  /** Every ticket of the incident is resolved, and each reporter was told exactly once. */
  async function expectAllToldOnce(incidentText: RegExp) {
    await t.queue.drain();
    for (const id of [incident.id, ...reports.map((r) => r.id)]) {
      expect((await t.runtime.tickets.get(id)).status).toBe('resolved');
    }
    expect(await webResolved('emp-a')).toEqual([expect.stringMatching(incidentText)]);
    expect(await webResolved('emp-b')).toEqual([
      expect.stringContaining(`(incident ${incident.number}) is resolved`),
    ]);
    expect((await webResolved('emp-b'))[0]).toContain(`Your ticket ${reports[0].number} is marked resolved`);
    expect(slackResolved()).toHaveLength(1);
    // With the rating prompt, as any resolved ticket.
    const rated = (await t.store.listMessages(threads['emp-b'])).find((m) => m.buttons?.length);
    expect(rated?.buttons?.map((x) => x.action)).toContain('rate_5');
  }

  beforeEach(async () => {
    t = await makeApp({
      db: await ctx.fresh(),
      env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SLACK_SIGNING_SECRET: SECRET },
      overrides: {
        'handoff.routes': { default: { platform: 'slack', chat: TRIAGE } },
        roles: { 'slack:U0ENG': 'l2', 'slack:U0ENG2': 'l2' },
      },
    });
    incident = await report('emp-a', 'The clock-in app shows error 500 for everyone in Shanghai');
    reports = [];
    for (const [user, text, extra] of [
      ['emp-b', 'clock-in error 500 here too', {}],
      ['slack:U0SLACK', 'cannot clock in, error 500', { threadId: `slack:${DM}:1700000000.000100` }],
    ] as const) {
      const r = await report(user, text, { status: 'new', ...extra });
      reports.push(await t.runtime.tickets.linkToParent(r.id, incident.id, 'helpline'));
    }
    await t.queue.drain();
  });

  it('from the workspace: every report resolved and every reporter told once, retries and "resolve the rest" included', async () => {
    const eng = await as('eng-1', 'l2');
    const first = await eng.post(`/api/tickets/${incident.number}/resolve`, { reason: 'service restarted' });
    expect(first.status).toBe(200);
    // The same press again (a double click, a retried request): refused, nobody told twice.
    const again = await eng.post(`/api/tickets/${incident.number}/resolve`, { reason: 'service restarted' });
    expect(again.status).toBe(409);
    await expectAllToldOnce(new RegExp(`Your ticket ${incident.number} has been marked resolved`));
    // Each report carries the incident's resolution in its audit log.
    const events = await t.runtime.tickets.events(reports[0].id);
    expect(events.filter((e) => e.action === 'resolved')).toMatchObject([
      { actor: 'eng-1', reason: `with incident ${incident.number}: service restarted` },
    ]);
    // The incidents page's "resolve the rest" on the resolved incident finds nothing left to tell.
    const { version } = await (await eng.get(`/api/incidents/${incident.number}`)).json();
    const rest = await eng.post(`/api/incidents/${incident.number}/resolve`, { version });
    expect(rest.status).toBe(200);
    expect((await rest.json()).resolvedReports).toEqual(reports.map((r) => r.number));
    await expectAllToldOnce(new RegExp(`Your ticket ${incident.number} has been marked resolved`));
  });

  it('a report reopened by its reporter under a closed incident is resolved again by "resolve the open reports", told once more', async () => {
    const eng = await as('eng-1', 'l2');
    expect((await eng.post(`/api/tickets/${incident.number}/resolve`, {})).status).toBe(200);
    await t.queue.drain();
    // The incident's own reporter rates it (closed); one reporter says "not solved".
    await t.runtime.tickets.close(incident.id, 'emp-a', { csat: 4 });
    await t.runtime.tickets.reopen(reports[0].id, 'emp-b', 'employee: not solved');
    const { version } = await (await eng.get(`/api/incidents/${incident.number}`)).json();
    const rest = await eng.post(`/api/incidents/${incident.number}/resolve`, {
      version,
      note: 'fixed again',
    });
    expect(rest.status).toBe(200);
    expect((await t.runtime.tickets.get(reports[0].id)).status).toBe('resolved');
    // Again, as a retry would: nobody is told twice.
    await eng.post(`/api/incidents/${incident.number}/resolve`, { version, note: 'fixed again' });
    await t.queue.drain();
    expect(await webResolved('emp-b')).toEqual([
      expect.stringContaining(`(incident ${incident.number}) is resolved.`),
      expect.stringContaining(`(incident ${incident.number}) is resolved: fixed again`),
    ]);
    expect(slackResolved()).toHaveLength(1);
  });

  it('from the Slack card’s Resolve button: pressed twice and redelivered, every reporter told once', async () => {
    // The card as the engineers saw it: once resolved, its update drops the buttons.
    const stale = card();
    const raw = press(stale, 'resolve', 'U0ENG');
    expect((await postSlack(raw)).status).toBe(200);
    await t.queue.drain();
    // Slack redelivers the same payload; another engineer presses the (stale) card's button.
    expect(
      (await postSlack(raw, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status,
    ).toBe(200);
    expect((await postSlack(press(stale, 'resolve', 'U0ENG2'))).status).toBe(200);
    await expectAllToldOnce(new RegExp(`Your ticket ${incident.number} has been marked resolved`));
    const events = await t.runtime.tickets.events(reports[1].id);
    expect(events.filter((e) => e.action === 'resolved')).toMatchObject([
      { actor: 'U0ENG', reason: `with incident ${incident.number}` },
    ]);
  });

  it('from the card and the workspace at once: one wins, every reporter told once', async () => {
    const eng = await as('eng-1', 'l2');
    const [, web] = await Promise.all([
      postSlack(press(card(), 'resolve', 'U0ENG')),
      eng.post(`/api/tickets/${incident.number}/resolve`, {}),
    ]);
    expect([200, 409]).toContain(web.status);
    await expectAllToldOnce(/has been marked resolved/);
  });

  it('an update to an incident nobody holds is its first response: the poster claims it', async () => {
    const eng = await as('eng-1', 'l2');
    const before = (await t.runtime.tickets.get(incident.id)).clocks.find((c) => c.kind === 'first_response');
    expect(before?.stoppedAt).toBeNull();
    const res = await eng.post(`/api/incidents/${incident.number}/updates`, {
      text: 'Vendor is on it.',
      key: 'u1',
    });
    expect(res.status).toBe(200);
    const held = await t.runtime.tickets.get(incident.id);
    expect(held).toMatchObject({ status: 'claimed', assigneeId: 'eng-1' });
    expect(held.clocks.find((c) => c.kind === 'first_response')?.stoppedAt).not.toBeNull();
    // A second engineer's update leaves it with the first.
    await (await as('eng-2', 'l2')).post(`/api/incidents/${incident.number}/updates`, {
      text: 'ETA 10 min.',
    });
    expect((await t.runtime.tickets.get(incident.id)).assigneeId).toBe('eng-1');
    const kpis = await (await eng.get('/api/insights/kpis')).json();
    expect(kpis.firstResponse.count).toBeGreaterThanOrEqual(1);
  });
});
