/**
 * The channels a runtime serves: the web chat always; Lark/Feishu when LARK_APP_ID is set, Slack
 * when SLACK_BOT_TOKEN is. With REDIS_URL, one process of the service holds the Lark long
 * connection. Slack's Socket Mode needs no such lease: Slack allows up to 10 connections per app and
 * gives each event to one of them. A new platform is one more line here (and its folder under adapters/).
 * A platform's adapter (and its SDK) is imported only when it is configured: the Slack and Lark SDKs
 * are most of a start's module loading, and most starts use neither.
 */
import { createWebChannel } from '../../adapters/web/index.ts';
import { createChatAccess } from '../access/chat-access.ts';
import { type Config, larkEnabled, slackEnabled } from '../config/schema.ts';
import type { ConversationStore } from '../conversations/types.ts';
import type { ChannelDeps, ChatChannel } from '../inbound/ports.ts';
import { openTrialMode } from './exposure.ts';

/** How long a dead process keeps the Lark long connection's lease before another takes over. */
const LEASE_TTL_MS = 10_000;

export interface ChannelsOptions {
  store: ConversationStore;
  /** What HTTP requests read and write through (the ack's urgent view). @defaultValue store */
  requests?: ConversationStore;
  /** @defaultValue 15000 */
  sseHeartbeatMs?: number;
}

export async function channelsFromConfig(
  config: Config,
  deps: ChannelDeps,
  options: ChannelsOptions,
): Promise<ChatChannel[]> {
  const access = createChatAccess({
    open: openTrialMode(config),
    streamsPerUser: config.access.streamsPerUser,
  });
  const channels: ChatChannel[] = [createWebChannel(deps, { ...options, access })];
  if (larkEnabled(config)) {
    const { createLarkChannel } = await import('../../adapters/lark/index.ts');
    const lark = createLarkChannel(config.lark, deps);
    const redisUrl = config.redis.url;
    const appId = config.lark.appId;
    if (redisUrl && config.lark.mode === 'ws' && appId) {
      // Several processes on one Redis: one of them holds the long connection (issue 15 item 2).
      const [{ redisLease }, { oneConnectionAcrossProcesses }] = await Promise.all([
        import('../cluster/lease.ts'),
        import('../cluster/one-connection.ts'),
      ]);
      channels.push(
        oneConnectionAcrossProcesses(lark, {
          label: 'Lark/Feishu',
          logger: deps.logger,
          takeoverS: Math.ceil((LEASE_TTL_MS * 4) / 3 / 1000),
          lease: (callbacks) =>
            redisLease({
              redisUrl,
              name: `lark-ws:${appId}`,
              ttlMs: LEASE_TTL_MS,
              ...callbacks,
              onError: (err) => deps.logger.debug({ err }, 'Lark connection lease: Redis failed'),
            }),
        }),
      );
    } else {
      channels.push(lark);
    }
  }
  if (slackEnabled(config)) {
    const { createSlackChannel } = await import('../../adapters/slack/index.ts');
    channels.push(createSlackChannel(config.slack, deps));
  }
  return channels;
}
