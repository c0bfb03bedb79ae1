/**
 * A ticket's conversation is its own part of the employee's thread, never the whole thread (DESIGN
 * §7): the real web chat, the real assistant (triage, sample KB), the real console API, on PGlite
 * and PostgreSQL. An employee who reports a broken laptop and then, in the same thread, harassment
 * by their manager has two tickets; the engineer who may read the laptop ticket never sees the
 * harassment report under it — not in its conversation, its transcript, its draft article — and the
 * claimed attendance ticket of another employee never shows their later payroll message unmasked.
 * Tickets stored before this (with the whole thread in their transcript) are trimmed by migration 010.
 */
import { pino } from 'pino';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AccessRole } from '../../src/access/policy.ts';
import { accessStores } from '../../src/access/stores.ts';
import { loadConfig } from '../../src/config/load.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { ingestKb } from '../../src/knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { channelsFromConfig } from '../../src/server/channels.ts';
import { createHttpApp } from '../../src/server/http.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import type { Database } from '../../src/store/database.ts';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';
import { TicketStore } from '../../src/tickets/ticket-store.ts';
import { eachBackend } from '../store/backends.ts';
import { record } from '../tickets/helpers.ts';

const LAPTOP = '我的笔记本电脑开不了机了';
const HARASSMENT = '另外想私下反映：我的主管王某多次对我性骚扰，我很害怕，请不要告诉别人';
const ATTENDANCE = '我昨天的打卡记录显示缺勤，但我明明按时打卡了';
const PAYROLL = '还有，我这个月工资少发了3000元，应发15000元实发只有12000元';

let sampleKb: Awaited<ReturnType<typeof ingestKb>>;
beforeAll(async () => {
  sampleKb = await ingestKb('kb');
}, 60_000);

interface Message {
  id: string;
  author: string;
  text: string;
  ticket?: { number: string };
}

eachBackend('a ticket’s conversation', (ctx) => {
  let runtime: Runtime;
  let runner: InProcessRunner;
  let app: ReturnType<typeof createHttpApp>;
  let access: ReturnType<typeof accessStores>;
  const tokens = new Map<string, string>();

  beforeEach(async () => {
    const config = loadConfig({ env: {} });
    const logger = pino({ level: 'silent' });
    runner = new InProcessRunner({ onError: () => {} });
    runtime = await createRuntime({
      config,
      opened: {
        kb: new KnowledgeBase(sampleKb.passages, { synonyms: DEFAULT_SYNONYMS }),
        summary: sampleKb.summary,
        dir: 'kb',
        dense: false,
      },
      logger,
      db: await ctx.fresh(),
      runner,
      channels: (deps, store) => channelsFromConfig(config, deps, { store }),
    });
    await runtime.startWorkers();
    access = accessStores(runtime.db, config);
    app = createHttpApp({ config, runtime, access, logger, baseUrl: () => 'http://127.0.0.1:3000' });
    tokens.clear();
  }, 60_000);

  afterEach(async () => {
    await runtime?.close();
  });

  /** The employee's message in the web chat (a new thread unless one is named), answered. */
  const say = async (userId: string, text: string, threadId?: string) => {
    const res = await app.request('/api/chat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, text, ...(threadId ? { threadId } : {}) }),
    });
    expect(res.status).toBe(202);
    await runner.idle();
    return ((await res.json()) as { threadId: string }).threadId;
  };
  const thread = async (threadId: string) =>
    ((await (await app.request(`/api/chat/threads/${threadId}/messages`)).json()) as { messages: Message[] })
      .messages;
  /** The number of the ticket the bot announced in answer to `text`. */
  const ticketFor = async (threadId: string, text: string) => {
    const messages = await thread(threadId);
    const asked = messages.findIndex((m) => m.author === 'user' && m.text === text);
    const number = messages.slice(asked + 1).find((m) => m.author === 'bot' && m.ticket)?.ticket?.number;
    expect(number, `a ticket for “${text}”`).toBeDefined();
    return number!;
  };
  const as = async (userId: string, role: AccessRole) => {
    const key = `${userId}/${role}`;
    if (!tokens.has(key)) tokens.set(key, (await access.tokens.create({ userId, role })).token);
    const headers = { authorization: `Bearer ${tokens.get(key)}`, 'content-type': 'application/json' };
    return {
      get: (path: string) => app.request(path, { headers }),
      post: (path: string, body: unknown = {}) =>
        app.request(path, { method: 'POST', headers, body: JSON.stringify(body) }),
    };
  };
  const conversation = async (who: Awaited<ReturnType<typeof as>>, number: string) => {
    const res = await who.get(`/api/tickets/${number}/conversation`);
    expect(res.status).toBe(200);
    return (await res.json()) as { masked: boolean; messages: Message[] };
  };

  it('the laptop ticket never shows the harassment report sent after it in the same thread', async () => {
    const threadId = await say('emp-chen', LAPTOP);
    const device = await ticketFor(threadId, LAPTOP);
    await say('emp-chen', HARASSMENT, threadId);
    const sensitive = await ticketFor(threadId, HARASSMENT);
    expect(sensitive).not.toBe(device);

    const l2 = await as('eng-1', 'l2');
    expect((await l2.get(`/api/tickets/${sensitive}`)).status).toBe(403);
    expect((await l2.get(`/api/tickets/${sensitive}/conversation`)).status).toBe(403);
    const seen = await conversation(l2, device);
    expect(seen.messages.map((m) => m.author)).toEqual(['user', 'bot']);
    expect(seen.messages[0].text).toBe(LAPTOP);
    expect(seen.messages[1].text).toContain(device);
    // Nothing of the harassment report anywhere under the laptop ticket.
    for (const path of ['', '/conversation', '/events']) {
      const body = await (await l2.get(`/api/tickets/${device}${path}`)).text();
      expect(body, path).not.toMatch(/性骚扰|王某/);
    }

    // HR reads the harassment ticket: its own messages only, not the laptop.
    const hr = await as('hr-1', 'hr_admin');
    const own = await conversation(hr, sensitive);
    expect(own.messages[0].text).toBe(HARASSMENT);
    expect(own.messages.map((m) => m.text).join('\n')).not.toContain('笔记本');
    const ticket = await (await hr.get(`/api/tickets/${sensitive}`)).json();
    expect(ticket.sensitive).toBe(true);
    expect(ticket.transcript.map((l: { text: string }) => l.text)).toEqual([HARASSMENT]);
  });

  it('reported the other way round, the laptop ticket’s words (员工原话) and conversation hold no harassment', async () => {
    const threadId = await say('emp-chen', HARASSMENT);
    const sensitive = await ticketFor(threadId, HARASSMENT);
    await say('emp-chen', LAPTOP, threadId);
    const device = await ticketFor(threadId, LAPTOP);
    expect(device).not.toBe(sensitive);

    const l2 = await as('eng-1', 'l2');
    const ticket = await (await l2.get(`/api/tickets/${device}`)).json();
    expect(ticket.transcript.filter((l: { author: string }) => l.author === 'user')).toEqual([
      expect.objectContaining({ text: LAPTOP }),
    ]);
    const seen = await conversation(l2, device);
    expect(seen.messages[0].text).toBe(LAPTOP);
    expect(JSON.stringify(seen)).not.toMatch(/性骚扰|王某/);
    // The sensitive ticket ends where the laptop ticket began.
    const hr = await as('hr-1', 'hr_admin');
    expect(JSON.stringify(await conversation(hr, sensitive))).not.toContain('笔记本');
  });

  it('a claimed attendance ticket shows its own words unmasked, never the later payroll message', async () => {
    const threadId = await say('emp-li', ATTENDANCE);
    const attendance = await ticketFor(threadId, ATTENDANCE);
    await say('emp-li', PAYROLL, threadId);
    const payroll = await ticketFor(threadId, PAYROLL);
    expect(payroll).not.toBe(attendance);

    const eng = await as('eng-1', 'l2');
    expect((await eng.post(`/api/tickets/${attendance}/claim`)).status).toBe(200);
    const seen = await conversation(eng, attendance);
    expect(seen.masked).toBe(false);
    expect(seen.messages[0].text).toBe(ATTENDANCE);
    expect(JSON.stringify(seen)).not.toMatch(/工资|15000|12000/);
    const ticket = await (await eng.get(`/api/tickets/${attendance}`)).text();
    expect(ticket).not.toMatch(/工资|15000|12000/);
  });

  it('a payroll message that reads more severe opens its own ticket instead of raising the open attendance one', async () => {
    const threadId = await say('emp-li', ATTENDANCE);
    const attendance = await ticketFor(threadId, ATTENDANCE);
    const everyone = '全公司这个月的工资都发错了，所有人都少了';
    await say('emp-li', everyone, threadId);
    const payroll = await ticketFor(threadId, everyone);
    expect(payroll).not.toBe(attendance);
    const kept = await runtime.tickets.get(attendance);
    expect(kept.severity).toBe('P2');
    expect(kept.rationale).not.toMatch(/工资|全公司/);
    expect((await runtime.tickets.get(payroll)).sensitive).toBe(true);
    const eng = await as('eng-1', 'l2');
    expect(JSON.stringify(await conversation(eng, attendance))).not.toContain('工资');
  });

  it('a KB draft from the resolved laptop ticket takes nothing from the harassment ticket', async () => {
    const threadId = await say('emp-chen', LAPTOP);
    const device = await ticketFor(threadId, LAPTOP);
    await say('emp-chen', HARASSMENT, threadId);
    const sensitive = await ticketFor(threadId, HARASSMENT);
    const hr = await as('hr-1', 'hr_admin');
    expect(
      (await hr.post(`/api/tickets/${sensitive}/reply`, { text: '我会单独联系你处理王某的事', key: 'k1' }))
        .status,
    ).toBe(200);
    const eng = await as('eng-1', 'l2');
    expect(
      (await eng.post(`/api/tickets/${device}/reply`, { text: '请长按电源键十秒再开机', key: 'k2' })).status,
    ).toBe(200);
    expect((await eng.post(`/api/tickets/${device}/resolve`, { reason: '电源重置' })).status).toBe(200);
    await runner.idle();

    const admin = await as('root', 'admin');
    const res = await admin.post('/api/knowledge/drafts', { ticket: device });
    expect(res.status).toBe(200);
    const { markdown } = (await res.json()) as { markdown: string };
    expect(markdown).toContain('请长按电源键十秒再开机');
    expect(markdown).not.toMatch(/性骚扰|王某/);
  });
});

eachBackend('migration 010: transcripts stored with the whole thread', (ctx) => {
  it('keeps only the lines of a ticket’s own part: its opening line, and what was said after earlier tickets closed', async () => {
    const db: Database = await ctx.fresh({ migrate: false });
    const migrations = await loadMigrations();
    await migrate(
      db,
      migrations.filter((m) => m.version < 10),
    );
    const store = new TicketStore(db);
    const t = (s: number) => new Date(Date.parse('2026-11-23T02:00:00.000Z') + s * 1000);
    const line = (author: 'user' | 'bot', text: string, s: number) => ({
      author,
      text,
      at: t(s).toISOString(),
    });
    // As the assistant stored them before: the thread's last 20 lines, this ticket's message last.
    const harassment = await store.create(
      record({ threadId: 'w1', sensitive: true, transcript: [line('user', HARASSMENT, 0)] }),
      { now: t(1), actor: 'emp-chen' },
    );
    const laptop = await store.create(
      record({
        threadId: 'w1',
        transcript: [line('user', HARASSMENT, 0), line('bot', 'opened', 1), line('user', LAPTOP, 2)],
      }),
      { now: t(3), actor: 'emp-chen' },
    );
    // In another thread: a closed ticket, then a question, then "talk to a human".
    const closed = await store.create(record({ threadId: 'w2', transcript: [line('user', ATTENDANCE, 0)] }), {
      now: t(1),
      actor: 'emp-li',
    });
    await db.query('UPDATE tickets SET status = $2, closed_at = $3 WHERE id = $1', [
      closed.id,
      'closed',
      t(5),
    ]);
    const human = await store.create(
      record({
        threadId: 'w2',
        transcript: [
          line('user', ATTENDANCE, 0),
          line('bot', 'opened', 1),
          line('user', '班车几点发车', 6),
          line('bot', '我不确定', 7),
          line('user', '转人工', 8),
        ],
      }),
      { now: t(9), actor: 'emp-li' },
    );

    await migrate(db);

    const texts = async (id: string) => (await store.require(id)).transcript.map((l) => l.text);
    expect(await texts(harassment.id)).toEqual([HARASSMENT]);
    expect(await texts(laptop.id)).toEqual([LAPTOP]);
    expect(await texts(closed.id)).toEqual([ATTENDANCE]);
    expect(await texts(human.id)).toEqual(['班车几点发车', '我不确定', '转人工']);
  });
});
