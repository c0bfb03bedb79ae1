/**
 * Every console page in Chromium, in English and Chinese, audited with axe-core (issue 14 item 6):
 * the inbox, a ticket's workspace (with its SLA clocks and pause history), the incidents list and one
 * incident, the knowledge upkeep page, the KPI page (with its charts) and the monthly report. No
 * serious or critical violation is allowed, no page may trip its Content-Security-Policy, the nav
 * marks the page's section (aria-current) and a page below a section links back to it. Each page is saved as a PNG in .artifacts/screenshots/ (git
 * ignores it; CI keeps it as a test artifact).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay } from '../../src/console/period.ts';
import {
  type ConsoleHarness,
  reportInChat,
  SCREENSHOTS,
  startConsoleHarness,
} from '../support/console-harness.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let h: ConsoleHarness;
let number = '';

const signedIn = (userId: string, role: string, locale: string) =>
  h.signedIn(userId, role, { locale, viewport: { width: 1280, height: 900 } });

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's serious and critical findings on the page as it stands. */
async function audit(page: Page): Promise<Violation[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    (
      window as unknown as {
        axe: { run(ctx: Document, o: object): Promise<{ violations: Violation[]; passes: unknown[] }> };
      }
    ).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }),
  );
  // axe ran its rules: a page it could not audit would pass nothing.
  expect(result.passes.length).toBeGreaterThan(20);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      ...v,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
}

beforeAll(async () => {
  h = await startConsoleHarness({ base: 'helpline-a11y-e2e-' });

  // A ticket with a history: reported in the web chat, claimed, a question that pauses the
  // resolution clock, the employee's answer that resumes it.
  const employee = await signedIn('emp-a', 'employee', 'en-US');
  number = await reportInChat(
    employee,
    'The whole Shanghai office cannot clock in since 9am, the attendance app shows error 500',
  );
  const engineer = await signedIn('eng-li', 'l2', 'en-US');
  await engineer.goto(`${h.server.url}/console/tickets/${number}`);
  await engineer.getByRole('button', { name: 'Claim', exact: true }).click();
  await engineer.locator('#facts', { hasText: 'eng-li' }).waitFor();
  await engineer.getByLabel('Reply to the employee').fill('Which building are you in?');
  await engineer.locator('#ask').check();
  await engineer.getByRole('button', { name: 'Send reply' }).click();
  await engineer.locator('#audit li[data-action="waiting_on_employee"]').waitFor();
  await employee.locator('#messages li.msg.agent').first().waitFor({ timeout: 20_000 });
  await employee.fill('#input', 'Building B, 3rd floor');
  await employee.press('#input', 'Enter');
  await engineer.locator('#audit li[data-action="employee_replied"]').waitFor({ timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const month = () => localDay(Date.now(), 'Asia/Shanghai').slice(0, 7);
/** Each page: where it is, when it is drawn, its section in the nav, and where its back link goes. */
const PAGES: {
  name: string;
  path: () => string;
  ready: (page: Page) => Promise<unknown>;
  section: string;
  back?: string;
}[] = [
  {
    name: 'inbox',
    section: '/console',
    path: () => '/console',
    ready: (p) => p.locator('#tickets tr[data-number]').first().waitFor(),
  },
  {
    name: 'workspace',
    section: '/console',
    back: '/console',
    path: () => `/console/tickets/${number}`,
    ready: (p) => p.locator('#clocks .holds li').first().waitFor(),
  },
  {
    name: 'incidents',
    section: '/console/incidents',
    path: () => '/console/incidents',
    ready: (p) => p.locator('#incidents tr').first().waitFor(),
  },
  {
    name: 'incident',
    section: '/console/incidents',
    back: '/console/incidents',
    path: () => `/console/incidents/${number}`,
    ready: (p) => p.locator('#facts dl').waitFor(),
  },
  {
    name: 'knowledge',
    section: '/console/knowledge',
    path: () => '/console/knowledge',
    ready: (p) => p.locator('#articles *').first().waitFor(),
  },
  {
    name: 'insights',
    section: '/console/insights',
    path: () => '/console/insights',
    ready: (p) => p.locator('body[data-charts="ready"]').waitFor(),
  },
  {
    name: 'report',
    section: '/console/insights',
    back: '/console/insights',
    path: () => `/console/reports/${month()}`,
    ready: (p) => p.locator('body[data-charts="ready"]').waitFor(),
  },
];

describe.each(['en', 'zh'])('console pages in %s', (lang) => {
  it.each(PAGES)(
    '$name passes axe-core with no serious or critical violation',
    async ({ name, path, ready, section, back }) => {
      const page = await signedIn('eng-li', 'l2', lang === 'zh' ? 'zh-CN' : 'en-US');
      const blocked: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) blocked.push(m.text());
      });
      await page.goto(`${h.server.url}${path()}`);
      await ready(page);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await audit(page)).toEqual([]);
      expect(blocked).toEqual([]);
      // The nav marks where the page is; a page below a section links back to it.
      const current = page.locator('header nav a[aria-current="page"]');
      expect(await current.count()).toBe(1);
      expect(await current.getAttribute('href')).toBe(section);
      if (back) expect(await page.locator(`main a[href="${back}"]`).count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(SCREENSHOTS, `console-${name}-${lang}.png`), fullPage: true });
      // The top of the page, as docs/console/insights.png shows it.
      await page.screenshot({
        path: join(SCREENSHOTS, `console-${name}-${lang}-top.png`),
        fullPage: true,
        clip: { x: 0, y: 0, width: 1280, height: 1500 },
      });
    },
    60_000,
  );
});

describe('the workspace', () => {
  it('shows the SLA clocks with the pause waiting on the employee and what ended it', async () => {
    const page = await signedIn('eng-li', 'l2', 'en-US');
    await page.goto(`${h.server.url}/console/tickets/${number}`);
    const hold = page.locator('#clocks [data-clock="resolution"] .holds li').first();
    await expect
      .poll(() => hold.textContent(), { timeout: 20_000 })
      .toMatch(/Paused, waiting on the employee: .+ → .+ \(ended: the employee answered\)/);
    expect(await page.locator('#clocks [data-clock="first_response"] h3').textContent()).toBe(
      'First response: stopped',
    );
  }, 60_000);
});
