/**
 * Signing in and out (DESIGN §7):
 *   GET  /auth/me        → who the page is signed in as (and its CSRF token), or how to sign in
 *   GET  /auth/login     → to the identity provider (OpenID Connect), or how to get a link
 *   GET  /auth/callback  → back from the provider: a session, then the page
 *   GET  /auth/link      → a sign-in link's page; POST /auth/link {code} uses it up (single use)
 *   POST /auth/logout    → ends the session
 * Sessions are cookies: HttpOnly, SameSite=Lax, Secure behind TLS (HELPLINE_PUBLIC_URL https).
 */
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { principalOf } from '../access/chat-access.ts';
import { LOGIN_LINK_PATH } from '../access/login-links.ts';
import type { OidcLogin } from '../access/oidc.ts';
import { safeReturn } from '../access/oidc.ts';
import type { AccessRole } from '../access/policy.ts';
import { SESSION_COOKIE } from '../access/sessions.ts';
import type { AccessStores } from '../access/stores.ts';
import { HelplineError } from '../errors.ts';

export interface AuthRoutesDeps {
  access: AccessStores;
  /** Present when an identity provider is configured. */
  oidc?: OidcLogin;
  /** The open trial mode (loopback, no identity provider). */
  open: boolean;
  /** Cookies get `Secure` (the server is reached over https). */
  secure: boolean;
}

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Helpline</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:12vh auto;padding:0 1rem;color:#1f2329}
button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:8px;background:#3370ff;color:#fff;cursor:pointer}code{background:#f2f3f5;padding:0 .3rem;border-radius:4px}</style></head>
<body><h1>${title}</h1>${body}</body></html>`;
}

export function createAuthRoutes(deps: AuthRoutesDeps): Hono {
  const { access } = deps;
  const app = new Hono();

  const startSession = async (c: Context, who: { userId: string; role: AccessRole; via: string }) => {
    const { id } = await access.sessions.create(who);
    setCookie(c, SESSION_COOKIE, id, {
      httpOnly: true,
      secure: deps.secure,
      sameSite: 'Lax',
      path: '/',
      maxAge: Math.floor(access.sessions.maxMs / 1000),
    });
  };

  app.get('/auth/me', async (c) => {
    const p = principalOf(c);
    const cookie = getCookie(c, SESSION_COOKIE);
    const session = cookie ? await access.sessions.get(cookie) : undefined;
    if (!p) {
      return c.json({ signedIn: false, open: deps.open, signIn: deps.oidc ? '/auth/login' : null });
    }
    return c.json({
      signedIn: true,
      open: deps.open,
      userId: p.userId,
      role: p.role,
      csrf: session?.csrf ?? null,
    });
  });

  app.get('/auth/login', async (c) => {
    if (!deps.oidc) {
      c.header('Content-Security-Policy', PAGE_CSP);
      return c.html(
        page(
          'Sign in',
          html`<p>No identity provider is configured. Ask an admin for a sign-in link: they run
<code>helpline login-link --user YOUR-ID --role employee</code> on the server.</p>
<p>Admins: set <code>OIDC_ISSUER</code>, <code>OIDC_CLIENT_ID</code> and <code>OIDC_CLIENT_SECRET</code> to sign in with Feishu/Lark, Slack, Entra ID, Okta, Keycloak or Google.</p>`,
        ),
        401,
      );
    }
    return c.redirect((await deps.oidc.start(safeReturn(c.req.query('returnTo')))).toString(), 302);
  });

  app.get('/auth/callback', async (c) => {
    if (!deps.oidc) throw new HelplineError('NOT_FOUND', 'No identity provider is configured.');
    const error = c.req.query('error');
    if (error) {
      throw new HelplineError(
        'UNAUTHENTICATED',
        `The identity provider refused the sign-in (${error.slice(0, 100)}); try again or ask your admin.`,
      );
    }
    const signedIn = await deps.oidc.finish(new URL(c.req.url));
    await access.people.link(signedIn.userKey, { email: signedIn.email, subject: signedIn.subject });
    await startSession(c, { userId: signedIn.userKey, role: signedIn.role, via: 'oidc' });
    return c.redirect(signedIn.returnTo, 303);
  });

  // The link's page only shows a button: link previews (chat unfurls, mail scanners) fetch with GET
  // and must not use the single-use code up.
  app.get(LOGIN_LINK_PATH, (c) => {
    const code = c.req.query('code') ?? '';
    c.header('Content-Security-Policy', PAGE_CSP);
    return c.html(
      page(
        'Sign in to Helpline',
        html`<form method="post" action="${LOGIN_LINK_PATH}"><input type="hidden" name="code" value="${code}">
<p>This link signs you in once and expires 15 minutes after it was made.</p><button type="submit">Sign in</button></form>`,
      ),
    );
  });

  app.post(LOGIN_LINK_PATH, async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const code = typeof form.code === 'string' ? form.code : '';
    const who = await access.links.consume(code);
    if (!who) {
      c.header('Content-Security-Policy', PAGE_CSP);
      return c.html(
        page(
          'This link does not work',
          html`<p>It was already used, it expired (links last 15 minutes), or it was copied incompletely. Ask for a new one
(<code>helpline login-link</code>).</p>`,
        ),
        401,
      );
    }
    await startSession(c, { ...who, via: 'link' });
    // Staff land on their inbox, employees on the chat.
    return c.redirect(who.role === 'employee' ? '/' : '/console', 303);
  });

  app.post('/auth/logout', async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) await access.sessions.delete(cookie);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: deps.secure });
    return c.body(null, 204);
  });

  return app;
}
