/**
 * Signing in, in a real browser (Debian's Chromium, playwright-core): the real server with an
 * identity provider configured (oidc-provider on a local port), so the chat needs a sign-in. The
 * employee signs in at the provider, chats and gets a cited answer; another employee's thread is
 * refused. Tokens are made through the running server's admin socket, as `helpline token` does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { adminSocketPath, callAdminSocket } from '../../src/server/admin-socket.ts';
import { type RunningServer, startServer } from '../../src/server/start.ts';
import { launchChromium, quietIo } from '../support/chromium.ts';
import { CLIENT, type OidcProviderStandIn, startOidcProvider } from '../support/oidc-provider.ts';

const quiet = quietIo;

let idp: OidcProviderStandIn;
let server: RunningServer;
let browser: Browser;
const data = mkdtempSync(join(tmpdir(), 'helpline-signin-'));

beforeAll(async () => {
  idp = await startOidcProvider();
  const config = loadConfig({
    env: {
      PORT: '0',
      HELPLINE_DATA: data,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT.id,
      OIDC_CLIENT_SECRET: CLIENT.secret,
    },
  });
  server = await startServer(config, quiet);
  idp.register(`${server.url}/auth/callback`);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await idp?.close();
});

describe('signing in to the web chat', () => {
  it('signs in at the identity provider, chats with a cited answer, and is refused another thread', async () => {
    // Someone else's conversation, made with an API token from the admin socket.
    const made = await callAdminSocket(adminSocketPath(data), 'token.create', {
      userId: 'emp-b',
      role: 'employee',
    });
    expect(made?.token).toMatch(/^hlp_/);
    const other = await fetch(`${server.url}/api/chat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${made!.token}` },
      body: JSON.stringify({ text: '我的工资卡号 6222020200112233445，这个月工资没到' }),
    });
    expect(other.status).toBe(202);
    const { threadId: othersThread } = (await other.json()) as { threadId: string };

    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    // Not signed in: the composer is off and the page offers to sign in.
    const signIn = page.getByRole('link', { name: /Sign in to chat/ });
    await signIn.waitFor({ timeout: 10_000 });
    expect(await page.locator('#input').isDisabled()).toBe(true);
    await signIn.click();

    // The provider's own pages: login, then consent.
    await page.locator('input[name="login"]').fill('li');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();

    await page.waitForURL(`${server.url}/`);
    await expect
      .poll(() => page.locator('#account').textContent(), { timeout: 10_000 })
      .toBe('li@example.com');
    await page.fill('#input', 'how do I reset my password');
    await page.press('#input', 'Enter');
    const bot = page.locator('#messages li.msg.bot').last();
    await bot.waitFor({ timeout: 15_000 });
    await expect.poll(async () => bot.textContent(), { timeout: 10_000 }).toMatch(/SSO|password/i);
    expect(await bot.locator('ol.cites li').count()).toBeGreaterThan(0);

    // The other employee's thread, asked for with this browser's session: not found.
    const status = await page.evaluate(
      async (id) => (await fetch(`/api/chat/threads/${encodeURIComponent(id)}/messages`)).status,
      othersThread,
    );
    expect(status).toBe(404);
    // Posting into it is refused too, even with the session's CSRF token.
    const posted = await page.evaluate(async (id) => {
      const me = await (await fetch('/auth/me')).json();
      const res = await fetch('/api/chat/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf },
        body: JSON.stringify({ threadId: id, text: 'hello' }),
      });
      return res.status;
    }, othersThread);
    expect(posted).toBe(404);
    await page.screenshot({ path: join(tmpdir(), 'helpline-sign-in.png'), fullPage: true });
    await page.close();
  }, 90_000);
});
