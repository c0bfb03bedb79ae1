/**
 * The console's browser tests share this: the real server in-process on loopback with the embedded
 * defaults (a data folder of its own), Debian's Chromium, users signed in through a single-use link
 * from the admin socket (as `helpline login-link` makes), and an employee's report in the web chat.
 * The waits are generous on purpose: these run on a loaded 2-core CI machine.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../src/config/load.ts';
import { adminSocketPath, callAdminSocket } from '../../src/server/admin-socket.ts';
import { type RunningServer, startServer } from '../../src/server/start.ts';
import { launchChromium, quietIo } from './chromium.ts';

/** Where the browser tests save their screenshots (git ignores it; CI keeps it as an artifact). */
export const SCREENSHOTS = join(import.meta.dirname, '../../.artifacts/screenshots');

export interface ConsoleHarness {
  server: RunningServer;
  browser: Browser;
  /** The server's data folder (its admin socket is there). */
  data: string;
  /**
   * A browser context of its own, signed in as `userId` with `role` through a login link; staff land
   * on their inbox, employees on the chat.
   */
  signedIn(userId: string, role: string, options?: SignInOptions): Promise<Page>;
  /** Saves the whole page as `.artifacts/screenshots/<name>.png`. */
  shot(page: Page, name: string): Promise<Buffer>;
  close(): Promise<void>;
}

export interface SignInOptions {
  /** @defaultValue 'en-US' */
  locale?: string;
  /** @defaultValue Playwright's (1280×720) */
  viewport?: { width: number; height: number };
}

/**
 * Starts the server and Chromium. The data folder is `data`, or a new one in the system temp folder
 * named from `base`; `env` adds settings (e.g. HELPLINE_KB).
 */
export async function startConsoleHarness(
  options: { base?: string; data?: string; env?: Record<string, string> } = {},
): Promise<ConsoleHarness> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const data = options.data ?? mkdtempSync(join(tmpdir(), options.base ?? 'helpline-console-e2e-'));
  const server = await startServer(
    loadConfig({ env: { PORT: '0', HELPLINE_DATA: data, ...options.env } }),
    quietIo,
  );
  const browser = await launchChromium().catch(async (err) => {
    await server.close();
    throw err;
  });
  const contexts: BrowserContext[] = [];
  return {
    server,
    browser,
    data,
    async signedIn(userId, role, { locale = 'en-US', viewport } = {}) {
      const made = await callAdminSocket(adminSocketPath(data), 'login-link', { userId, role });
      const context = await browser.newContext({ locale, ...(viewport ? { viewport } : {}) });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(made!.url as string);
      // The sign-in page is the same in every language: one button that posts the link's token.
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(role === 'employee' ? `${server.url}/` : `${server.url}/console`);
      return page;
    },
    shot: (page, name) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }),
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await server.close();
    },
  };
}

/**
 * The employee on `page` (the web chat) says `words`; returns the ticket number the bot announces.
 * A web-chat turn on a loaded machine may take a while: up to 30 s.
 */
export async function reportInChat(page: Page, words: string): Promise<string> {
  await page.fill('#input', words);
  await page.press('#input', 'Enter');
  const announced = page
    .locator('#messages li.msg.bot')
    .filter({ hasText: /HL-\d+/ })
    .first();
  await announced.waitFor({ timeout: 30_000 });
  return /HL-\d+/.exec((await announced.textContent()) ?? '')![0];
}
