/**
 * Who is calling, for every request (DESIGN §7): an API token (`Authorization: Bearer hlp_…`) or a
 * browser session (the `helpline_session` cookie, with its CSRF token on every state-changing call).
 * The principal is put in the request's variables for the routes and the policy; the gate then
 * refuses what needs a sign-in, and the limits answer 429 with Retry-After. What each principal may
 * read or do is decided in src/access/policy.ts, never here.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AccessEnv } from '../access/chat-access.ts';
import { LOGIN_LINK_PATH } from '../access/login-links.ts';
import type { People } from '../access/people.ts';
import type { SessionStore } from '../access/sessions.ts';
import { SESSION_COOKIE } from '../access/sessions.ts';
import type { TokenStore } from '../access/tokens.ts';
import type { Config } from '../config/schema.ts';
import type { BucketRule, RateLimiter } from '../delivery/rate-limit.ts';
import { HelplineError } from '../errors.ts';

export interface AuthDeps {
  tokens: TokenStore;
  sessions: SessionStore;
  people: People;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const SIGN_IN_HINT =
  'Sign in at /auth/login, or send an API token as "Authorization: Bearer …" (`helpline token create --user ID --role ROLE`).';

/** Sets `principal` from a valid token or session; a bad token is refused, not ignored. */
export function authenticate(deps: AuthDeps): MiddlewareHandler<AccessEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
      const token = m ? await deps.tokens.verify(m[1]) : undefined;
      if (!token) {
        throw new HelplineError(
          'UNAUTHENTICATED',
          'The API token is not valid: it may be mistyped, revoked or expired. Create one with `helpline token create`.',
        );
      }
      c.set('principal', await deps.people.principal(token.userId, token.role));
      return next();
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) {
      const session = await deps.sessions.get(cookie);
      if (session) {
        // Using a sign-in link is the one cookie-less-safe POST: it starts a session, it acts on none.
        const signingIn = c.req.path === LOGIN_LINK_PATH;
        if (!signingIn && UNSAFE.has(c.req.method) && c.req.header('x-csrf-token') !== session.csrf) {
          throw new HelplineError(
            'FORBIDDEN',
            'This request did not come from a Helpline page (its CSRF token is missing or wrong); reload the page and try again.',
          );
        }
        c.set('principal', await deps.people.principal(session.userId, session.role));
      }
    }
    return next();
  };
}

/** Paths anyone may call: the sign-in routes, the chat page, health probes, platform webhooks. */
const PUBLIC = [/^\/$/, /^\/auth\//, /^\/healthz$/, /^\/readyz$/, /^\/(slack|lark)\//, /^\/assets\//];
const CHAT_API = /^\/api\/chat\//;

/**
 * Every route but the public ones needs a principal. The web chat API also takes anonymous callers
 * in the open trial mode (loopback, no identity provider), and /metrics does there too.
 */
export function requireSignIn(open: boolean): MiddlewareHandler<AccessEnv> {
  return async (c, next) => {
    const path = c.req.path;
    if (c.get('principal') || PUBLIC.some((re) => re.test(path))) return next();
    if (open && (CHAT_API.test(path) || path === '/metrics')) return next();
    if (path === '/api' || path.startsWith('/api/') || path === '/metrics') {
      throw new HelplineError('UNAUTHENTICATED', `${c.req.method} ${path} needs a sign-in. ${SIGN_IN_HINT}`);
    }
    return next();
  };
}

/** The caller's network address as the socket saw it ('local' for in-process requests). */
export function addressOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}

/**
 * Abuse limits (token buckets, on Redis when REDIS_URL is set so they hold across processes): per
 * address on everything but webhooks and probes, per user on the API, and per user on chat
 * messages. Defaults never trouble real use: a whole office behind one address passes.
 */
export function rateLimits(limiter: RateLimiter, limits: Config['access']): MiddlewareHandler<AccessEnv> {
  const perMinute = (n: number) => ({ perSecond: n / 60, burst: n });
  const refuse = (waitMs: number, what: string): never => {
    const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
    throw new HelplineError('RATE_LIMITED', `Too many ${what}; try again in ${retryAfterS} s.`, {
      details: { retryAfterS },
    });
  };
  return async (c, next) => {
    const path = c.req.path;
    if (/^\/(slack|lark)\/|^\/(healthz|readyz)$/.test(path)) return next();
    const buckets: BucketRule[] = [
      { bucket: `access:addr:${addressOf(c)}`, rule: perMinute(limits.addressRequestsPerMinute) },
    ];
    const user = c.get('principal')?.userId;
    if (user && path.startsWith('/api/')) {
      buckets.push({ bucket: `access:user:${user}`, rule: perMinute(limits.requestsPerMinute) });
    }
    // Anonymous trial messages (open mode) share the address limit: one loopback address is everyone.
    const message = user !== undefined && c.req.method === 'POST' && path === '/api/chat/messages';
    if (message) buckets.push({ bucket: `access:msg:${user}`, rule: perMinute(limits.messagesPerMinute) });
    // All buckets at once (one Redis round trip), all or none: a refused request spends no token.
    const waitMs = await limiter.takeAll(buckets);
    if (waitMs > 0) refuse(waitMs, message ? 'messages in a short time' : 'requests');
    return next();
  };
}
