/**
 * The channels a runtime serves: the web chat always; Lark/Feishu when LARK_APP_ID is set, Slack
 * when SLACK_BOT_TOKEN is. A new platform is one more line here (and its folder under adapters/).
 */
import { createLarkChannel } from '../../adapters/lark/index.ts';
import { createSlackChannel } from '../../adapters/slack/index.ts';
import { createWebChannel } from '../../adapters/web/index.ts';
import { createChatAccess } from '../access/chat-access.ts';
import { type Config, larkEnabled, slackEnabled } from '../config/schema.ts';
import type { ConversationStore } from '../conversations/types.ts';
import type { ChannelDeps, ChatChannel } from '../inbound/ports.ts';
import { openTrialMode } from './exposure.ts';

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
  if (larkEnabled(config)) channels.push(createLarkChannel(config.lark, deps));
  if (slackEnabled(config)) channels.push(createSlackChannel(config.slack, deps));
  return channels;
}
