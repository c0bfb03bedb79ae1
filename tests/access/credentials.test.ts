/**
 * API tokens, sessions, sign-in links and linked identities on both databases (PGlite and a real
 * PostgreSQL), with an injected clock: secrets are stored hashed, expiry and revocation hold,
 * links work once.
 */
import { expect, it } from 'vitest';
import { LOGIN_LINK_TTL_MS, LoginLinks } from '../../src/access/login-links.ts';
import { createPeople } from '../../src/access/people.ts';
import { SessionStore } from '../../src/access/sessions.ts';
import { TokenStore } from '../../src/access/tokens.ts';
import { eachBackend } from '../store/backends.ts';

const clock = () => {
  let t = Date.parse('2026-03-02T09:00:00Z');
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
};

eachBackend('access records', (ctx) => {
  it('a token is shown once, stored hashed, verified, revoked, and expires', async () => {
    const db = await ctx.fresh();
    const c = clock();
    const tokens = new TokenStore(db, c.now);
    const { token, info } = await tokens.create({ userId: 'emp-a', role: 'employee', name: 'script' });
    expect(token).toMatch(/^hlp_[\w-]{43}$/);
    const rows = await db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await tokens.verify(token)).toMatchObject({ id: info.id, userId: 'emp-a', role: 'employee' });
    expect(await tokens.verify(`${token}x`)).toBeUndefined();
    expect(await tokens.verify('not-a-token')).toBeUndefined();
    await tokens.revoke(info.id);
    expect(await tokens.verify(token)).toBeUndefined();
    await expect(tokens.revoke('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    c.advance(1000);
    const short = await tokens.create({ userId: 'eng', role: 'l2', expiresInMs: 60_000 });
    expect(await tokens.verify(short.token)).toBeDefined();
    c.advance(60_001);
    expect(await tokens.verify(short.token)).toBeUndefined();
    expect((await tokens.list()).map((t) => t.userId)).toEqual(['emp-a', 'eng']);
  });

  it('a session ends after its idle time, or its maximum, or at logout', async () => {
    const db = await ctx.fresh();
    const c = clock();
    const sessions = new SessionStore(db, { idleMs: 30 * 60_000, maxMs: 2 * 3_600_000 }, c.now);
    const { id, session } = await sessions.create({ userId: 'emp-a', role: 'employee', via: 'link' });
    expect(session.csrf).not.toBe(id);
    expect(await sessions.get(id)).toMatchObject({ userId: 'emp-a', csrf: session.csrf });
    // Used every 20 minutes: the idle limit never hits, the absolute one does.
    for (let i = 0; i < 5; i++) {
      c.advance(20 * 60_000);
      expect(await sessions.get(id)).toBeDefined();
    }
    c.advance(20 * 60_000);
    expect(await sessions.get(id)).toBeUndefined();

    const idle = await sessions.create({ userId: 'emp-b', role: 'employee', via: 'link' });
    c.advance(30 * 60_000);
    expect(await sessions.get(idle.id)).toBeUndefined();

    const out = await sessions.create({ userId: 'emp-c', role: 'employee', via: 'oidc' });
    await sessions.delete(out.id);
    expect(await sessions.get(out.id)).toBeUndefined();
  });

  it('a sign-in link works once, within 15 minutes', async () => {
    const db = await ctx.fresh();
    const c = clock();
    const links = new LoginLinks(db, c.now);
    expect(await links.adminExists()).toBe(false);
    const { code } = await links.create({ userId: 'root', role: 'admin' });
    expect(await links.consume(code)).toEqual({ userId: 'root', role: 'admin' });
    expect(await links.consume(code)).toBeUndefined();
    expect(await links.adminExists()).toBe(true);
    const late = await links.create({ userId: 'emp', role: 'employee' });
    c.advance(LOGIN_LINK_TTL_MS);
    expect(await links.consume(late.code)).toBeUndefined();
  });

  it('one person, one user: identities linked by email share aliases and configured roles', async () => {
    const db = await ctx.fresh();
    const people = createPeople({
      db,
      roles: { 'slack:U9': 'hr_admin', 'eng@example.com': { role: 'l2', categories: ['account'] } },
      linkBy: 'email',
    });
    await people.link('slack:U9', { email: 'Li@Example.com' });
    await people.link('lark:ou_9', { email: 'li@example.com' });
    await people.link('li@example.com', { email: 'li@example.com', subject: 'sub-9' });
    expect(new Set(await people.aliases('lark:ou_9'))).toEqual(
      new Set(['lark:ou_9', 'slack:U9', 'li@example.com']),
    );
    // The role configured for the Slack id applies on Lark and on the web.
    expect((await people.roleOf('lark:ou_9')).role).toBe('hr_admin');
    expect(await people.principal('li@example.com')).toMatchObject({ role: 'hr_admin' });
    // A credential's own role wins; an unknown user is an employee.
    expect((await people.principal('li@example.com', 'employee')).role).toBe('employee');
    expect(await people.principal('nobody')).toEqual({
      userId: 'nobody',
      role: 'employee',
      aliases: ['nobody'],
      categories: undefined,
    });
    expect(await people.principal('eng@example.com')).toMatchObject({ role: 'l2', categories: ['account'] });
  });
});
