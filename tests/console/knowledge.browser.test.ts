/**
 * Knowledge upkeep in a real browser (issue 14 item 5), on loopback with the embedded defaults and
 * a KB folder of its own: an employee's report becomes a ticket an engineer answers and resolves;
 * an HR admin signed in through a login link opens /console/knowledge, drafts an article from the
 * ticket, edits it in the page and publishes it; the next web-chat question is answered from the
 * new article, without a restart. Screenshots go to .artifacts/screenshots/.
 */
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSocketPath, callAdminSocket } from '../../src/server/admin-socket.ts';
import { type ConsoleHarness, startConsoleHarness } from '../support/console-harness.ts';

const base = mkdtempSync(join(tmpdir(), 'helpline-knowledge-e2e-'));
const kb = join(base, 'kb');

let h: ConsoleHarness;

beforeAll(async () => {
  mkdirSync(join(kb, 'en'), { recursive: true });
  for (const f of ['vpn.md', 'password-reset.md', 'laptop.md', 'leave-request.md']) {
    cpSync(join('kb/en', f), join(kb, 'en', f));
  }
  h = await startConsoleHarness({ data: join(base, 'data'), env: { HELPLINE_KB: kb } });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

async function api(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const res = await fetch(`${h.server.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of several shapes, read by the test
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, any> };
}

/** Asks in the web chat (the open trial mode) and waits for the bot's reply. */
async function ask(userId: string, text: string) {
  const { json } = await api('/api/chat/messages', { body: { userId, text } });
  const end = Date.now() + 15_000;
  for (;;) {
    const { json: thread } = await api(`/api/chat/threads/${json.threadId}/messages`);
    const at = thread.messages.findIndex((m: { id: string }) => m.id === json.messageId);
    const reply = thread.messages.slice(at + 1).find((m: { author: string }) => m.author === 'bot');
    if (reply)
      return reply as { text: string; citations?: { source: string }[]; ticket?: { number: string } };
    if (Date.now() > end) throw new Error(`no reply to "${text}"`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('knowledge upkeep in the console', () => {
  it('drafts an article from a resolved ticket, edits and publishes it, and the bot answers from it', async () => {
    // An attendance problem: a ticket HR admins (the KB editors) may read.
    const report = await ask(
      'emp-a',
      'My clock-in on the phone app fails with error E1003 since this morning',
    );
    const number = report.ticket?.number;
    expect(number).toMatch(/^HL-\d+$/);
    const made = await callAdminSocket(adminSocketPath(h.data), 'token.create', {
      userId: 'eng-li',
      role: 'l2',
    });
    const token = made!.token as string;
    const fix =
      'Error E1003 means the Attendance app may not use your location: allow precise location for the app in the phone settings, then clock in again.';
    expect(
      (await api(`/api/tickets/${number}/reply`, { token, body: { text: fix, key: 'fix' } })).status,
    ).toBe(200);
    expect(
      (
        await api(`/api/tickets/${number}/resolve`, {
          token,
          body: { reason: 'Location permission turned on.' },
        })
      ).status,
    ).toBe(200);

    const editor = await h.signedIn('hr-wang', 'hr_admin');
    await editor.getByRole('link', { name: 'Knowledge' }).click();
    await editor.waitForURL(`${h.server.url}/console/knowledge`);
    await editor.locator('#articles tr').first().waitFor();
    await editor.getByLabel('Ticket number').fill(number as string);
    await editor.getByRole('button', { name: 'Draft', exact: true }).click();
    const article = editor.getByLabel('Article (Markdown with front matter)');
    await expect.poll(() => article.inputValue()).toContain(fix);
    expect(await editor.getByLabel('Article path in the KB folder').inputValue()).toMatch(/^en\/.+\.md$/);
    // The editor changes the draft before publishing.
    const edited = (await article.inputValue())
      .replace(/^title: .*$/m, 'title: Clock-in error E1003 in the phone app')
      .replace(/^# .*$/m, '# Clock-in error E1003 in the phone app');
    await article.fill(`${edited}\nIf it still fails, sign out of the app and sign in again.\n`);
    await editor.getByLabel('Article path in the KB folder').fill('en/clock-in-error-e1003.md');
    await h.shot(editor, 'knowledge-1-draft');
    const published = Date.now();
    await editor.getByRole('button', { name: 'Publish and re-index' }).click();
    await expect
      .poll(() => editor.locator('#status').textContent())
      .toMatch(/Published en\/clock-in-error-e1003\.md/);
    await editor.locator('#articles tr[data-path="en/clock-in-error-e1003.md"]').waitFor();
    await h.shot(editor, 'knowledge-2-published');

    // Publishing to a path that exists asks before replacing the article there.
    await article.fill(`${await article.inputValue()}Android: allow "all the time" location.\n`);
    const asked = editor.waitForEvent('dialog').then((d) => {
      const message = d.message();
      void d.accept();
      return message;
    });
    await editor.locator('#status').evaluate((n) => {
      n.textContent = '';
    });
    await editor.getByRole('button', { name: 'Publish and re-index' }).click();
    expect(await asked).toMatch(/already exists.*Replace the article that is there\?/);
    await expect.poll(() => editor.locator('#status').textContent()).toMatch(/Published/);
    const saved = await editor.evaluate(async () =>
      (await fetch('/api/knowledge/articles/en/clock-in-error-e1003.md')).json(),
    );
    expect(saved.content).toContain('all the time');

    const answer = await ask('emp-b', 'How do I fix clock-in error E1003?');
    expect(answer.citations?.map((c) => c.source)).toContain('en/clock-in-error-e1003.md');
    expect(answer.text).toMatch(/precise location|sign out of the app/);
    console.log(`published in the browser → answered from the new article in ${Date.now() - published} ms`);
  }, 90_000);
});
