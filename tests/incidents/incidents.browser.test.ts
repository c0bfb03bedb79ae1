/**
 * The incidents pages in a real browser (issue 14 item 3; DESIGN §2 flow 8), on loopback with the
 * embedded defaults: two employees report the same outage in the web chat (the second joins the
 * first's incident), an l2 engineer sees it in /console/incidents with both reporters, posts one
 * update — it arrives in both employees' chat threads as an engineer's message — and resolves the
 * incident, which both employees are told. The ticket workspace shows a report's incident. The list
 * and the workspace's incident box refresh live on the page's one stream, and resolving the
 * incident's ticket from its workspace tells every reporter too.
 * Screenshots go to .artifacts/screenshots/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleHarness, reportInChat, startConsoleHarness } from '../support/console-harness.ts';

let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsoleHarness({ base: 'helpline-incidents-e2e-' });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const signedIn = (userId: string, role: string) => h.signedIn(userId, role);

/** The engineer opens the workspace of the incident's second report, which names its incident. */
async function openSecondReport(engineer: Page, incident: string) {
  const reportNumber = await engineer.evaluate(
    async (n) => (await (await fetch(`/api/incidents/${n}`)).json()).reportedBy[1].number as string,
    incident,
  );
  await engineer.goto(`${h.server.url}/console/tickets/${reportNumber}`);
  const box = engineer.locator('#incident-of');
  await expect.poll(() => box.textContent()).toContain(`Part of incident ${incident}`);
  return { reportNumber, box };
}

describe('the incidents pages', () => {
  it('posts one update to both reporters’ web chats and resolves the incident for both', async () => {
    const first = await signedIn('emp-a', 'employee');
    const second = await signedIn('emp-b', 'employee');
    const incident = await reportInChat(
      first,
      'The attendance system is down for everyone: clock-in fails with error 500 in the whole company',
    );
    // The same outage from someone else joins it: the bot names the incident, not a new ticket.
    expect(
      await reportInChat(
        second,
        'Clock-in fails with error 500 for everyone in the whole company, attendance system down',
      ),
    ).toBe(incident);

    const engineer = await signedIn('eng-li', 'l2');
    await engineer.getByRole('link', { name: 'Incidents' }).click();
    await engineer.waitForURL(`${h.server.url}/console/incidents`);
    const row = engineer.locator(`#incidents tr[data-number="${incident}"]`);
    await row.waitFor({ timeout: 5_000 });
    expect(await row.locator('td.reporters').textContent()).toBe('2');
    await h.shot(engineer, 'incidents-1-list');

    await row.getByRole('link', { name: incident }).click();
    await engineer.waitForURL(`${h.server.url}/console/incidents/${incident}`);
    await expect.poll(() => engineer.locator('#reporters tr').count()).toBe(2);
    expect(await engineer.locator('#reporters').textContent()).toContain('emp-b');

    const update = 'The attendance vendor is restarting the clock-in service; next update in 30 minutes.';
    await engineer.getByLabel(/Update \(sent to each reporter/).fill(update);
    await engineer.getByRole('button', { name: 'Send update' }).click();
    await expect.poll(() => engineer.locator('#updates').textContent()).toContain(update);
    await expect.poll(() => engineer.locator('#status').textContent()).toContain('sent to 2');
    await h.shot(engineer, 'incidents-2-update-sent');

    for (const [page, name] of [
      [first, 'first'],
      [second, 'second'],
    ] as const) {
      const agent = page.locator('#messages li.msg.agent').filter({ hasText: update });
      await agent.waitFor({ timeout: 20_000 });
      expect(await agent.count()).toBe(1);
      await h.shot(page, `incidents-3-update-in-${name}-reporter-chat`);
    }

    // The report's workspace names its incident.
    const { box } = await openSecondReport(engineer, incident);
    // Taken off by mistake and linked back, from the workspace.
    await engineer.getByLabel('Why it is not the same problem').fill('checking');
    await engineer.getByRole('button', { name: 'Unlink from the incident' }).click();
    await expect.poll(() => box.textContent()).toBe('—');
    expect(await engineer.locator('#unlink-form').isVisible()).toBe(false);
    await engineer.getByLabel('Link to an open incident (ticket number)').fill(incident);
    await engineer.getByRole('button', { name: 'Link', exact: true }).click();
    await expect.poll(() => box.textContent()).toContain(`Part of incident ${incident}`);
    expect(await engineer.locator('#link-form').isVisible()).toBe(false);
    await h.shot(engineer, 'incidents-5-workspace-linked');
    await engineer.goto(`${h.server.url}/console/incidents/${incident}`);

    await engineer.getByLabel(/Resolution/).fill('The vendor fixed the clock-in service.');
    await engineer.getByRole('button', { name: 'Resolve incident' }).click();
    await expect.poll(() => engineer.locator('#incident-status').textContent()).toBe('resolved');
    await h.shot(engineer, 'incidents-4-resolved');
    for (const page of [first, second]) {
      await page
        .locator('#messages li.msg')
        .filter({ hasText: /The vendor fixed the clock-in service/ })
        .waitFor({ timeout: 20_000 });
    }

    // An employee has no incidents list.
    await first.goto(`${h.server.url}/console/incidents`);
    await expect.poll(() => first.locator('#status').textContent()).toMatch(/for engineers/);
  }, 120_000);

  it('refreshes the list and the workspace’s incident box live on one stream, and a resolve from the workspace tells every reporter', async () => {
    const say = [
      'The expense system is down for everyone in the whole company: login fails with error 502',
      'Login fails with error 502 for everyone in the whole company, the expense system is down',
      'Expense system down for everyone in the whole company, error 502 when I log in',
    ];
    const [a, b, c] = [
      await signedIn('emp-x', 'employee'),
      await signedIn('emp-y', 'employee'),
      await signedIn('emp-z', 'employee'),
    ];
    const incident = await reportInChat(a, say[0]);
    expect(await reportInChat(b, say[1])).toBe(incident);

    const engineer = await signedIn('eng-li', 'l2');
    const streams: string[] = [];
    engineer.on('request', (r) => {
      if (r.url().endsWith('/api/console/stream')) streams.push(new URL(engineer.url()).pathname);
    });
    await engineer.goto(`${h.server.url}/console/incidents`);
    expect(await engineer.locator('header nav a[aria-current="page"]').getAttribute('href')).toBe(
      '/console/incidents',
    );
    const reporters = engineer.locator(`#incidents tr[data-number="${incident}"] td.reporters`);
    await expect.poll(() => reporters.textContent()).toBe('2');
    // A third report joins while the list is open: the count moves without a reload.
    expect(await reportInChat(c, say[2])).toBe(incident);
    await expect.poll(() => reporters.textContent(), { timeout: 5_000 }).toBe('3');

    // The report's workspace follows its incident live, on the page's one stream.
    const { reportNumber, box } = await openSecondReport(engineer, incident);
    const other = await signedIn('eng-wu', 'l2');
    const act = (path: string, body: unknown) =>
      other.evaluate(
        async ([p, json]) => {
          const { csrf } = await (await fetch('/auth/me')).json();
          return (
            await fetch(p as string, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
              body: JSON.stringify(json),
            })
          ).status;
        },
        [path, body],
      );
    expect(await act(`/api/tickets/${reportNumber}/unlink`, { reason: 'checking' })).toBe(200);
    await expect.poll(() => box.textContent(), { timeout: 5_000 }).toBe('—');
    expect(await act(`/api/tickets/${reportNumber}/link`, { incident })).toBe(200);
    await expect.poll(() => box.textContent(), { timeout: 5_000 }).toContain(`Part of incident ${incident}`);
    expect(streams.filter((p) => p === `/console/tickets/${reportNumber}`)).toHaveLength(1);
    expect(await engineer.locator('main a[href="/console"]').count()).toBeGreaterThan(0);

    // Resolved from the incident's own workspace (not the incidents page): every reporter is told.
    await engineer.goto(`${h.server.url}/console/tickets/${incident}`);
    await engineer.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => engineer.locator('#facts').textContent()).toContain('resolved');
    await a
      .locator('#messages li.msg')
      .filter({ hasText: `Your ticket ${incident} has been marked resolved` })
      .waitFor({ timeout: 20_000 });
    for (const page of [b, c]) {
      const told = page.locator('#messages li.msg').filter({ hasText: `(incident ${incident}) is resolved` });
      await told.waitFor({ timeout: 20_000 });
      expect(await told.count()).toBe(1);
    }
    await h.shot(c, 'incidents-6-resolved-from-workspace-reporter-told');
  }, 120_000);
});
