/**
 * The HTTP face of a runtime, composed once for `helpline serve` and the tests: every channel's
 * routes, the sign-in routes, the tickets API, the ops endpoints, behind the Host allow-list,
 * authentication, the sign-in gate and the abuse limits (DESIGN §7).
 */
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { createInsightsPages } from '../../adapters/web/console/insights-pages.ts';
import { createKnowledgePage } from '../../adapters/web/console/knowledge-page.ts';
import { createConsolePages } from '../../adapters/web/console/pages.ts';
import { createOidcLogin } from '../access/oidc.ts';
import type { AccessStores } from '../access/stores.ts';
import { type Config, oidcEnabled } from '../config/schema.ts';
import { serviceZone } from '../console/period.ts';
import { createConsoleActions } from '../console/ticket-actions.ts';
import { ThreadLinks } from '../handoff/thread-links.ts';
import { allowedHosts } from './allowed-hosts.ts';
import { createApp } from './app.ts';
import { createAuthRoutes } from './auth-routes.ts';
import { authenticate, rateLimits, requireSignIn } from './authenticate.ts';
import { createConsoleApi } from './console-api.ts';
import { openTrialMode } from './exposure.ts';
import { createIncidentsApi } from './incidents-api.ts';
import { createInsightsApi } from './insights-api.ts';
import { createKnowledgeApi, UPLOAD_PATH, uploadBodyLimit } from './knowledge-api.ts';
import type { Runtime } from './runtime.ts';
import { createTicketsApi } from './tickets-api.ts';

export interface HttpDeps {
  config: Config;
  runtime: Pick<
    Runtime,
    | 'channels'
    | 'tickets'
    | 'db'
    | 'calendars'
    | 'limiter'
    | 'store'
    | 'handoff'
    | 'deliver'
    | 'knowledge'
    | 'incidents'
  >;
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
  // The console (issue 14): its JSON API beside the tickets API, its pages under /console.
  const timeZone = serviceZone(config.sla.policy, runtime.calendars);
  const api = new Hono();
  const links = new ThreadLinks(runtime.db, now);
  api.route(
    '/',
    createTicketsApi({ tickets: runtime.tickets, db: runtime.db, calendars: runtime.calendars, now }),
  );
  // Before the console API: its POST /tickets/:id/:action would take `link` and `unlink`.
  api.route('/', createIncidentsApi(runtime.incidents));
  api.route(
    '/',
    createConsoleApi({
      tickets: runtime.tickets,
      store: runtime.store,
      db: runtime.db,
      calendars: runtime.calendars,
      now,
      actions: createConsoleActions({
        tickets: runtime.tickets,
        handoff: runtime.handoff,
        links,
        deliver: runtime.deliver,
        now,
      }),
    }),
  );
  api.route(
    '/',
    createInsightsApi({
      db: runtime.db,
      tickets: runtime.tickets,
      calendars: runtime.calendars,
      timeZone,
      now,
    }),
  );
  api.route(
    '/',
    createKnowledgeApi({
      config,
      knowledge: runtime.knowledge,
      db: runtime.db,
      tickets: runtime.tickets,
      store: runtime.store,
      now,
    }),
  );
  const app = createApp({
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
    api,
    allowedHosts: allowedHosts(config.server),
    largeBodies: { [UPLOAD_PATH]: uploadBodyLimit(config) },
  });
  app.route('/', createConsolePages());
  app.route(
    '/',
    createInsightsPages({ db: runtime.db, timeZone, now, chromiumPath: config.server.chromiumPath }),
  );
  app.route('/', createKnowledgePage());
  return app;
}
