/**
 * What the port answers while the rest of the server is still opening (the database, the KB), so
 * the port is open within a few hundred milliseconds of launch: liveness says ok, readiness says
 * not yet (503, with what is left), the web chat page loads, and every API or webhook call gets a
 * 503 with Retry-After — Slack and Lark redeliver, the page shows the message. Once ready, the
 * server hands every request to the real app (start.ts).
 */
import { Hono } from 'hono';
import { chatPageCsp, chatPageHtml } from '../../adapters/web/page.ts';
import { guard } from './app.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };
/** Seconds a caller is asked to wait before trying again. */
const RETRY_AFTER = '1';

export interface StartingAppOptions {
  /** Host allow-list, as for the real app. */
  allowedHosts?: readonly string[];
  /** What the start is doing now, for /readyz ("opening the database"). */
  phase: () => string;
}

export function createStartingApp(options: StartingAppOptions): Hono {
  const app = new Hono();
  app.use('*', guard(options.allowedHosts));
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, NO_STORE));
  app.get('/readyz', (c) =>
    c.json({ status: 'not_ready', checks: { starting: `error: ${options.phase()}` } }, 503, {
      ...NO_STORE,
      'Retry-After': RETRY_AFTER,
    }),
  );
  app.get('/', (c) => {
    c.header('Content-Security-Policy', chatPageCsp);
    return c.html(chatPageHtml);
  });
  app.all('*', (c) =>
    c.json(
      {
        error: {
          code: 'UNAVAILABLE',
          message: `Helpline is starting (${options.phase()}); try again in a second.`,
        },
      },
      503,
      { ...NO_STORE, 'Retry-After': RETRY_AFTER },
    ),
  );
  return app;
}
