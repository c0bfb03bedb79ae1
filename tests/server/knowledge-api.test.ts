/**
 * Knowledge upkeep through the JSON API on a real PostgreSQL, with the real runtime and assistant
 * over a KB folder of its own: questions the bot declined cluster in the gap report; a resolved
 * ticket becomes a draft (personal data masked, the engineer's fix in it); an HR admin publishes it
 * and the very next web-chat question is answered from the new article, cited, without a restart;
 * another process on the same folder picks it up by itself; uploads are checked like ingest and
 * paths that leave the folder are refused; every route is decided by the policy, and a cookie
 * session needs its CSRF token to write.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AccessRole } from '../../src/access/policy.ts';
import { SESSION_COOKIE } from '../../src/access/sessions.ts';
import { type AccessStores, accessStores } from '../../src/access/stores.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { openKnowledgeBase } from '../../src/knowledge/open-kb.ts';
import { createKbReloader } from '../../src/knowledge/upkeep/kb-reloader.ts';
import { channelsFromConfig } from '../../src/server/channels.ts';
import { createHttpApp } from '../../src/server/http.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import { onPostgres } from '../store/backends.ts';

const logger = pino({ level: 'silent' });

onPostgres('knowledge upkeep API', (ctx) => {
  let runtime: Runtime;
  let runner: InProcessRunner;
  let app: Hono;
  let access: AccessStores;
  let config: Config;
  let kbDir: string;

  beforeEach(async () => {
    const base = mkdtempSync(join(tmpdir(), 'helpline-kbapi-'));
    kbDir = join(base, 'kb');
    mkdirSync(join(kbDir, 'en'), { recursive: true });
    for (const f of ['vpn.md', 'password-reset.md', 'leave-request.md', 'payslip.md', 'laptop.md']) {
      cpSync(join('kb/en', f), join(kbDir, 'en', f));
    }
    config = loadConfig({ env: { HELPLINE_KB: kbDir, HELPLINE_DATA: join(base, 'data') } });
    const opened = await openKnowledgeBase(config);
    runner = new InProcessRunner({ onError: () => {} });
    runtime = await createRuntime({
      config,
      opened,
      logger,
      db: await ctx.fresh(),
      runner,
      channels: (deps, store) => channelsFromConfig(config, deps, { store }),
    });
    await runtime.startWorkers();
    access = accessStores(runtime.db, config);
    app = createHttpApp({ config, runtime, access, logger, baseUrl: () => 'http://127.0.0.1:3000' });
  }, 60_000);

  afterEach(async () => {
    await runtime?.close();
  });

  async function as(userId: string, role: AccessRole) {
    const { token } = await access.tokens.create({ userId, role });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return {
      get: (path: string) => call('GET', path),
      post: (path: string, body: unknown) => call('POST', path, body),
      put: (path: string, body: unknown) => call('PUT', path, body),
    };
  }

  /** Asks in the web chat (open trial mode) and waits for the bot's reply. */
  async function ask(userId: string, text: string, threadId?: string) {
    const res = await app.request('/api/chat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, text, threadId }),
    });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { threadId: string; messageId: string };
    const end = Date.now() + 10_000;
    for (;;) {
      await runner.idle();
      const { messages } = (await (
        await app.request(`/api/chat/threads/${accepted.threadId}/messages`)
      ).json()) as {
        messages: Array<{ id: string; author: string; text: string; citations?: { source: string }[] }>;
      };
      const at = messages.findIndex((m) => m.id === accepted.messageId);
      const reply = messages.slice(at + 1).find((m) => m.author === 'bot');
      if (reply) return { threadId: accepted.threadId, reply };
      if (Date.now() > end) throw new Error(`no reply to "${text}"`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function vote(threadId: string, messageId: string, helpful: boolean) {
    const res = await app.request('/api/chat/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ threadId, messageId, helpful }),
    });
    expect(res.status).toBeLessThan(300);
    await runner.idle();
  }

  it('clusters gaps, drafts from a resolved ticket, publishes, and answers from the new article at once', async () => {
    const employee = await as('emp-a', 'employee');
    const l2 = await as('eng-1', 'l2');
    const hr = await as('hr-1', 'hr_admin');

    // Two wordings of one question the KB cannot answer, and another topic. What the bot answers
    // anyway (from the password and VPN articles) is voted 👎: declined or 👎, both are gaps.
    for (const [user, text] of [
      ['emp-a', 'What is the guest Wi-Fi password?'],
      ['emp-b', 'guest wifi password please'],
      ['emp-c', 'Can I bring my dog to the office?'],
    ]) {
      const { threadId, reply } = await ask(user, text);
      if (reply.citations?.length) await vote(threadId, reply.id, false);
    }
    expect((await employee.get('/api/knowledge/gaps')).status).toBe(403);
    const { clusters } = await (await l2.get('/api/knowledge/gaps')).json();
    const wifi = clusters.find((c: { questions: { question: string }[] }) =>
      c.questions.some((q) => q.question === 'guest wifi password please'),
    );
    expect(wifi).toMatchObject({ count: 2, exampleThreadId: expect.any(String) });
    expect(wifi.declined + wifi.downvoted).toBe(2);
    expect(wifi.questions.map((q: { question: string }) => q.question).sort()).toEqual([
      'What is the guest Wi-Fi password?',
      'guest wifi password please',
    ]);
    expect(clusters).toHaveLength(2);

    // The ticket: the employee's words (with a phone number), the engineer's reply, resolved.
    const threadId = await runtime.store.createThread('emp-a');
    const ticket = await runtime.tickets.open({
      title: 'Guest Wi-Fi password for a visitor',
      severity: 'P3',
      category: 'device',
      intent: 'request',
      rationale: 'how-to',
      requesterId: 'emp-a',
      threadId,
      transcript: [{ author: 'user', text: 'What is the guest Wi-Fi password? Call me on 13812345678' }],
    });
    const notYet = await l2.post('/api/knowledge/drafts', { ticket: ticket.number });
    expect(notYet.status).toBe(409);
    const fix =
      'The guest network is HL-Guest and today’s guest Wi-Fi password is printed on the card at reception.';
    expect((await l2.post(`/api/tickets/${ticket.number}/reply`, { text: fix, key: 'r1' })).status).toBe(200);
    expect(
      (
        await l2.post(`/api/tickets/${ticket.number}/resolve`, {
          reason: 'Visitors ask reception for the card.',
        })
      ).status,
    ).toBe(200);
    await runner.idle();

    expect((await employee.post('/api/knowledge/drafts', { ticket: ticket.number })).status).toBe(403);
    const draft = await (await l2.post('/api/knowledge/drafts', { ticket: ticket.number })).json();
    expect(draft).toMatchObject({
      lang: 'en',
      ticket: ticket.number,
      path: 'en/guest-wi-fi-password-for-a-visitor.md',
    });
    expect(draft.markdown).toMatch(
      /^---\ntitle: Guest Wi-Fi password for a visitor\ncategory: device\nlang: en\n/,
    );
    expect(draft.markdown).toContain(fix);
    expect(draft.markdown).toContain('Visitors ask reception for the card.');
    expect(draft.markdown).not.toContain('13812345678');

    // Engineers draft; KB editors publish.
    const path = `/api/knowledge/articles/${draft.path}`;
    expect((await l2.put(path, { content: draft.markdown })).status).toBe(403);
    const started = Date.now();
    const put = await hr.put(path, { content: draft.markdown, ticket: ticket.number });
    expect(put.status).toBe(201);
    const published = await put.json();
    expect(published).toMatchObject({ written: { path: draft.path, action: 'created' }, kb: { files: 6 } });
    const again = await ask('emp-d', 'What is the guest Wi-Fi password?');
    const ms = Date.now() - started;
    console.log(`publish → re-index (${published.reindexMs} ms) → answered from the new article: ${ms} ms`);
    expect(again.reply.citations?.map((c) => c.source)).toContain(draft.path);
    expect(again.reply.text).toMatch(/reception/);
    expect(ms).toBeLessThan(10_000);

    // Votes on the answer show beside the article.
    await vote(again.threadId, again.reply.id, true);
    const listing = await (await l2.get('/api/knowledge/articles')).json();
    expect(listing.canPublish).toBe(false);
    expect(listing.articles.find((a: { path: string }) => a.path === draft.path)).toMatchObject({
      title: 'Guest Wi-Fi password for a visitor',
      cited: 1,
      helpful: 1,
      notHelpful: 0,
    });
    expect(listing.changes[0]).toMatchObject({
      actor: 'hr-1',
      action: 'created',
      ticketNumber: ticket.number,
    });
    expect((await (await hr.get(path)).json()).content).toBe(draft.markdown);
  }, 60_000);

  it('lets another process on the same folder answer from a published article by itself', async () => {
    const other = createKbReloader({ config, opened: await openKnowledgeBase(config), logger });
    const stop = other.watch(200);
    try {
      await other.opened.kb.searchLexical('warm', 1);
      await new Promise((r) => setTimeout(r, 300));
      const hr = await as('hr-1', 'hr_admin');
      const res = await hr.put('/api/knowledge/articles/en/parking.md', {
        content:
          '---\ntitle: Office parking\n---\n# Office parking\n\nApply for a parking space in the e-HR portal under Facilities.\n',
      });
      expect(res.status).toBe(201);
      const end = Date.now() + 5000;
      while (!other.opened.kb.passages.some((p) => p.source === 'en/parking.md')) {
        if (Date.now() > end) throw new Error('the other process did not pick up the new article');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      stop();
    }
  }, 30_000);

  it('refuses broken uploads with the reason, paths out of the folder, and a cookie write without CSRF', async () => {
    const hr = await as('hr-1', 'hr_admin');
    const files = () => readdirSync(join(kbDir, 'en')).sort();
    const before = files();
    const passages = runtime.knowledge.opened.summary.passages;
    const upload = (path: string, bytes: Uint8Array | string, replace = false) =>
      hr.post('/api/knowledge/files', {
        path,
        contentBase64: Buffer.from(bytes).toString('base64'),
        replace,
      });
    for (const [path, bytes, reason] of [
      ['en/a.md', '---\ntitle: [x\n---\n# A\n', /broken front matter/],
      ['en/a.json', '{}', /unsupported file type \.json/],
      ['en/a.md', '', /empty file/],
      ['en/a.txt', new Uint8Array([0xc4, 0xe3, 0xba, 0xc3]), /not valid UTF-8/],
      ['en/a.txt', 'x'.repeat(5 * 1024 * 1024 + 1), /too large|larger than/],
      ['../outside.md', '# A\n\ntext', /"\." or "\.\."/],
    ] as const) {
      const res = await upload(path, bytes);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect((await res.json()).error.message).toMatch(reason);
    }
    // A replace that fails keeps the old file.
    const vpn = readFileSync(join(kbDir, 'en', 'vpn.md'), 'utf8');
    expect((await upload('en/vpn.md', '---\ntitle: [x\n---\n', true)).status).toBe(400);
    expect(readFileSync(join(kbDir, 'en', 'vpn.md'), 'utf8')).toBe(vpn);
    expect((await upload('en/vpn.md', '# VPN\n\nnew text\n')).status).toBe(409);
    expect(files()).toEqual(before);
    expect(runtime.knowledge.opened.summary.passages).toBe(passages);

    for (const path of [
      '..%2F..%2Fescape.md',
      'en%2F..%2F..%2Fescape.md',
      '%2Fetc%2Fescape.md',
      'en/..%5C..%5Cescape.md',
    ]) {
      const res = await hr.put(`/api/knowledge/articles/${path}`, { content: '# A\n\ntext\n' });
      expect(res.status, path).toBe(400);
    }
    const good = await upload('en/holidays.txt', 'Office holidays\n\nThe office closes on 1 January.\n');
    expect(good.status).toBe(201);
    expect((await good.json()).kb.files).toBe(6);

    // A browser session writes only with its CSRF token.
    const { id, session } = await access.sessions.create({ userId: 'hr-1', role: 'hr_admin', via: 'link' });
    const withCookie = (csrf?: string) =>
      app.request('/api/knowledge/articles/en/cookie.md', {
        method: 'PUT',
        headers: {
          cookie: `${SESSION_COOKIE}=${id}`,
          'content-type': 'application/json',
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
        },
        body: JSON.stringify({ content: '# Cookie\n\nwritten from a page\n' }),
      });
    expect((await withCookie()).status).toBe(403);
    expect((await withCookie(session.csrf)).status).toBe(201);
  }, 60_000);
});
