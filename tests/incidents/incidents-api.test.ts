/**
 * Mass incidents through the JSON API (issue 14 item 3) on a real PostgreSQL, with the real runtime
 * and app (web chat and Slack channels, delivery jobs, the Slack API stand-in): the list and detail
 * for staff only, an update typed once reaching every reporter on their channel exactly once (a
 * retry included), resolving the incident with all its reports (one of two engineers wins), linking
 * and unlinking tickets, and the bad inputs that must get a clear 4xx.
 */
import { beforeEach, expect, it } from 'vitest';
import type { AccessRole } from '../../src/access/policy.ts';
import { ThreadLinks } from '../../src/handoff/thread-links.ts';
import { createIncidentService } from '../../src/incidents/incident-service.ts';
import type { Ticket } from '../../src/tickets/types.ts';
import { onPostgres } from '../store/backends.ts';
import { asUser, reporters, slackForSuite, type TestApp } from '../support/console-api.ts';
import { makeApp } from '../web/fake-assistant.ts';

onPostgres('incidents API', (ctx) => {
  const slack = slackForSuite();
  let t: TestApp;
  let incident: Ticket;
  let reports: Ticket[];
  const { threads, report } = reporters(() => t);

  const as = (userId: string, role: AccessRole) => asUser(t, userId, role);

  const agentLines = async (user: string) =>
    (await t.store.listMessages(threads[user])).filter((m) => m.author === 'agent').map((m) => m.text);
  const botLines = async (user: string) =>
    (await t.store.listMessages(threads[user])).filter((m) => m.author === 'bot').map((m) => m.text);
  const slackLines = () => slack.messages.filter((m) => m.channel === 'D0SLACK').map((m) => m.text);

  beforeEach(async () => {
    t = await makeApp({
      db: await ctx.fresh(),
      env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SLACK_SIGNING_SECRET: 'secret' },
    });
    incident = await report('emp-a', 'The clock-in app shows error 500 for everyone in Shanghai');
    // Later reporters join as the assistant joins them: a 'new' report linked to the incident.
    reports = [];
    for (const [user, text, extra] of [
      ['emp-b', 'clock-in error 500, call me at 13812345678', {}],
      ['slack:U0SLACK', 'cannot clock in, error 500', { threadId: 'slack:D0SLACK:1700000000.000100' }],
    ] as const) {
      const r = await report(user, text, { status: 'new', ...extra });
      reports.push(await t.runtime.tickets.linkToParent(r.id, incident.id, 'helpline'));
    }
  });

  it('lists incidents to staff only, with reporters per platform and their words masked', async () => {
    const lone = await report('emp-d', 'payroll question');
    const eng = await as('eng-1', 'l2');
    const { incidents } = await (await eng.get('/api/incidents')).json();
    expect(incidents.map((i: { number: string }) => i.number)).toEqual([incident.number]);
    expect(incidents[0]).toMatchObject({
      reporters: 3,
      openReports: 2,
      platforms: { web: 2, slack: 1 },
      open: true,
    });
    expect(lone.reporters).toBe(1);

    const detail = await (await eng.get(`/api/incidents/${incident.number}`)).json();
    expect(
      detail.reportedBy.map((r: { requesterId: string; platform: string }) => [r.requesterId, r.platform]),
    ).toEqual([
      ['emp-a', 'web'],
      ['emp-b', 'web'],
      ['slack:U0SLACK', 'slack'],
    ]);
    const words = detail.reportedBy[1].words as string;
    expect(words).toContain('clock-in error 500');
    expect(words).not.toContain('13812345678');
    expect(detail.canWork).toBe(true);

    const employee = await as('emp-a', 'employee');
    expect((await employee.get('/api/incidents')).status).toBe(403);
    expect((await employee.get(`/api/incidents/${incident.number}`)).status).toBe(403);
    expect((await employee.get('/api/incidents/HL-99999')).status).toBe(403);
    // Staff the incident is not routed to are told why (a payroll matter is sensitive).
    const payroll = await report('emp-p', 'thirty payslips are missing overtime', { category: 'payroll' });
    const refused = await eng.get(`/api/incidents/${payroll.number}`);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toMatch(/not routed to you|not yours/);
    expect((await employee.post(`/api/incidents/${incident.number}/updates`, { text: 'hi' })).status).toBe(
      403,
    );
    // A report is not an incident: the answer names the incident.
    const child = await eng.get(`/api/incidents/${reports[0].number}`);
    expect(child.status).toBe(404);
    expect((await child.json()).error.message).toContain(incident.number);
  });

  it('delivers an update once to every reporter on their channel, a retry included, and audits it', async () => {
    const eng = await as('eng-1', 'l2');
    const text = 'Vendor is restarting the attendance service; next update in 30 min.';
    const first = await eng.post(`/api/incidents/${incident.number}/updates`, { text, key: 'u-1' });
    expect(first.status).toBe(200);
    expect((await first.json()).reporters).toBe(3);
    const retry = await eng.post(`/api/incidents/${incident.number}/updates`, { text, key: 'u-1' });
    expect(retry.status).toBe(200);
    await t.queue.drain();
    const line = `Update on the problem you reported (incident ${incident.number}): ${text}`;
    expect(await agentLines('emp-a')).toEqual([line]);
    expect(await agentLines('emp-b')).toEqual([line]);
    expect(slackLines().filter((m) => m.includes(text))).toHaveLength(1);

    const events = await t.runtime.tickets.events(incident.id);
    expect(events.filter((e) => e.action === 'incident_update')).toMatchObject([
      { actor: 'eng-1', reason: text, data: { key: 'u-1', reporters: 3 } },
    ]);
    for (const r of reports) {
      expect(
        (await t.runtime.tickets.events(r.id)).filter((e) => e.action === 'incident_update'),
      ).toHaveLength(1);
    }
    const detail = await (await eng.get(`/api/incidents/${incident.number}`)).json();
    expect(detail.updates).toMatchObject([{ author: 'eng-1', text, reporters: 3 }]);
  });

  it('records one update and posts it once per reporter when the same post arrives twice at once', async () => {
    const incidents = createIncidentService({
      ...t.runtime,
      links: new ThreadLinks(t.db, () => new Date()),
      now: () => new Date(),
    });
    const eng = { userId: 'eng-1', role: 'l2' as const, aliases: ['eng-1'] };
    const text = 'Restart done, please try clocking in again.';
    const [a, b] = await Promise.all([
      incidents.postUpdate(eng, incident.number, { text, key: 'same' }),
      incidents.postUpdate(eng, incident.number, { text, key: 'same' }),
    ]);
    expect(a.update.id).toBe(b.update.id);
    await t.queue.drain();
    expect(await agentLines('emp-a')).toHaveLength(1);
    expect(await agentLines('emp-b')).toHaveLength(1);
    expect(slackLines().filter((m) => m.includes(text))).toHaveLength(1);
    expect(
      (await t.runtime.tickets.events(incident.id)).filter((e) => e.action === 'incident_update'),
    ).toHaveLength(1);
    // A new key is a new update.
    await incidents.postUpdate(eng, incident.number, { text, key: 'next' });
    await t.queue.drain();
    expect(await agentLines('emp-b')).toHaveLength(2);
  });

  it('resolves the incident and every report, tells each reporter with the rating prompt; the second engineer gets a conflict', async () => {
    const [a, b] = await Promise.all([
      (await as('eng-1', 'l2')).post(`/api/incidents/${incident.number}/resolve`, {
        note: 'service restarted',
      }),
      (await as('eng-2', 'l2')).post(`/api/incidents/${incident.number}/resolve`, { note: 'fixed' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [won, lost] = a.status === 200 ? [a, b] : [b, a];
    const winner = a.status === 200 ? 'eng-1' : 'eng-2';
    expect((await won.json()).resolvedReports).toEqual(reports.map((r) => r.number));
    const conflict = (await lost.json()).error;
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toContain(`already resolved by ${winner}`);

    await t.queue.drain();
    for (const id of [incident.id, ...reports.map((r) => r.id)]) {
      expect((await t.runtime.tickets.get(id)).status).toBe('resolved');
    }
    expect((await botLines('emp-a')).join('\n')).toMatch(
      new RegExp(`incident ${incident.number}\\) is resolved`),
    );
    expect((await botLines('emp-b')).join('\n')).toContain(
      `Your ticket ${reports[0].number} is marked resolved`,
    );
    expect(
      slackLines().some((m) => m.includes(`incident ${incident.number}`) && m.includes('resolved')),
    ).toBe(true);
    const rated = (await t.store.listMessages(threads['emp-b'])).find((m) => m.buttons?.length);
    expect(rated?.buttons?.map((x) => x.action)).toContain('rate_5');

    // Resolved: no more updates, no new links, and resolving again is a conflict.
    const eng = await as('eng-1', 'l2');
    expect((await eng.post(`/api/incidents/${incident.number}/updates`, { text: 'late' })).status).toBe(409);
    expect((await eng.post(`/api/incidents/${incident.number}/resolve`)).status).toBe(409);
    const other = await report('emp-e', 'error 500 again');
    const late = await eng.post(`/api/tickets/${other.number}/link`, { incident: incident.number });
    expect(late.status).toBe(409);
    expect((await late.json()).error.message).toMatch(/is resolved/);
  });

  it('a page that read an older version gets a conflict instead of resolving', async () => {
    const eng = await as('eng-1', 'l2');
    const { version } = await (await eng.get(`/api/incidents/${incident.number}`)).json();
    await eng.post(`/api/tickets/${incident.number}/claim`);
    const stale = await eng.post(`/api/incidents/${incident.number}/resolve`, { version });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.message).toMatch(/changed by someone else/);
  });

  it('links a ticket to an open incident and unlinks it; the ticket shows its incident', async () => {
    const eng = await as('eng-1', 'l2');
    const other = await report('emp-c', 'attendance app error 500 on my phone');
    const linked = await eng.post(`/api/tickets/${other.number}/link`, { incident: incident.number });
    expect(linked.status).toBe(200);
    expect((await linked.json()).incident).toMatchObject({ number: incident.number, reporters: 4 });
    // A linked report that reads more severe raises the incident.
    const severe = await report('emp-h', 'nobody in the company can clock in', { severity: 'P0' });
    await eng.post(`/api/tickets/${severe.number}/link`, { incident: incident.number });
    expect((await t.runtime.tickets.get(incident.id)).severity).toBe('P0');
    const box = await (await eng.get(`/api/tickets/${other.number}/incident`)).json();
    expect(box.incident).toMatchObject({ number: incident.number, open: true });
    await t.queue.drain();
    expect((await botLines('emp-c')).join('\n')).toContain(`already been reported`);
    const events = await t.runtime.tickets.events(other.id);
    expect(events.map((e) => e.action)).toContain('linked_to_parent');

    // The picker offers the open incident to a lone ticket.
    const lone = await report('emp-f', 'clock-in fails');
    const picker = await (await eng.get(`/api/tickets/${lone.number}/incident`)).json();
    expect(picker).toMatchObject({ incident: null, canLink: true });
    expect(picker.candidates.map((c: { number: string }) => c.number)).toContain(incident.number);

    // The employee's own view: their ticket's incident, nothing to pick, no linking.
    const own = await (
      await (await as('emp-c', 'employee')).get(`/api/tickets/${other.number}/incident`)
    ).json();
    expect(own).toMatchObject({ incident: { number: incident.number }, canLink: false, candidates: [] });

    const unlinked = await eng.post(`/api/tickets/${reports[0].number}/unlink`, { reason: 'different app' });
    expect(unlinked.status).toBe(200);
    // It waited on the incident ('new'); on its own it joins the L2 queue.
    expect((await unlinked.json()).status).toBe('waiting_l2');
    expect((await t.runtime.tickets.get(incident.id)).reporters).toBe(4);
    expect((await eng.post(`/api/tickets/${reports[0].number}/unlink`)).status).toBe(400);
  });

  it('answers bad input with a clear 4xx', async () => {
    const eng = await as('eng-1', 'l2');
    const expectError = async (res: Response, status: number, message: RegExp) => {
      expect(res.status).toBe(status);
      expect((await res.json()).error.message).toMatch(message);
    };
    await expectError(await eng.get('/api/incidents/HL-99999'), 404, /no incident HL-99999/);
    await expectError(await eng.post('/api/incidents/HL-99999/updates', { text: 'x' }), 404, /no incident/);
    await expectError(await eng.post('/api/incidents/HL-99999/resolve'), 404, /no incident/);
    await expectError(
      await eng.post(`/api/incidents/${incident.number}/updates`, { text: '   ' }),
      400,
      /cannot be empty/,
    );
    await expectError(
      await eng.post(`/api/incidents/${incident.number}/updates`, 'nope'),
      400,
      /JSON object/,
    );
    await expectError(
      await eng.post(`/api/incidents/${incident.number}/updates`, { text: 'x'.repeat(5000) }),
      400,
      /keep it under/,
    );
    await expectError(
      await eng.post(`/api/incidents/${incident.number}/resolve`, { version: 'v1' }),
      400,
      /version/,
    );
    await expectError(
      await eng.post(`/api/tickets/${incident.number}/link`, { incident: incident.number }),
      400,
      /cannot be linked to itself/,
    );
    await expectError(await eng.post(`/api/tickets/${incident.number}/link`, {}), 400, /which incident/);
    await expectError(
      await eng.post(`/api/tickets/${incident.number}/link`, { incident: 'HL-99999' }),
      404,
      /no incident HL-99999/,
    );
    await expectError(
      await eng.post(`/api/tickets/HL-99999/link`, { incident: incident.number }),
      404,
      /no ticket HL-99999/,
    );
    // A ticket staff may not read is refused with the policy's reason, as the tickets API refuses it.
    const payroll = await report('emp-q', 'my payslip is missing overtime', { category: 'payroll' });
    await expectError(
      await eng.post(`/api/tickets/${payroll.number}/link`, { incident: incident.number }),
      403,
      /not routed to you|not yours/,
    );
    await expectError(
      await eng.get(`/api/tickets/${payroll.number}/incident`),
      403,
      /not routed to you|not yours/,
    );
    // Already linked elsewhere, or linking an incident that has reports of its own.
    const second = await report('emp-g', 'VPN is down');
    await expectError(
      await eng.post(`/api/tickets/${reports[0].number}/link`, { incident: second.number }),
      409,
      /already linked to another incident/,
    );
    await expectError(
      await eng.post(`/api/tickets/${incident.number}/link`, { incident: second.number }),
      409,
      /parent incident with other reports/,
    );
    // Employees link nothing, not even their own ticket.
    await expectError(
      await (await as('emp-g', 'employee')).post(`/api/tickets/${second.number}/link`, {
        incident: incident.number,
      }),
      403,
      /engineers/,
    );
  });
});
