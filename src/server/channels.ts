/**
 * The channels a runtime serves: the web chat always; Lark/Feishu when LARK_APP_ID is set, Slack
 * when SLACK_BOT_TOKEN is. With REDIS_URL, one process of the service holds the Lark long
 * connection. Slack's Socket Mode needs no such lease: Slack allows up to 10 connections per app and
 * gives each event to one of them. A new platform is one more line here (and its folder under adapters/).
 */
import { createLarkChannel } from '../../adapters/lark/index.ts';
import { createSlackChannel } from '../../adapters/slack/index.ts';
import { createWebChannel } from '../../adapters/web/index.ts';
import { createChatAccess } from '../access/chat-access.ts';
import { redisLease } from '../cluster/lease.ts';
import { oneConnectionAcrossProcesses } from '../cluster/one-connection.ts';
import { type Config, larkEnabled, slackEnabled } from '../config/schema.ts';
import type { ConversationStore } from '../conversations/types.ts';
import type { ChannelDeps, ChatChannel } from '../inbound/ports.ts';
import { openTrialMode } from './exposure.ts';

/** How long a dead process keeps the Lark long connection's lease before another takes over. */
const LEASE_TTL_MS = 10_000;

export interface ChannelsOptions {
  store: ConversationStore;
  /** @defaultValue 15000 */
  sseHeartbeatMs?: number;
}

export function channelsFromConfig(
  config: Config,
  deps: ChannelDeps,
  options: ChannelsOptions,
): ChatChannel[] {
  const access = createChatAccess({
    open: openTrialMode(config),
    streamsPerUser: config.access.streamsPerUser,
  });
  const channels: ChatChannel[] = [createWebChannel(deps, { ...options, access })];
  if (larkEnabled(config)) {
    const lark = createLarkChannel(config.lark, deps);
    const redisUrl = config.redis.url;
    // Several processes on one Redis: one of them holds the long connection (issue 15 item 2).
    channels.push(
      redisUrl && config.lark.mode === 'ws' && config.lark.appId
        ? oneConnectionAcrossProcesses(lark, {
            label: 'Lark/Feishu',
            logger: deps.logger,
            takeoverS: Math.ceil((LEASE_TTL_MS * 4) / 3 / 1000),
            lease: (callbacks) =>
              redisLease({
                redisUrl,
                name: `lark-ws:${config.lark.appId}`,
                ttlMs: LEASE_TTL_MS,
                ...callbacks,
                onError: (err) => deps.logger.debug({ err }, 'Lark connection lease: Redis failed'),
              }),
          })
        : lark,
    );
  }
  if (slackEnabled(config)) channels.push(createSlackChannel(config.slack, deps));
  return channels;
}
