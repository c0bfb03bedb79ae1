/**
 * The console's ticket page on a sensitive ticket, in a real browser, left open: it loads the ticket
 * once (one 'viewed' row in the audit log) and then stays still — no reload loop of its own reads.
 * Before, each read's audit row reached the page as a change over the live stream, the page reloaded
 * and read again: about one reload a second, forever, each writing more rows.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ConsoleHarness, reportInChat, startConsoleHarness } from '../support/console-harness.ts';

let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsoleHarness({ base: 'helpline-view-audit-' });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

it('an open ticket page writes one “viewed” row and does not reload on its own reads', async () => {
  const employee = await h.signedIn('emp-a', 'employee');
  const number = await reportInChat(employee, '我这个月工资少发了3000元，应发15000元实发只有12000元');

  const hr = await h.signedIn('hr-1', 'hr_admin');
  const reads: string[] = [];
  hr.on('request', (r) => {
    if (r.url().endsWith(`/api/tickets/${number}`)) reads.push(r.url());
  });
  await hr.goto(`${h.server.url}/console/tickets/${number}`);
  await expect.poll(() => hr.locator('#heading').textContent(), { timeout: 10_000 }).toContain(number);
  // The stream's first mark makes the page load once more; then it settles.
  await hr.waitForTimeout(2_500);
  const settled = reads.length;
  await hr.waitForTimeout(5_000);
  expect(reads.length - settled).toBe(0);

  const events = await hr.evaluate(
    async (n) => (await (await fetch(`/api/tickets/${n}/events`)).json()).events,
    number,
  );
  const viewed = events.filter((e: { action: string }) => e.action === 'viewed');
  expect(viewed.map((e: { actor: string }) => e.actor)).toEqual(['hr-1']);
}, 90_000);
