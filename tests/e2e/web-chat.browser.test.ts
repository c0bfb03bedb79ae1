/**
 * The web chat in a real browser: the real server on embedded defaults, Debian's Chromium driven by
 * playwright-core. An employee types a question and sees a cited answer.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { type RunningServer, startServer } from '../../src/server/start.ts';
import { launchChromium, quietIo } from '../support/chromium.ts';

const quiet = quietIo;

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const config = loadConfig({
    env: { PORT: '0', HELPLINE_DATA: mkdtempSync(join(tmpdir(), 'helpline-e2e-')) },
  });
  server = await startServer(config, quiet);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('web chat in a browser', () => {
  it.each([
    ['怎么请年假', /e-HR/],
    ['how do I reset my password', /SSO|password/i],
  ])('answers "%s" with a citation', async (question, expected) => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.fill('#input', question);
    await page.press('#input', 'Enter');
    const bot = page.locator('#messages li.msg.bot').last();
    await bot.waitFor({ timeout: 10_000 });
    await expect.poll(async () => bot.textContent(), { timeout: 10_000 }).toMatch(expected);
    expect(await bot.locator('ol.cites li').count()).toBeGreaterThan(0);
    expect(await bot.locator('.actions button').count()).toBeGreaterThan(0);
    await page.screenshot({
      path: join(tmpdir(), `helpline-web-chat-${question.length}.png`),
      fullPage: true,
    });
    await page.close();
  });
});
