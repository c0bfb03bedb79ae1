/**
 * The real Bolt App, on one of our receivers (HTTP on the Hono server, or Socket Mode), with our
 * listeners. Bolt's authorization is ours: a single workspace, the bot token from config and the
 * bot's ids from the `auth.test` the channel makes at start (so Bolt makes no call of its own, and
 * `ignoreSelf` knows who "self" is). Errors from listeners are rethrown to the receiver, which
 * answers 500 / leaves the envelope unacked.
 */
import { App, type Receiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { boltLogger } from './bolt-logger.ts';
import { registerSlackListeners, type SlackInboundContext } from './listeners.ts';
import type { SlackClientOptions } from './web-client.ts';

/** Who our bot is, from auth.test. */
export interface SlackIdentity {
  botUserId: string;
  botId?: string;
  teamId: string;
  team?: string;
  /** The bot user's name (`@helpline`). */
  botName?: string;
}

export interface SlackBoltAppOptions {
  botToken: string;
  receiver: Receiver;
  /** The receiver is a SocketModeReceiver (Bolt insists the flag matches). */
  socketMode: boolean;
  /** For the clients Bolt hands to listeners (views.open): slackApiUrl, no SDK retries. */
  clientOptions: SlackClientOptions;
  identity: () => SlackIdentity | undefined;
  inbound: SlackInboundContext;
  logger: Logger;
}

export function createSlackBoltApp(o: SlackBoltAppOptions): App {
  const app = new App({
    receiver: o.receiver,
    socketMode: o.socketMode,
    authorize: async () => {
      const id = o.identity();
      return { botToken: o.botToken, botId: id?.botId, botUserId: id?.botUserId, teamId: id?.teamId };
    },
    logger: boltLogger(o.logger, 'slack-bolt'),
    clientOptions: { ...o.clientOptions },
    ignoreSelf: true,
    convoStore: false,
  });
  app.error(async (error) => {
    throw error;
  });
  registerSlackListeners(app, o.inbound);
  return app;
}
