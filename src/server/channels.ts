/**
 * The channels a runtime serves: the web chat always; Lark/Feishu when LARK_APP_ID is set, Slack
 * when SLACK_BOT_TOKEN is. A new platform is one more line here (and its folder under adapters/).
 * A platform's adapter (and its SDK) is imported only when it is configured: the Slack and Lark SDKs
 * are most of a start's module loading, and most starts use neither.
 */
import { createWebChannel } from '../../adapters/web/index.ts';
import { type Config, larkEnabled, slackEnabled } from '../config/schema.ts';
import type { ConversationStore } from '../conversations/types.ts';
import type { ChannelDeps, ChatChannel } from '../inbound/ports.ts';

export interface ChannelsOptions {
  store: ConversationStore;
  /** @defaultValue 15000 */
  sseHeartbeatMs?: number;
}

export async function channelsFromConfig(
  config: Config,
  deps: ChannelDeps,
  options: ChannelsOptions,
): Promise<ChatChannel[]> {
  const channels: ChatChannel[] = [createWebChannel(deps, options)];
  if (larkEnabled(config)) {
    const { createLarkChannel } = await import('../../adapters/lark/index.ts');
    channels.push(createLarkChannel(config.lark, deps));
  }
  if (slackEnabled(config)) {
    const { createSlackChannel } = await import('../../adapters/slack/index.ts');
    channels.push(createSlackChannel(config.slack, deps));
  }
  return channels;
}
