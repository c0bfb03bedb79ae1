/**
 * Sign-in with OpenID Connect against a real provider (oidc-provider): authorization code with
 * PKCE, state and nonce; the session's user is the verified email, the role comes from the group
 * claim mapped in config; a replayed or forged callback is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT,
  type OidcProviderStandIn,
  signInAtProvider,
  startOidcProvider,
} from '../support/oidc-provider.ts';
import { makeApp } from '../web/fake-assistant.ts';

const BASE = 'http://127.0.0.1:3000';
let idp: OidcProviderStandIn;

beforeAll(async () => {
  idp = await startOidcProvider({ li: ['it-support'], wang: ['hr-team', 'staff'] });
  idp.register(`${BASE}/auth/callback`);
});
afterAll(async () => idp?.close());

async function stack() {
  return makeApp({
    env: { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: CLIENT.id, OIDC_CLIENT_SECRET: CLIENT.secret },
    overrides: { 'oidc.roles': { 'it-support': 'l2', 'hr-team': 'hr_admin' } },
  });
}

type App = Awaited<ReturnType<typeof stack>>;

/** The whole browser round trip: /auth/login → provider → /auth/callback → session cookie. */
async function signIn(ctx: App, login: string) {
  const start = await ctx.app.request('/auth/login?returnTo=/');
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.origin).toBe(idp.issuer);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('state')).toBeTruthy();
  expect(authorize.searchParams.get('nonce')).toBeTruthy();
  const back = await signInAtProvider(authorize.toString(), login, `${BASE}/auth/callback`);
  const callback = new URL(back);
  const done = await ctx.app.request(`${callback.pathname}${callback.search}`);
  if (done.status !== 303) console.error('callback refused:', await done.clone().text());
  return { done, callback };
}

describe('OpenID Connect sign-in', () => {
  it('signs in with the code flow; the role comes from the group claim', async () => {
    const ctx = await stack();
    const { done } = await signIn(ctx, 'li');
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/');
    const cookie = done.headers.get('set-cookie')!.split(';')[0];
    const me = (await (await ctx.app.request('/auth/me', { headers: { cookie } })).json()) as Record<
      string,
      unknown
    >;
    expect(me).toMatchObject({ signedIn: true, open: false, userId: 'li@example.com', role: 'l2' });
    // The session works on the API: an l2 may list tickets.
    expect((await ctx.app.request('/api/tickets', { headers: { cookie } })).status).toBe(200);
  });

  it('maps the most privileged group; an account in no mapped group is an employee', async () => {
    const ctx = await stack();
    const hr = await signIn(ctx, 'wang');
    const hrCookie = hr.done.headers.get('set-cookie')!.split(';')[0];
    expect(await (await ctx.app.request('/auth/me', { headers: { cookie: hrCookie } })).json()).toMatchObject(
      {
        role: 'hr_admin',
      },
    );
    const plain = await signIn(ctx, 'zhao');
    const cookie = plain.done.headers.get('set-cookie')!.split(';')[0];
    expect(await (await ctx.app.request('/auth/me', { headers: { cookie } })).json()).toMatchObject({
      userId: 'zhao@example.com',
      role: 'employee',
    });
    expect((await ctx.app.request('/api/insights/gaps', { headers: { cookie } })).status).toBe(403);
  });

  it('refuses a replayed callback and one with a forged state', async () => {
    const ctx = await stack();
    const { done, callback } = await signIn(ctx, 'li');
    expect(done.status).toBe(303);
    const replay = await ctx.app.request(`${callback.pathname}${callback.search}`);
    expect(replay.status).toBe(401);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'made-up');
    expect((await ctx.app.request(`${forged.pathname}${forged.search}`)).status).toBe(401);
    const denied = await ctx.app.request('/auth/callback?error=access_denied&state=x');
    expect(denied.status).toBe(401);
  });

  it('never redirects off-site after sign-in', async () => {
    const ctx = await stack();
    const start = await ctx.app.request('/auth/login?returnTo=//evil.example.com/x');
    const back = await signInAtProvider(start.headers.get('location')!, 'li', `${BASE}/auth/callback`);
    const url = new URL(back);
    const done = await ctx.app.request(`${url.pathname}${url.search}`);
    expect(done.headers.get('location')).toBe('/');
  });
});
