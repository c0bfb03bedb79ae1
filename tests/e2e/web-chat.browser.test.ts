/**
 * The web chat in a real browser: the real server on embedded defaults, Debian's Chromium driven by
 * playwright-core. An employee types a question and sees a cited answer.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { loadConfig } from '../../src/config/load.ts';
import { type RunningServer, startServer } from '../../src/server/start.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const quiet: Io = { out() {}, err() {}, lines: async function* () {}, tty: false };

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  const config = loadConfig({
    env: { PORT: '0', HELPLINE_DATA: mkdtempSync(join(tmpdir(), 'helpline-e2e-')) },
  });
  server = await startServer(config, quiet);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
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
    await page.screenshot({
      path: join(tmpdir(), `helpline-web-chat-${question.length}.png`),
      fullPage: true,
    });
    await page.close();
  });
});
