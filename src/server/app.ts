/**
 * The HTTP app: every channel's routes (the web chat page and API, the Lark and Slack webhooks),
 * the JSON API, health, and JSON errors. Every response carries the security headers, and requests
 * for a Host not on the allow-list are refused before anything else (DNS rebinding). Bodies are
 * limited before they are read: 64 KB for the web and API, 1 MB for platform webhooks (Slack's
 * interactivity payloads repeat a whole message); JSON API bodies must be declared as JSON.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Logger, pino } from 'pino';
import { type ErrorCode, HelplineError } from '../errors.ts';
import type { ChatChannel } from '../inbound/ports.ts';
import { hasInvalidText } from '../inbound/storable-text.ts';
import { hostnameOf } from './allowed-hosts.ts';

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
const WEBHOOK_PATHS = ['/slack/', '/lark/'];
/**
 * Answered whatever the Host: webhooks are authenticated by the platform's signature and reach us
 * through whatever name a proxy or tunnel has; probes and scrapers call by IP address. None of
 * them returns anything a rebinding page could use.
 */
const ANY_HOST_PATHS = [...WEBHOOK_PATHS, '/healthz', '/readyz', '/metrics'];

/** On every response. Pages set their own Content-Security-Policy (the chat page's allows its script). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'";

export interface AppDeps {
  /** The channels whose routes are served (web chat, Lark, Slack). */
  channels: Pick<ChatChannel, 'routes'>[];
  /** @defaultValue pino() */
  logger?: Logger;
  /** More JSON API groups, mounted under /api (tickets, insights). */
  api?: Hono;
  /**
   * Who is calling and what they may reach (authenticate.ts: principal, sign-in gate, abuse limits),
   * run in order on every route but the webhooks. @defaultValue none (in-process tests of one part)
   */
  access?: MiddlewareHandler[];
  /** Sign-in routes under /auth (auth-routes.ts). */
  auth?: Hono;
  /** /healthz, /readyz, /metrics (src/ops/health.ts). */
  ops?: Hono;
  /**
   * Host names (lowercase, IPv6 in brackets, no port) the server answers to, any port
   * (allowed-hosts.ts). @defaultValue every host (in-process tests)
   */
  allowedHosts?: readonly string[];
  /** Paths that take bodies over MAX_BODY_BYTES, with their limit in bytes (KB uploads). @defaultValue none */
  largeBodies?: Readonly<Record<string, number>>;
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  TICKET_NOT_FOUND: 404,
  ILLEGAL_TRANSITION: 409,
  ALREADY_CLAIMED: 409,
  CONFLICT: 409,
  HOST_NOT_ALLOWED: 421,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
};

function limit(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      errorJson(
        c,
        413,
        'PAYLOAD_TOO_LARGE',
        `The request body is larger than ${maxSize / 1024} KB; send a shorter message.`,
      ),
  });
}

/** Security headers on every response, and the Host allow-list (when one is given). */
export function guard(allowed: readonly string[] | undefined): MiddlewareHandler {
  const hosts = allowed ? new Set(allowed) : undefined;
  return async (c, next) => {
    if (
      hosts &&
      !ANY_HOST_PATHS.some((p) => c.req.path === p || (p.endsWith('/') && c.req.path.startsWith(p)))
    ) {
      const raw = c.req.header('host') ?? new URL(c.req.url).host;
      const name = hostnameOf(raw);
      if (!name || !hosts.has(name)) {
        const [first] = hosts;
        c.res = errorJson(
          c,
          421,
          'HOST_NOT_ALLOWED',
          `This server does not answer to the host "${(raw ?? '').slice(0, 100)}". Open it as ${[...hosts].join(', ')}` +
            ` (e.g. http://${first}:PORT/), or set HELPLINE_PUBLIC_URL to the URL people use to reach it.`,
        );
        setSecurityHeaders(c.res.headers);
        return c.res;
      }
    }
    await next();
    try {
      setSecurityHeaders(c.res.headers);
    } catch {
      // Immutable headers (a Response passed through as is): copy it once.
      c.res = new Response(c.res.body, c.res);
      setSecurityHeaders(c.res.headers);
    }
  };
}

function setSecurityHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', DEFAULT_CSP);
}

/**
 * The JSON API reads only bodies declared as JSON. A cross-site form or `fetch` can send
 * `text/plain` without a CORS preflight; `application/json` from another origin needs one, which
 * this server never grants.
 */
export function jsonOnly(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'POST' || c.req.method === 'PUT' || c.req.method === 'PATCH') {
      const type = c.req.header('content-type') ?? '';
      const mime = type.split(';')[0].trim().toLowerCase();
      if (mime !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(mime)) {
        return errorJson(
          c,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `Send the request body as JSON with the header "Content-Type: application/json"${type ? ` (got "${type.slice(0, 100)}")` : ' (none was sent)'}.`,
        );
      }
    }
    await next();
  };
}

/**
 * A URL whose path or query decodes to a NUL or another control character is refused here, so no
 * route hands such an id to the database (which would fail on it with a 500).
 */
export function readableUrl(): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    let decoded: string | undefined;
    try {
      decoded = decodeURIComponent(url.pathname + url.search.replaceAll('+', ' '));
    } catch {
      // Malformed escapes stay escaped: routes see them as plain text.
    }
    if (decoded !== undefined && hasInvalidText(decoded)) {
      return errorJson(
        c,
        400,
        'BAD_REQUEST',
        'The URL contains a NUL or another control character, which no id or filter holds; check the link.',
      );
    }
    await next();
  };
}

export function createApp(deps: AppDeps): Hono {
  const logger = deps.logger ?? pino();
  const app = new Hono();
  app.use('*', guard(deps.allowedHosts));
  const small = limit(MAX_BODY_BYTES);
  const webhook = limit(MAX_WEBHOOK_BODY_BYTES);
  const large = new Map(Object.entries(deps.largeBodies ?? {}).map(([path, bytes]) => [path, limit(bytes)]));
  app.use('*', (c, next) =>
    WEBHOOK_PATHS.some((p) => c.req.path.startsWith(p))
      ? webhook(c, next)
      : (large.get(c.req.path) ?? small)(c, next),
  );
  app.use('*', readableUrl());
  app.use('/api/*', jsonOnly());
  for (const step of deps.access ?? []) {
    app.use('*', (c, next) => (WEBHOOK_PATHS.some((p) => c.req.path.startsWith(p)) ? next() : step(c, next)));
  }

  if (deps.ops) app.route('/', deps.ops);
  else app.get('/healthz', (c) => c.json({ status: 'ok' }));
  for (const channel of deps.channels) if (channel.routes) app.route('/', channel.routes);
  if (deps.auth) app.route('/', deps.auth);
  if (deps.api) app.route('/api', deps.api);

  app.notFound((c) => {
    if (c.req.path === '/api' || c.req.path.startsWith('/api/')) {
      return errorJson(
        c,
        404,
        'NOT_FOUND',
        `There is no API route ${c.req.method} ${c.req.path}; see the web chat API in DESIGN.md §6.`,
      );
    }
    return c.text('Not found', 404);
  });

  app.onError((err, c) => {
    if (err instanceof HelplineError) {
      const status = STATUS_BY_CODE[err.code] ?? 500;
      if (status === 500) logger.error({ err, path: c.req.path }, 'request failed');
      const retryAfterS = (err.details as { retryAfterS?: number } | undefined)?.retryAfterS;
      if (status === 429 && retryAfterS) c.header('Retry-After', String(retryAfterS));
      if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="helpline"');
      return errorJson(c, status, err.code, err.message);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return errorJson(c, err.status, 'BAD_REQUEST', err.message || 'The request could not be read.');
    }
    // Unknown errors: log everything, answer without internals.
    logger.error({ err, path: c.req.path, method: c.req.method }, 'unhandled error in request');
    return errorJson(c, 500, 'INTERNAL', 'Something went wrong on our side. Please try again in a minute.');
  });

  return app;
}

function errorJson(c: Context, status: ContentfulStatusCode, code: ErrorCode, message: string): Response {
  return c.json({ error: { code, message } }, status);
}
