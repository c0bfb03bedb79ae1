/**
 * The Slack channel (src/inbound/ports.ts): the Bolt app on HTTP (`POST /slack/events`, when a
 * signing secret is set) and/or Socket Mode (when an app-level token is set), the deliverer and the
 * profile source, all on clients aimed at `slack.apiUrl`. `start` asks Slack who the bot is
 * (auth.test), connects Socket Mode, and names what it did in one banner line.
 */
import type { Config } from '../../src/config/schema.ts';
import { HelplineError } from '../../src/errors.ts';
import type { ChannelDeps, ChatChannel } from '../../src/inbound/ports.ts';
import { createSlackBoltApp, type SlackIdentity } from './bolt-app.ts';
import { SlackHttpReceiver } from './http-receiver.ts';
import type { SlackInboundContext } from './listeners.ts';
import { SlackProfiles } from './profiles.ts';
import { SlackDeliverer } from './send.ts';
import { SlackSocketReceiver } from './socket-receiver.ts';
import { describeSlackError, slackClientOptions, slackErrorCode, slackWebClient } from './web-client.ts';

export type SlackConfig = Config['slack'];

export interface SlackChannelOptions {
  /** The slash command the app declares (manifest.yaml). @defaultValue '/helpline' */
  command?: string;
  /** Reconnect Socket Mode when the connection drops. @defaultValue true */
  socketAutoReconnect?: boolean;
}

export interface SlackChannel extends ChatChannel {
  /** The bot as auth.test described it; undefined before `start`. */
  identity(): SlackIdentity | undefined;
}

const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'missing_scope',
]);

export function createSlackChannel(
  config: SlackConfig,
  deps: ChannelDeps,
  options: SlackChannelOptions = {},
): SlackChannel {
  const { botToken, signingSecret, appToken, apiUrl } = config;
  if (!botToken)
    throw new HelplineError(
      'CONFIG_INVALID',
      'Slack needs SLACK_BOT_TOKEN: the Bot User OAuth Token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page.',
    );
  if (!signingSecret && !appToken)
    throw new HelplineError(
      'CONFIG_INVALID',
      'Slack needs a way to receive events: set SLACK_SIGNING_SECRET (HTTP events at POST /slack/events) or SLACK_APP_TOKEN (Socket Mode, xapp-…).',
    );
  if (appToken && !appToken.startsWith('xapp-'))
    throw new HelplineError(
      'CONFIG_INVALID',
      'SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope, from "Basic Information → App-Level Tokens" of your Slack app.',
    );

  const { logger, metrics } = deps;
  const now = deps.now ?? Date.now;
  const clientOptions = slackClientOptions(apiUrl, logger);
  const client = slackWebClient(botToken, apiUrl, logger);
  const deliverer = new SlackDeliverer({ client });
  const profiles = new SlackProfiles({ client, logger, now });
  const command = options.command ?? '/helpline';

  let identity: SlackIdentity | undefined;
  const inbound: SlackInboundContext = {
    accept: deps.accept,
    logger,
    metrics,
    now,
    parseOptions: () => ({ botUserId: identity?.botUserId, botId: identity?.botId, command }),
  };
  const appOptions = { botToken, clientOptions, identity: () => identity, inbound, logger };

  let http: SlackHttpReceiver | undefined;
  if (signingSecret) {
    http = new SlackHttpReceiver({ signingSecret, logger, metrics, now });
    createSlackBoltApp({ ...appOptions, receiver: http, socketMode: false });
  }
  let socket: SlackSocketReceiver | undefined;
  if (appToken) {
    socket = new SlackSocketReceiver({
      appToken,
      clientOptions,
      logger,
      metrics,
      now,
      autoReconnectEnabled: options.socketAutoReconnect ?? true,
    });
    createSlackBoltApp({ ...appOptions, receiver: socket, socketMode: true });
  }
  /** Socket Mode was started (and may be connected, or retrying). */
  let connected = false;

  const channel: SlackChannel = {
    platform: 'slack',
    deliverer,
    profiles,
    identity: () => identity,
    async start() {
      identity = await whoAmI(client, apiUrl);
      const who = `@${identity.botName ?? identity.botUserId} (${identity.teamId})`;
      if (socket) {
        // Set first: a start still retrying (the client reconnects on its own) is stopped too.
        connected = true;
        try {
          await socket.start();
        } catch (err) {
          connected = false;
          throw appTokenError(err, apiUrl);
        }
        const also = http ? `; HTTP events also at POST ${http.path}` : '';
        return `Slack: Socket Mode as ${who}${also}`;
      }
      return `Slack: HTTP events at POST ${http?.path} as ${who}`;
    },
    async stop() {
      if (socket && connected) {
        connected = false;
        await socket.client.disconnect();
      }
    },
  };
  if (http) channel.routes = http.routes;
  return channel;
}

async function whoAmI(client: ReturnType<typeof slackWebClient>, apiUrl: string): Promise<SlackIdentity> {
  let res: Awaited<ReturnType<typeof client.auth.test>>;
  try {
    res = await client.auth.test();
  } catch (err) {
    const code = slackErrorCode(err);
    if (code && AUTH_ERRORS.has(code))
      throw new HelplineError(
        'CONFIG_INVALID',
        `Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) from your Slack app's "OAuth & Permissions" page, and reinstall the app to the workspace if it was revoked.`,
        { cause: err, details: { platform: 'slack', code } },
      );
    throw new HelplineError(
      'CONFIG_INVALID',
      `Slack could not be asked who the bot is at ${apiUrl} (${describeSlackError(err)}): check SLACK_API_URL and that this host can reach Slack.`,
      { cause: err, details: { platform: 'slack', code } },
    );
  }
  if (!res.user_id || !res.team_id)
    throw new HelplineError(
      'CONFIG_INVALID',
      'Slack auth.test did not name a bot user: SLACK_BOT_TOKEN must be a bot token (xoxb-…), not a user or app token.',
      { details: { platform: 'slack' } },
    );
  const identity: SlackIdentity = { botUserId: res.user_id, teamId: res.team_id };
  if (res.bot_id) identity.botId = res.bot_id;
  if (res.team) identity.team = res.team;
  if (res.user) identity.botName = res.user;
  return identity;
}

function appTokenError(err: unknown, apiUrl: string): HelplineError {
  const code = slackErrorCode(err);
  if (code && AUTH_ERRORS.has(code))
    return new HelplineError(
      'CONFIG_INVALID',
      `Slack refused SLACK_APP_TOKEN (${code}): create an app-level token with the connections:write scope under "Basic Information → App-Level Tokens", and turn Socket Mode on for the app.`,
      { cause: err, details: { platform: 'slack', code } },
    );
  return new HelplineError(
    'CONFIG_INVALID',
    `Slack Socket Mode could not connect via ${apiUrl} (${describeSlackError(err)}): check SLACK_APP_TOKEN, that Socket Mode is on for the app, and that this host can open a WebSocket to Slack.`,
    { cause: err, details: { platform: 'slack', code } },
  );
}
