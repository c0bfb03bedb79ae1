/**
 * The console in a real browser (issue 14's "done when"), on loopback with the embedded defaults:
 * an employee signed in through a login link reports an incident in the web chat; an l2 engineer
 * signed in the same way sees it appear live in /console within 5 s, opens it (the employee's words
 * and the severity rationale as the API gives them), claims it and replies — the reply reaches the
 * employee's web chat as an `agent` message — then resolves it, the employee rates it, and the KPIs
 * report it (first response, resolution, CSAT). Another employee sees none of it.
 * Then the inbox from the keyboard (j/k, c claim, r reply), its tier filter, and two engineers on one
 * ticket: the one whose page is out of date is told who acted. Screenshots go to .artifacts/screenshots/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleHarness, reportInChat, startConsoleHarness } from '../support/console-harness.ts';

let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsoleHarness();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const signedIn = (userId: string, role: string) => h.signedIn(userId, role);
const shot = (page: Page, name: string) => h.shot(page, `flow-${name}`);

describe('the console', () => {
  it('takes a web-chat incident from the inbox to resolved, with the reply in the employee’s chat and in the KPIs', async () => {
    const engineer = await signedIn('eng-li', 'l2');
    await engineer.goto(`${h.server.url}/console`);
    await engineer.locator('#queues button').first().waitFor();
    await shot(engineer, '1-inbox-empty');

    const employee = await signedIn('emp-a', 'employee');
    const words = 'The whole Shanghai office cannot clock in since 9am, the attendance app shows error 500';
    const number = await reportInChat(employee, words);
    const reportedAt = Date.now();

    // Live: the row appears without a reload, within 5 s of the ticket being announced.
    const row = engineer.locator(`#tickets tr[data-number="${number}"]`);
    await row.waitFor({ timeout: 5_000 });
    expect(Date.now() - reportedAt).toBeLessThan(5_000);
    expect(await engineer.locator('button[data-queue="unclaimed"] .count').textContent()).toBe('1');
    await shot(engineer, '2-inbox-live');

    await row.getByRole('link', { name: number }).click();
    await engineer.waitForURL(`${h.server.url}/console/tickets/${number}`);
    const api = await engineer.evaluate(async (n) => (await fetch(`/api/tickets/${n}`)).json(), number);
    await expect.poll(() => engineer.locator('#words').textContent()).toContain(words);
    await expect.poll(() => engineer.locator('#severity .rationale').textContent()).toBe(api.rationale);
    expect(await engineer.locator('#severity .sev').textContent()).toBe(api.severity);

    await engineer.getByRole('button', { name: 'Claim', exact: true }).click();
    await expect.poll(() => engineer.locator('#facts').textContent()).toContain('eng-li');
    const reply = 'We are restarting the attendance service; please try again in 10 minutes.';
    await engineer.getByLabel('Reply to the employee').fill(reply);
    await engineer.getByRole('button', { name: 'Send reply' }).click();
    await engineer.locator('#audit li[data-action="agent_replied"]').waitFor();
    await shot(engineer, '3-workspace-replied');

    const agent = employee.locator('#messages li.msg.agent').filter({ hasText: reply });
    await agent.waitFor({ timeout: 20_000 });
    const thread = await employee.evaluate(async (n) => {
      const t = await (await fetch(`/api/tickets/${n}`)).json();
      return (await fetch(`/api/chat/threads/${t.threadId}/messages`)).json();
    }, number);
    expect(
      thread.messages.some(
        (m: { author: string; text: string }) => m.author === 'agent' && m.text.includes(reply),
      ),
    ).toBe(true);
    await shot(employee, '4-employee-chat-agent-reply');

    await engineer.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => engineer.locator('#facts').textContent()).toContain('resolved');
    // The employee is asked to rate, and rates 5 (a button press on the ticket).
    const resolvedMsg = employee.locator('#messages li.msg').filter({ hasText: /marked resolved/ });
    await resolvedMsg.waitFor({ timeout: 20_000 });
    await resolvedMsg.getByRole('button', { name: '5', exact: true }).click();
    await employee
      .locator('#messages li.msg')
      .filter({ hasText: /Thanks for rating 5\/5/ })
      .waitFor({ timeout: 20_000 });
    await expect.poll(() => engineer.locator('#facts').textContent()).toContain('closed');

    const kpis = await engineer.evaluate(async () => (await fetch('/api/insights/kpis')).json());
    expect(kpis.csat).toEqual({ average: 5, ratings: 1 });
    expect(kpis.tickets).toBe(1);
    expect(kpis.firstResponse.count).toBe(1);
    expect(kpis.firstResponse.p50Ms).toBeGreaterThanOrEqual(0);
    expect(kpis.mttr.count).toBe(1);
    expect(kpis.slaAttainment.firstResponse).toBe(1);
    expect(kpis.byPlatform.web.tickets).toBe(1);
    await engineer.goto(`${h.server.url}/console/insights`);
    await expect.poll(() => engineer.locator('[data-kpi="tickets"]').textContent()).toBe('1');
    expect(await engineer.locator('[data-kpi="csat"]').textContent()).toContain('5');
    await shot(engineer, '5-insights');

    // The same pages in Chinese, by preference.
    await engineer.goto(`${h.server.url}/console?lang=zh`);
    await expect
      .poll(() => engineer.locator('button[data-queue="unclaimed"]').textContent())
      .toContain('未认领');
    await shot(engineer, '6-inbox-zh');

    // The reporter sees their own ticket; another employee sees nothing of it.
    await employee.goto(`${h.server.url}/console/tickets/${number}`);
    await expect.poll(() => employee.locator('#words').textContent()).toContain(words);
    expect(await employee.locator('#actions').isHidden()).toBe(true);

    const other = await signedIn('emp-b', 'employee');
    await other.goto(`${h.server.url}/console`);
    await expect.poll(() => other.locator('#tickets').textContent()).toContain('No tickets here.');
    const seen = await other.evaluate(
      async (n) => ({
        inbox: (await (await fetch('/api/console/inbox')).json()).tickets.length,
        ticket: (await fetch(`/api/tickets/${n}`)).status,
        kpis: (await fetch('/api/insights/kpis')).status,
      }),
      number,
    );
    expect(seen).toEqual({ inbox: 0, ticket: 404, kpis: 403 });
    await other.goto(`${h.server.url}/console/tickets/${number}`);
    await expect.poll(() => other.locator('#status').textContent()).toMatch(/no ticket/i);
    expect(await other.locator('#workspace').isHidden()).toBe(true);
    await shot(other, '7-other-employee');
  }, 120_000);

  it('works from the keyboard (j/k, c, r), filters by tier, and tells the engineer whose page is out of date', async () => {
    const numbers: string[] = [];
    for (const [user, words] of [
      ['emp-c', 'The ERP system is down for the whole finance department, nobody can log in, error 503'],
      ['emp-d', 'The whole Beijing office cannot connect to the VPN since this morning'],
    ] as const) {
      numbers.push(await reportInChat(await signedIn(user, 'employee'), words));
    }
    const engineer = await signedIn('eng-li', 'l2');
    await expect.poll(() => engineer.locator('#tickets tr[data-number]').count()).toBe(2);
    expect(await engineer.locator('header nav a[aria-current="page"]').getAttribute('href')).toBe('/console');
    const cursor = () => engineer.locator('#tickets tr.cursor').getAttribute('data-number');
    const first = await cursor();
    await engineer.locator('body').press('j');
    await expect.poll(cursor).not.toBe(first);
    const second = await cursor();
    await engineer.keyboard.press('k');
    await expect.poll(cursor).toBe(first);
    await engineer.keyboard.press('j');
    await expect.poll(cursor).toBe(second);
    await engineer.keyboard.press('c');
    const claimed = engineer.locator(`#tickets tr[data-number="${second}"]`);
    await expect.poll(() => claimed.textContent()).toContain('eng-li');
    await engineer.keyboard.press('r');
    await engineer.waitForURL(`${h.server.url}/console/tickets/${second}#reply`);
    await expect.poll(() => engineer.evaluate(() => document.activeElement?.id)).toBe('reply');
    await shot(engineer, '8-workspace-from-keyboard');

    // Filters: nothing has gone to L3 yet; escalated, it is there and no longer under L2.
    await engineer.goto(`${h.server.url}/console`);
    await engineer.getByLabel('Tier').selectOption('L3');
    await expect.poll(() => engineer.locator('#tickets').textContent()).toContain('No tickets here.');
    await engineer.evaluate(async (n) => {
      const { csrf } = await (await fetch('/auth/me')).json();
      await fetch(`/api/tickets/${n}/escalate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ reason: 'needs the vendor' }),
      });
    }, first);
    await expect.poll(() => engineer.locator('#tickets tr[data-number]').count()).toBe(1);
    expect(await engineer.locator('#tickets tr[data-number]').getAttribute('data-number')).toBe(first);
    await engineer.getByLabel('Tier').selectOption('L2');
    await expect
      .poll(() => engineer.locator('#tickets tr[data-number]').getAttribute('data-number'))
      .toBe(second);

    // Two engineers on one ticket: the page that did not see the resolve is told who did it.
    const late = await signedIn('eng-wu', 'l2');
    // No live updates on this page (no stream, timers paused): it stays as it was read.
    await late.route('**/api/console/stream', (route) => route.abort());
    await late.clock.install();
    await late.clock.pauseAt(Date.now() + 1000);
    await late.goto(`${h.server.url}/console/tickets/${second}`);
    await expect.poll(() => late.locator('#facts').textContent()).toContain('in progress');
    await engineer.goto(`${h.server.url}/console/tickets/${second}`);
    await engineer.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => engineer.locator('#facts').textContent()).toContain('resolved');
    await late.getByRole('button', { name: 'Escalate to the next tier' }).click();
    await expect.poll(() => late.locator('#status').textContent()).toMatch(/changed by eng-li \(resolved/);
    // Told, the page shows the ticket as it is now.
    await expect.poll(() => late.locator('#facts').textContent()).toContain('resolved');
    await shot(late, '9-workspace-told-of-other-engineer');
  }, 120_000);
  it('the signed-in web chat sends a message typed while the page is still asking who is chatting', async () => {
    const employee = await signedIn('emp-early', 'employee');
    let releaseMe: () => void = () => {};
    const meHeld = new Promise<void>((resolve) => {
      releaseMe = resolve;
    });
    await employee.route('**/auth/me', async (route) => {
      await meHeld;
      await route.continue();
    });
    await employee.reload();
    await employee.fill('#input', 'The whole Shanghai office cannot clock in since 9am, error 500');
    await employee.press('#input', 'Enter');
    releaseMe();
    const announced = employee
      .locator('#messages li.msg.bot')
      .filter({ hasText: /HL-\d+/ })
      .first();
    await announced.waitFor({ timeout: 30_000 });
    expect(await employee.locator('#messages .failed-note').count()).toBe(0);
  });
});
