/**
 * Identity and access over HTTP (DESIGN §7, issue 13 "done when"), on the real composition
 * (createHttpApp around the runtime, embedded database): no credential → 401; tokens see what the
 * policy allows; nobody reads or posts in someone else's conversation; the open trial chat keeps
 * its DESIGN §6 contract; sessions need their CSRF token; limits answer 429 with Retry-After.
 */
import { describe, expect, it } from 'vitest';
import type { AccessRole } from '../../src/access/policy.ts';
import { SESSION_COOKIE } from '../../src/access/sessions.ts';
import { makeApp } from '../web/fake-assistant.ts';

type App = Awaited<ReturnType<typeof makeApp>>;
type Json = Record<string, unknown> & { error: { code: string; message: string } };

const tokenFor = async (ctx: App, userId: string, role: AccessRole) =>
  (await ctx.access.tokens.create({ userId, role })).token;

const call = (
  ctx: App,
  path: string,
  init: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {},
) =>
  ctx.app.request(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

/** Three tickets: emp-a's attendance outage, emp-b's sensitive payroll error, emp-b's account issue. */
async function withTickets() {
  const ctx = await makeApp();
  const open = (requesterId: string, category: string, title: string) =>
    ctx.runtime.tickets.open({
      title,
      severity: 'P1',
      category,
      intent: 'incident',
      rationale: 'test',
      requesterId,
      threadId: `thread-${requesterId}-${category}`,
    });
  const attendance = await open('emp-a', 'attendance', 'Shanghai office cannot clock in');
  const payroll = await open('emp-b', 'payroll', 'My salary is 2,000 short');
  const account = await open('emp-b', 'account', 'Locked out of SSO');
  return { ...ctx, attendance, payroll, account };
}

const numbers = async (res: Response) =>
  ((await res.json()) as { tickets: { number: string }[] }).tickets.map((t) => t.number).sort();

describe('the API needs a credential', () => {
  it.each(['/api/tickets', '/api/tickets/HL-1001', '/api/tickets/HL-1001/events', '/api/insights/gaps'])(
    'GET %s without one → 401 saying how to sign in',
    async (path) => {
      const ctx = await withTickets();
      const res = await call(ctx, path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const json = (await res.json()) as Json;
      expect(json.error.code).toBe('UNAUTHENTICATED');
      expect(json.error.message).toMatch(/helpline token create/);
    },
  );

  it('a wrong, revoked or expired token is refused, not ignored', async () => {
    const ctx = await withTickets();
    expect((await call(ctx, '/api/tickets', { token: 'hlp_nope' })).status).toBe(401);
    const { token, info } = await ctx.access.tokens.create({ userId: 'eng-1', role: 'l2' });
    expect((await call(ctx, '/api/tickets', { token })).status).toBe(200);
    await ctx.access.tokens.revoke(info.id);
    expect((await call(ctx, '/api/tickets', { token })).status).toBe(401);
    // Even on the open chat: a bad credential is an error, not an anonymous call.
    expect((await call(ctx, '/api/chat/messages', { token, body: { userId: 'x', text: 'hi' } })).status).toBe(
      401,
    );
  });
});

describe('listing filters', () => {
  it('filters by severity and open=false, and refuses a value it does not know with the allowed ones', async () => {
    const ctx = await withTickets();
    const admin = await tokenFor(ctx, 'ops-1', 'admin');
    expect(await numbers(await call(ctx, '/api/tickets?severity=P1', { token: admin }))).toHaveLength(3);
    expect(await numbers(await call(ctx, '/api/tickets?severity=P0', { token: admin }))).toEqual([]);
    expect(await numbers(await call(ctx, '/api/tickets?open=false', { token: admin }))).toEqual([]);
    for (const query of ['severity=P9', 'open=maybe', 'status=lost', 'limit=abc', 'limit=0']) {
      const res = await call(ctx, `/api/tickets?${query}`, { token: admin });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as Json).error.message, query).toMatch(/must be/);
    }
  });
});

describe('what each token sees', () => {
  it('an employee sees only their own tickets', async () => {
    const ctx = await withTickets();
    const a = await tokenFor(ctx, 'emp-a', 'employee');
    expect(await numbers(await call(ctx, '/api/tickets', { token: a }))).toEqual([ctx.attendance.number]);
    // ?requester= cannot widen it.
    expect(await numbers(await call(ctx, '/api/tickets?requester=emp-b', { token: a }))).toEqual([
      ctx.attendance.number,
    ]);
    expect((await call(ctx, `/api/tickets/${ctx.payroll.number}`, { token: a })).status).toBe(404);
    expect((await call(ctx, `/api/tickets/${ctx.attendance.number}`, { token: a })).status).toBe(200);
    expect((await call(ctx, '/api/insights/gaps', { token: a })).status).toBe(403);
  });

  it('an l2 sees the attendance ticket, not the sensitive payroll one; an hr_admin sees payroll', async () => {
    const ctx = await withTickets();
    const l2 = await tokenFor(ctx, 'eng-1', 'l2');
    expect(await numbers(await call(ctx, '/api/tickets', { token: l2 }))).toEqual(
      [ctx.attendance.number, ctx.account.number].sort(),
    );
    const refused = await call(ctx, `/api/tickets/${ctx.payroll.number}`, { token: l2 });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as Json).error.code).toBe('FORBIDDEN');

    const hr = await tokenFor(ctx, 'hr-1', 'hr_admin');
    expect(await numbers(await call(ctx, '/api/tickets', { token: hr }))).toEqual(
      [ctx.attendance.number, ctx.payroll.number].sort(),
    );
    expect((await call(ctx, `/api/tickets/${ctx.payroll.number}`, { token: hr })).status).toBe(200);
    // Every read of a sensitive ticket is in its audit log, with who read it.
    const events = await ctx.runtime.tickets.events(ctx.payroll.id);
    expect(events.filter((e) => e.action === 'viewed').map((e) => e.actor)).toEqual(['hr-1']);
    const admin = await tokenFor(ctx, 'root', 'admin');
    expect(await numbers(await call(ctx, '/api/tickets', { token: admin }))).toHaveLength(3);
  });
});

describe('conversations belong to their owner', () => {
  it("an employee's token cannot read another employee's thread nor post as them or in it", async () => {
    const ctx = await makeApp();
    const b = await call(ctx, '/api/chat/messages', {
      body: { userId: 'emp-b', text: '我的工资卡号 6222020200112233445 工资没到' },
    });
    const { threadId } = (await b.json()) as { threadId: string };
    const a = await tokenFor(ctx, 'emp-a', 'employee');
    expect((await call(ctx, `/api/chat/threads/${threadId}/messages`, { token: a })).status).toBe(404);
    expect((await call(ctx, `/api/chat/threads/${threadId}/events`, { token: a })).status).toBe(404);
    const asB = await call(ctx, '/api/chat/messages', { token: a, body: { userId: 'emp-b', text: 'hi' } });
    expect(asB.status).toBe(403);
    expect(((await asB.json()) as Json).error.message).toMatch(/signed in as "emp-a"/);
    const inB = await call(ctx, '/api/chat/messages', { token: a, body: { threadId, text: 'hi' } });
    expect(inB.status).toBe(404);
    // Their own: userId may be omitted or be their own.
    const own = await call(ctx, '/api/chat/messages', {
      token: a,
      body: { text: 'how do I request leave?' },
    });
    expect(own.status).toBe(202);
    const mine = (await own.json()) as { threadId: string };
    expect((await call(ctx, `/api/chat/threads/${mine.threadId}/messages`, { token: a })).status).toBe(200);
    const thread = await ctx.store.getThread(mine.threadId);
    expect(thread?.userId).toBe('emp-a');
    await ctx.queue.drain();
  });

  it('feedback only from the thread owner', async () => {
    const ctx = await makeApp();
    const res = await call(ctx, '/api/chat/messages', {
      body: { userId: 'emp-b', text: 'how do I request leave?' },
    });
    const { threadId } = (await res.json()) as { threadId: string };
    await ctx.queue.drain();
    const bot = (await ctx.messages(threadId)).messages.at(-1)!;
    const a = await tokenFor(ctx, 'emp-a', 'employee');
    const body = { threadId, messageId: bot.id, helpful: true };
    expect((await call(ctx, '/api/chat/feedback', { token: a, body })).status).toBe(404);
    expect((await call(ctx, '/api/chat/feedback', { body: { ...body, userId: 'emp-a' } })).status).toBe(404);
    const b = await tokenFor(ctx, 'emp-b', 'employee');
    expect((await call(ctx, '/api/chat/feedback', { token: b, body })).status).toBe(204);
  });
});

describe('the open trial mode (loopback, no identity provider)', () => {
  it('keeps the DESIGN §6 chat contract: userId from the body, replies in the thread', async () => {
    const ctx = await makeApp();
    const res = await call(ctx, '/api/chat/messages', { body: { userId: 'emp-a', text: 'hello there' } });
    expect(res.status).toBe(202);
    const { threadId, messageId } = (await res.json()) as { threadId: string; messageId: string };
    expect(messageId).toMatch(/^web:/);
    await ctx.queue.drain();
    const got = await call(ctx, `/api/chat/threads/${threadId}/messages`);
    expect(got.status).toBe(200);
    expect(((await got.json()) as { messages: { author: string }[] }).messages.map((m) => m.author)).toEqual([
      'user',
      'bot',
    ]);
    // The same user a token names: emp-a with a token sees that thread as theirs.
    const a = await tokenFor(ctx, 'emp-a', 'employee');
    expect((await call(ctx, `/api/chat/threads/${threadId}/messages`, { token: a })).status).toBe(200);
  });

  it('never speaks for a Lark or Slack user, nor shows their conversations', async () => {
    const ctx = await makeApp();
    const res = await call(ctx, '/api/chat/messages', { body: { userId: 'slack:U123', text: 'hi' } });
    expect(res.status).toBe(403);
    await ctx.store.ensureThread('slack:C1:171.1', 'slack:U9', 'slack');
    expect(
      (await call(ctx, `/api/chat/threads/${encodeURIComponent('slack:C1:171.1')}/messages`)).status,
    ).toBe(404);
  });

  it('is closed as soon as an identity provider is configured: the chat needs a sign-in', async () => {
    const ctx = await makeApp({
      env: { OIDC_ISSUER: 'http://127.0.0.1:1/', OIDC_CLIENT_ID: 'helpline', OIDC_CLIENT_SECRET: 's' },
    });
    const res = await call(ctx, '/api/chat/messages', { body: { userId: 'emp-a', text: 'hi' } });
    expect(res.status).toBe(401);
    const me = (await (await call(ctx, '/auth/me')).json()) as Record<string, unknown>;
    expect(me).toEqual({ signedIn: false, open: false, signIn: '/auth/login' });
  });
});

describe('browser sessions', () => {
  async function signIn(ctx: App, userId: string, role: AccessRole) {
    const { code } = await ctx.access.links.create({ userId, role });
    const res = await ctx.app.request('/auth/link', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `code=${encodeURIComponent(code)}`,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(role === 'employee' ? '/' : '/console');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0];
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    const me = (await (await call(ctx, '/auth/me', { headers: { cookie } })).json()) as {
      csrf: string;
      userId: string;
    };
    expect(me.userId).toBe(userId);
    return { cookie, csrf: me.csrf, code };
  }

  it('a sign-in link works once and gives a session; state changes need its CSRF token', async () => {
    const ctx = await makeApp();
    const { cookie, csrf, code } = await signIn(ctx, 'emp-a', 'employee');
    const again = await ctx.app.request('/auth/link', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `code=${encodeURIComponent(code)}`,
    });
    expect(again.status).toBe(401);

    const body = { text: 'how do I request leave?' };
    const noCsrf = await call(ctx, '/api/chat/messages', { body, headers: { cookie } });
    expect(noCsrf.status).toBe(403);
    const ok = await call(ctx, '/api/chat/messages', { body, headers: { cookie, 'x-csrf-token': csrf } });
    expect(ok.status).toBe(202);
    // Reads need no CSRF token; the tickets API answers the session's user.
    expect((await call(ctx, '/api/tickets', { headers: { cookie } })).status).toBe(200);

    const out = await call(ctx, '/auth/logout', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.status).toBe(204);
    expect((await call(ctx, '/api/tickets', { headers: { cookie } })).status).toBe(401);
    await ctx.queue.drain();
  });

  it('the link page itself does not use the code up (link previews fetch it)', async () => {
    const ctx = await makeApp();
    const { code } = await ctx.access.links.create({ userId: 'emp-a', role: 'employee' });
    const page = await ctx.app.request(`/auth/link?code=${code}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign in');
    expect(await ctx.access.links.consume(code)).toEqual({ userId: 'emp-a', role: 'employee' });
  });

  it('without an identity provider, /auth/login says how to get a link', async () => {
    const ctx = await makeApp();
    const res = await ctx.app.request('/auth/login');
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('helpline login-link');
  });
});

describe('abuse limits', () => {
  it('too many messages from one user → 429 with Retry-After', async () => {
    const ctx = await makeApp({ overrides: { 'access.messagesPerMinute': 3 } });
    const a = await tokenFor(ctx, 'emp-a', 'employee');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await call(ctx, '/api/chat/messages', { token: a, body: { text: `question ${i}` } })).status,
      );
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    const res = await call(ctx, '/api/chat/messages', { token: a, body: { text: 'again' } });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await res.json()) as Json).error.code).toBe('RATE_LIMITED');
    await ctx.queue.drain();
  });

  it('with the defaults, 50 employees behind one address each sending a message a second all pass', async () => {
    const ctx = await makeApp();
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) => tokenFor(ctx, `emp-${i}`, 'employee')),
    );
    const statuses: number[] = [];
    for (let second = 0; second < 3; second++) {
      const round = await Promise.all(
        tokens.map((token, i) =>
          call(ctx, '/api/chat/messages', { token, body: { text: `msg ${second} from ${i}` } }),
        ),
      );
      statuses.push(...round.map((r) => r.status));
    }
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    await ctx.queue.drain();
  }, 60_000);

  it('caps the live streams one user holds open', async () => {
    const ctx = await makeApp({ overrides: { 'access.streamsPerUser': 2 } });
    const res = await call(ctx, '/api/chat/messages', { body: { userId: 'emp-a', text: 'hello' } });
    const { threadId } = (await res.json()) as { threadId: string };
    const aborts = [new AbortController(), new AbortController()];
    const open = await Promise.all(
      aborts.map((a) => ctx.app.request(`/api/chat/threads/${threadId}/events`, { signal: a.signal })),
    );
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const third = await call(ctx, `/api/chat/threads/${threadId}/events`);
    expect(third.status).toBe(429);
    for (const a of aborts) a.abort();
    for (const r of open) await r.body?.cancel().catch(() => {});
    await new Promise((r) => setTimeout(r, 50));
    const after = new AbortController();
    const fourth = await ctx.app.request(`/api/chat/threads/${threadId}/events`, { signal: after.signal });
    expect(fourth.status).toBe(200);
    after.abort();
    await fourth.body?.cancel().catch(() => {});
    await ctx.queue.drain();
  });
});
