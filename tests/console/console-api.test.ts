/**
 * The console's JSON API in process (the real runtime and app, a scripted assistant): every action
 * goes through the policy and the CSRF check, two claims at once have one winner, a reply lands in
 * the employee's web thread as an `agent` message, a note stays in the audit log, and the KPIs are
 * for staff only.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccessRole } from '../../src/access/policy.ts';
import { SESSION_COOKIE } from '../../src/access/sessions.ts';
import type { Ticket } from '../../src/tickets/types.ts';
import { asUser, openReport, SHANGHAI_OUTAGE, type TestApp } from '../support/console-api.ts';
import { makeApp } from '../web/fake-assistant.ts';

let t: TestApp;
let ticket: Ticket;
let threadId: string;

const as = (userId: string, role: AccessRole) => asUser(t, userId, role);

beforeEach(async () => {
  t = await makeApp();
  const said = 'Clock-in fails for the whole Shanghai office';
  threadId = await t.store.createThread('emp-a');
  await t.store.addMessage(threadId, { author: 'user', text: said });
  ({ ticket } = await openReport(t, 'emp-a', said, { ...SHANGHAI_OUTAGE, threadId }));
});

describe('console API', () => {
  it('lists the inbox by queue for an engineer, and only their own tickets for an employee', async () => {
    const inbox = await (await (await as('eng-1', 'l2')).get('/api/console/inbox')).json();
    expect(inbox.tickets.map((x: { number: string }) => x.number)).toEqual([ticket.number]);
    expect(inbox.counts).toMatchObject({ all: 1, unclaimed: 1, mine: 0, breached: 0 });
    const mine = await (await (await as('emp-a', 'employee')).get('/api/console/inbox')).json();
    expect(mine.counts).toMatchObject({ all: 1, mine: 1 });
    const other = await (await (await as('emp-b', 'employee')).get('/api/console/inbox')).json();
    expect(other.tickets).toEqual([]);
  });

  it('gives a claim race one winner and tells the other who holds it', async () => {
    const [a, b] = await Promise.all([
      (await as('eng-1', 'l2')).post(`/api/tickets/${ticket.number}/claim`),
      (await as('eng-2', 'l2')).post(`/api/tickets/${ticket.number}/claim`),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect((await loser.json()).error.code).toBe('ALREADY_CLAIMED');
  });

  it('two engineers acting on one ticket at once: one wins, the other is told who did what', async () => {
    const eng1 = await as('eng-1', 'l2');
    const eng2 = await as('eng-2', 'l2');
    const { version } = await (await eng1.get(`/api/tickets/${ticket.number}`)).json();
    const [a, b] = await Promise.all([
      eng1.post(`/api/tickets/${ticket.number}/resolve`, { version }),
      eng2.post(`/api/tickets/${ticket.number}/escalate`, { version }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [lost, winner, what] = a.status === 409 ? [a, 'eng-2', 'escalated'] : [b, 'eng-1', 'resolved'];
    const error = (await lost.json()).error;
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain(`changed by ${winner} (${what}`);

    // A page that read an older version is told, even when the action would still be allowed.
    const other = await t.runtime.tickets.open({
      title: 'VPN drops',
      severity: 'P2',
      category: 'device',
      intent: 'incident',
      rationale: 'one person',
      requesterId: 'emp-a',
      threadId,
    });
    const read = (await (await eng1.get(`/api/tickets/${other.number}`)).json()).version;
    expect((await eng2.post(`/api/tickets/${other.number}/claim`, { version: read })).status).toBe(200);
    const stale = await eng1.post(`/api/tickets/${other.number}/override`, {
      severity: 'P1',
      reason: 'whole team',
      version: read,
    });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.message).toMatch(/changed by eng-2 \(claimed/);
    // A reply names no version: it adds to the ticket and conflicts with nothing.
    expect((await eng1.post(`/api/tickets/${other.number}/reply`, { text: 'on it too' })).status).toBe(200);
    expect((await eng1.post(`/api/tickets/${other.number}/resolve`, { version: 'v1' })).status).toBe(400);
  });

  it('filters the inbox by tier, severity, category and platform', async () => {
    const eng = await as('eng-1', 'l2');
    await eng.post(`/api/tickets/${ticket.number}/escalate`, { reason: 'needs the vendor' });
    const numbers = async (query: string) =>
      (await (await eng.get(`/api/console/inbox?${query}`)).json()).tickets.map(
        (x: { number: string }) => x.number,
      );
    expect(await numbers('tier=L3')).toEqual([ticket.number]);
    expect(await numbers('tier=L2')).toEqual([]);
    expect(await numbers('severity=P1&category=attendance&platform=web')).toEqual([ticket.number]);
    expect(await numbers('severity=P0')).toEqual([]);
    expect(await numbers('platform=slack')).toEqual([]);
  });

  it('delivers a reply to the employee’s web thread as an agent message; a note stays internal', async () => {
    const eng = await as('eng-1', 'l2');
    const reply = await eng.post(`/api/tickets/${ticket.number}/reply`, {
      text: 'Restarting the service now',
      key: 'k1',
    });
    expect(reply.status).toBe(200);
    // A reply to an unclaimed ticket claims it: it is the first response.
    expect((await reply.json()).ticket.assigneeId).toBe('eng-1');
    expect(
      (await eng.post(`/api/tickets/${ticket.number}/note`, { text: '// vendor ticket 42' })).status,
    ).toBe(200);
    await t.queue.drain();
    const { messages } = await t.messages(threadId);
    expect(messages.filter((m) => m.author === 'agent').map((m) => m.text)).toEqual([
      'Engineer: Restarting the service now',
    ]);
    expect(messages.some((m) => String(m.text).includes('vendor ticket'))).toBe(false);
    const { events } = await (await eng.get(`/api/tickets/${ticket.number}/events`)).json();
    expect(events.map((e: { action: string }) => e.action)).toEqual([
      'opened',
      'claimed',
      'agent_replied',
      'note',
    ]);
    // The employee reads their ticket's log without the internal note.
    const own = await (
      await (await as('emp-a', 'employee')).get(`/api/tickets/${ticket.number}/events`)
    ).json();
    expect(own.events.map((e: { action: string }) => e.action)).toEqual([
      'opened',
      'claimed',
      'agent_replied',
    ]);
  });

  it('refuses employees, other tickets, an override without a reason, and a session POST without its CSRF token', async () => {
    const owner = await as('emp-a', 'employee');
    expect((await owner.post(`/api/tickets/${ticket.number}/resolve`)).status).toBe(403);
    expect((await (await as('emp-b', 'employee')).post(`/api/tickets/${ticket.number}/claim`)).status).toBe(
      404,
    );
    const eng = await as('eng-1', 'l2');
    expect((await eng.post(`/api/tickets/${ticket.number}/override`, { severity: 'P0' })).status).toBe(400);
    const ok = await eng.post(`/api/tickets/${ticket.number}/override`, { severity: 'P0', reason: 'payday' });
    expect((await ok.json()).ticket.severity).toBe('P0');
    expect((await eng.post(`/api/tickets/${ticket.number}/dance`)).status).toBe(404);

    const { id, session } = await t.access.sessions.create({ userId: 'eng-1', role: 'l2', via: 'link' });
    const withCookie = (csrf?: string) =>
      t.app.request(`/api/tickets/${ticket.number}/claim`, {
        method: 'POST',
        headers: {
          cookie: `${SESSION_COOKIE}=${id}`,
          'content-type': 'application/json',
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
        },
        body: '{}',
      });
    expect((await withCookie()).status).toBe(403);
    expect((await withCookie(session.csrf)).status).toBe(200);
  });

  it('reports KPIs to staff only, with the first response and resolution of a worked ticket', async () => {
    const eng = await as('eng-1', 'l2');
    await eng.post(`/api/tickets/${ticket.number}/claim`);
    await eng.post(`/api/tickets/${ticket.number}/resolve`);
    expect((await (await as('emp-a', 'employee')).get('/api/insights/kpis')).status).toBe(403);
    const kpis = await (await eng.get('/api/insights/kpis')).json();
    expect(kpis).toMatchObject({ tickets: 1, firstResponse: { count: 1 }, mttr: { count: 1 } });
    expect(kpis.bySeverity.P1.tickets).toBe(1);
    expect(kpis.byCategory.attendance.tickets).toBe(1);
    expect((await eng.get('/api/insights/kpis?from=nope')).status).toBe(400);
  });

  it('shows an employee only their own tickets on every console API and page', async () => {
    const eng = await as('eng-1', 'l2');
    await eng.post(`/api/tickets/${ticket.number}/note`, { text: 'vendor case 42' });
    const other = await as('emp-b', 'employee');
    const n = ticket.number;
    const statuses: Record<string, number> = {};
    for (const path of [
      `/api/tickets/${n}`,
      `/api/tickets/${n}/events`,
      `/api/tickets/${n}/conversation`,
      `/api/tickets/${n}/clocks`,
      `/api/tickets/${n}/incident`,
      '/api/incidents',
      `/api/incidents/${n}`,
      '/api/insights/kpis',
      '/api/insights/kpis.csv',
      '/api/insights/gaps',
      '/api/knowledge/gaps',
      '/api/knowledge/articles',
      '/console/insights',
      `/console/reports/${new Date().toISOString().slice(0, 7)}`,
    ]) {
      statuses[path] = (await other.get(path)).status;
    }
    expect(statuses).toEqual({
      [`/api/tickets/${n}`]: 404,
      [`/api/tickets/${n}/events`]: 404,
      [`/api/tickets/${n}/conversation`]: 404,
      [`/api/tickets/${n}/clocks`]: 404,
      [`/api/tickets/${n}/incident`]: 404,
      '/api/incidents': 403,
      [`/api/incidents/${n}`]: 403,
      '/api/insights/kpis': 403,
      '/api/insights/kpis.csv': 403,
      '/api/insights/gaps': 403,
      '/api/knowledge/gaps': 403,
      '/api/knowledge/articles': 403,
      '/console/insights': 403,
      [`/console/reports/${new Date().toISOString().slice(0, 7)}`]: 403,
    });
    expect((await (await other.get('/api/console/inbox')).json()).tickets).toEqual([]);
    expect((await (await other.get('/api/tickets')).json()).tickets).toEqual([]);
    for (const action of ['claim', 'reply', 'note', 'resolve', 'link']) {
      expect((await other.post(`/api/tickets/${n}/${action}`, { text: 'x', incident: n })).status).toBe(404);
    }
    // The live stream moves with their own tickets only: nothing of emp-a's shows through it.
    const firstMark = async (who: Awaited<ReturnType<typeof as>>) => {
      const res = await who.get('/api/console/stream');
      const reader = res.body!.getReader();
      let text = '';
      while (!/data: /.test(text)) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      return /data: (\d+)/.exec(text)![1];
    };
    expect(await firstMark(other)).toBe('0');
    expect(Number(await firstMark(await as('emp-a', 'employee')))).toBeGreaterThan(0);
  });

  it('serves the pages to a signed-in user and a sign-in page otherwise', async () => {
    expect((await t.app.request('/console')).status).toBe(401);
    const { id } = await t.access.sessions.create({ userId: 'eng-1', role: 'l2', via: 'link' });
    const res = await t.app.request('/console?lang=zh', { headers: { cookie: `${SESSION_COOKIE}=${id}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);
    const body = await res.text();
    expect(body).toContain('<html lang="zh">');
    expect(body).toContain('工单队列');
  });
});
