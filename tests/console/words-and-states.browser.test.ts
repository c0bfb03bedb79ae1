/**
 * The console in the reader's words and the ticket's state (black-box review): in Chinese no raw
 * status, category, audit, author, clock or calendar id reaches the inbox or the ticket page; the
 * workspace offers only the actions the lifecycle allows (a resolved ticket: Reopen, not Claim or
 * Resolve; an open one: no Reopen); the severity list starts at the ticket's severity; a ticket
 * that is not there is one message, not empty sections; an employee is not told about incidents on
 * their own ticket's page; and at 375 px the page never scrolls sideways (a table scrolls in its box).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKET_WORDS } from '../../src/tickets/ticket-words.ts';
import { CATEGORIES } from '../../src/triage/types.ts';
import { type ConsoleHarness, reportInChat, startConsoleHarness } from '../support/console-harness.ts';

let h: ConsoleHarness;
/** Reported in Chinese (so its title holds no English words), left open. */
let open = '';
/** Reported, claimed and resolved. */
let resolved = '';

const STATUS_IDS = Object.keys(TICKET_WORDS.en.statuses);
const RAW_IDS = [
  ...STATUS_IDS,
  ...CATEGORIES,
  // audit actions, conversation authors, clock states, calendars
  'opened',
  'submitted',
  'waiting_on_employee',
  'employee_replied',
  'agent_replied',
  'viewed',
  'user',
  'bot',
  'agent',
  'running',
  'stopped',
  'paused',
  'breached',
  'cn-business',
  '24x7',
];
/** The raw ids found in `text` as whole words. */
const rawIdsIn = (text: string) =>
  RAW_IDS.filter((id) => new RegExp(`(^|[^A-Za-z0-9_-])${id}($|[^A-Za-z0-9_-])`).test(text));

/** Calls a ticket action as the signed-in user on `page`, with its CSRF token. */
const act = (page: Page, number: string, action: string, body: Record<string, unknown> = {}) =>
  page.evaluate(
    async ([n, a, b]) => {
      const { csrf } = await (await fetch('/auth/me')).json();
      const res = await fetch(`/api/tickets/${n}/${a}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(b),
      });
      return res.status;
    },
    [number, action, body] as const,
  );

/** Whether the page itself scrolls sideways. */
const pageScrollsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

beforeAll(async () => {
  h = await startConsoleHarness({ base: 'helpline-words-e2e-' });
  const employee = await h.signedIn('emp-zh', 'employee', { locale: 'zh-CN' });
  open = await reportInChat(employee, '上海办公室全员从早上九点开始无法打卡，考勤系统一直报错 500');
  resolved = await reportInChat(
    await h.signedIn('emp-en', 'employee'),
    'My November salary is 3000 short, please have a person look at it',
  );
  const engineer = await h.signedIn('eng-admin', 'admin');
  expect(await act(engineer, resolved, 'claim')).toBe(200);
  expect(await act(engineer, resolved, 'resolve', { reason: 'Paid with the December salary' })).toBe(200);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('the console in Chinese', () => {
  it('shows no raw status or category id in the inbox rows and filters', async () => {
    const page = await h.signedIn('eng-zh', 'admin', { locale: 'zh-CN' });
    const row = page.locator(`#tickets tr[data-number="${open}"]`);
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(TICKET_WORDS.zh.statuses.waiting_l2);
    expect(text).toContain(TICKET_WORDS.zh.categories.attendance);
    expect(rawIdsIn(text)).toEqual([]);
    // The filters show words; their values stay the ids the API takes.
    const options = await page.locator('#category option').allTextContents();
    expect(options).toContain(TICKET_WORDS.zh.categories.payroll);
    expect(rawIdsIn(options.join(' '))).toEqual([]);
    expect(await page.locator('#category option', { hasText: '薪资' }).getAttribute('value')).toBe('payroll');
    expect(await page.locator('#tier option[value="manager"]').textContent()).toBe('经理');
    expect(await page.locator('header .me').textContent()).toContain('管理员');
  }, 60_000);

  it('names statuses, categories, audit entries, authors, clocks and calendars on the ticket page', async () => {
    const page = await h.signedIn('eng-zh', 'admin', { locale: 'zh-CN' });
    for (const number of [open, resolved]) {
      await page.goto(`${h.server.url}/console/tickets/${number}`);
      await page.locator('#audit li[data-action="opened"]').waitFor();
      await page.locator('#clocks .clock').first().waitFor();
      const parts: Record<string, string> = {};
      for (const id of ['heading', 'facts', 'clocks']) {
        parts[id] = (await page.locator(`#${id}`).textContent()) ?? '';
      }
      // Each audit entry without its reason (people's words, the triage rationale in English).
      parts.audit = (
        await page.locator('#audit li').evaluateAll((items) =>
          items.map((li) =>
            [...li.childNodes]
              .filter((n) => !(n instanceof HTMLElement && n.classList.contains('reason')))
              .map((n) => n.textContent)
              .join(''),
          ),
        )
      ).join('\n');
      parts.authors = (await page.locator('#conversation .who').allTextContents()).join(' ');
      for (const [part, text] of Object.entries(parts))
        expect({ part, raw: rawIdsIn(text) }).toEqual({ part, raw: [] });
      expect(parts.authors).toContain('员工');
      expect(parts.audit).toContain('创建');
    }
    // The resolved payroll ticket (sensitive): its read is in the log in Chinese too.
    expect(await page.locator('#facts').textContent()).toContain(TICKET_WORDS.zh.statuses.resolved);
    expect(await page.locator('#facts').textContent()).toContain(TICKET_WORDS.zh.categories.payroll);
    const viewed = page.locator('#audit li[data-action="viewed"]').first();
    await viewed.waitFor();
    expect(await viewed.textContent()).toMatch(/查看（敏感工单）.*以管理员身份查看/);
    expect(await page.locator('#clocks').textContent()).toMatch(/全天候|中国工作时间/);
    await h.shot(page, 'words-workspace-zh');
  }, 60_000);

  it('says once, in Chinese, that a ticket is not there — no empty sections', async () => {
    const page = await h.signedIn('eng-zh', 'admin', { locale: 'zh-CN' });
    await page.goto(`${h.server.url}/console/tickets/HL-9999`);
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe('没有你可以查看的工单 HL-9999，请核对工单号（如 HL-1042）。');
    expect(await page.locator('#workspace').isHidden()).toBe(true);
    expect(await page.locator('main h2:visible').allTextContents()).toEqual(['HL-9999']);
  }, 60_000);

  it('shows an employee their ticket without the incidents refusal, and the incidents page as one message', async () => {
    const employee = await h.signedIn('emp-zh', 'employee', { locale: 'zh-CN' });
    await employee.goto(`${h.server.url}/console/tickets/${open}`);
    await employee.locator('#audit li[data-action="opened"]').waitFor();
    expect(await employee.locator('#incident-box').count()).toBe(0);
    // The nav links only the sections the policy opens to an employee.
    expect(await employee.locator('header nav a').allTextContents()).toEqual(['工单队列', 'English']);
    expect(await employee.locator('#status').textContent()).toBe('');
    expect(await employee.locator('body').textContent()).not.toMatch(/Incidents are for/);
    await employee.goto(`${h.server.url}/console/incidents`);
    await expect
      .poll(() => employee.locator('#status').textContent())
      .toBe('事件仅供工程师、HR 管理员和管理员查看；你自己的工单请在聊天中查看。');
    expect(await employee.locator('#incidents-box').isHidden()).toBe(true);
  }, 60_000);
});

describe('the workspace’s actions follow the ticket’s state', () => {
  const visible = (page: Page, selector: string) => page.locator(selector).isVisible();

  it('offers Reopen on a resolved ticket, and not Claim, Resolve, Escalate or an override', async () => {
    const page = await h.signedIn('eng-admin', 'admin');
    await page.goto(`${h.server.url}/console/tickets/${resolved}`);
    await page.locator('#actions:not([hidden])').waitFor();
    await expect.poll(() => visible(page, '#reopen-form')).toBe(true);
    expect(await page.getByRole('button', { name: 'Reopen' }).isVisible()).toBe(true);
    for (const hidden of ['#claim', '#resolve', '#escalate', '#override-form', '#ask-option']) {
      expect({ hidden, visible: await visible(page, hidden) }).toEqual({ hidden, visible: false });
    }
    // Reopened from the page, it is open again: Resolve is offered and Reopen is not.
    await page.getByLabel('Reason', { exact: true }).fill('Still 3000 short');
    await page.getByRole('button', { name: 'Reopen' }).click();
    await expect.poll(() => visible(page, '#resolve')).toBe(true);
    expect(await visible(page, '#reopen-form')).toBe(false);
    expect(await visible(page, '#claim')).toBe(false); // reopened to the engineer who held it
  }, 60_000);

  it('offers Claim on a ticket waiting for an engineer, not Reopen; the severity list starts at its severity', async () => {
    const page = await h.signedIn('eng-admin', 'admin');
    await page.goto(`${h.server.url}/console/tickets/${open}`);
    await page.locator('#actions:not([hidden])').waitFor();
    const api = await page.evaluate(async (n) => (await fetch(`/api/tickets/${n}`)).json(), open);
    expect(api.status).toBe('waiting_l2');
    await expect.poll(() => visible(page, '#claim')).toBe(true);
    expect(await visible(page, '#resolve')).toBe(true);
    expect(await visible(page, '#reopen-form')).toBe(false);
    const severity = page.locator('#new-severity');
    expect(await severity.inputValue()).toBe(api.severity);

    // Overridden, the list shows the new severity, also after the form is reset.
    const other = api.severity === 'P3' ? 'P2' : 'P3';
    await severity.selectOption(other);
    await page
      .getByLabel('Reason for the new severity (required)')
      .fill('Only one office, a workaround exists');
    await page.getByRole('button', { name: 'Override severity' }).click();
    await expect.poll(() => page.locator('#severity .sev').textContent()).toBe(other);
    expect(await severity.inputValue()).toBe(other);
  }, 60_000);
});

describe('at 375 px wide', () => {
  it('the inbox, a ticket and the incidents list do not scroll sideways; the inbox table scrolls in its box', async () => {
    const page = await h.signedIn('eng-zh', 'admin', {
      locale: 'zh-CN',
      viewport: { width: 375, height: 800 },
    });
    await page.locator('#tickets tr[data-number]').first().waitFor();
    expect(await pageScrollsSideways(page)).toBe(false);
    const box = await page.locator('#tickets').evaluate((tbody) => {
      const scroller = tbody.closest('.table-box') as HTMLElement;
      return { overflow: getComputedStyle(scroller).overflowX, width: scroller.clientWidth };
    });
    expect(box.overflow).toBe('auto');
    expect(box.width).toBeLessThanOrEqual(375);
    await h.shot(page, 'words-inbox-375');
    await page.goto(`${h.server.url}/console/tickets/${open}`);
    await page.locator('#audit li').first().waitFor();
    expect(await pageScrollsSideways(page)).toBe(false);
    await h.shot(page, 'words-workspace-375');
    await page.goto(`${h.server.url}/console/incidents`);
    await page.locator('#incidents tr').first().waitFor();
    expect(await pageScrollsSideways(page)).toBe(false);
  }, 60_000);
});
