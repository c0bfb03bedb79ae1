/**
 * The web chat as a channel like Lark and Slack (DESIGN §5, §6): its page at `/`, its API under
 * `/api/chat` (routes.ts: requests in, through `accept`), and its deliverer, which "posts" by storing
 * the message in the conversation the page reads (send.ts). There are no web profiles to look up.
 */
import { Hono } from 'hono';
import type { ChatAccess } from '../../src/access/chat-access.ts';
import type { ConversationStore } from '../../src/conversations/types.ts';
import type { ChannelDeps, ChatChannel } from '../../src/inbound/ports.ts';
import { chatPageCsp, chatPageHtml } from './page.ts';
import { createWebRoutes } from './routes.ts';
import { WebDeliverer } from './send.ts';

export interface WebChannelOptions {
  /** Where replies are stored (the deliverer). */
  store: ConversationStore;
  /**
   * What the chat's HTTP requests read and write through: the same store over the database's
   * urgent view, so an ack never waits behind queued turn work. @defaultValue store
   */
  requests?: ConversationStore;
  /** Who chat requests act as (src/access/chat-access.ts). */
  access: ChatAccess;
  /** @defaultValue 15000 */
  sseHeartbeatMs?: number;
}

export function createWebChannel(deps: ChannelDeps, options: WebChannelOptions): ChatChannel {
  const routes = new Hono();
  routes.get('/', (c) => {
    c.header('Content-Security-Policy', chatPageCsp);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(chatPageHtml);
  });
  routes.route(
    '/',
    createWebRoutes({
      store: options.requests ?? options.store,
      access: options.access,
      accept: deps.accept,
      logger: deps.logger,
      metrics: deps.metrics,
      sseHeartbeatMs: options.sseHeartbeatMs,
      now: deps.now,
    }),
  );
  return {
    platform: 'web',
    routes,
    deliverer: new WebDeliverer({ store: options.store }),
    profiles: { profile: async () => undefined },
    start: async () => 'web chat at /',
    stop: async () => {},
  };
}
