/**
 * The HTTP face of a runtime, composed once for `helpline serve` and the tests: every channel's
 * routes, the sign-in routes, the tickets API, the ops endpoints, behind the Host allow-list,
 * authentication, the sign-in gate and the abuse limits (DESIGN §7).
 */
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { createOidcLogin } from '../access/oidc.ts';
import type { AccessStores } from '../access/stores.ts';
import { type Config, oidcEnabled } from '../config/schema.ts';
import { allowedHosts } from './allowed-hosts.ts';
import { createApp } from './app.ts';
import { createAuthRoutes } from './auth-routes.ts';
import { authenticate, rateLimits, requireSignIn } from './authenticate.ts';
import { openTrialMode } from './exposure.ts';
import type { Runtime } from './runtime.ts';
import { createTicketsApi } from './tickets-api.ts';

export interface HttpDeps {
  config: Config;
  runtime: Pick<Runtime, 'channels' | 'tickets' | 'db' | 'calendars' | 'limiter'>;
  access: AccessStores;
  logger: Logger;
  /** /healthz, /readyz, /metrics. */
  ops?: Hono;
  /** The URL people reach the server at (sign-in redirects); asked when first needed. */
  baseUrl: () => string;
  now?: () => Date;
}

export function createHttpApp(deps: HttpDeps): Hono {
  const { config, runtime, access } = deps;
  const now = deps.now ?? (() => new Date());
  const open = openTrialMode(config);
  const oidc = oidcEnabled(config)
    ? createOidcLogin({ config, db: runtime.db, baseUrl: deps.baseUrl, now })
    : undefined;
  return createApp({
    channels: runtime.channels,
    logger: deps.logger,
    ops: deps.ops,
    access: [authenticate(access), requireSignIn(open), rateLimits(runtime.limiter, config.access)],
    auth: createAuthRoutes({
      access,
      oidc,
      open,
      secure: (config.server.publicUrl ?? '').startsWith('https:'),
    }),
    api: createTicketsApi({ tickets: runtime.tickets, db: runtime.db, calendars: runtime.calendars, now }),
    allowedHosts: allowedHosts(config.server),
  });
}
