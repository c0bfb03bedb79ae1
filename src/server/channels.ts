/** The chat platforms the config enables: Lark/Feishu when LARK_APP_ID is set, Slack when SLACK_BOT_TOKEN is. */
import { createLarkChannel } from '../../adapters/lark/channel.ts';
import { createSlackChannel } from '../../adapters/slack/channel.ts';
import { type Config, larkEnabled, slackEnabled } from '../config/schema.ts';
import type { ChannelDeps, ChatChannel } from '../inbound/ports.ts';

export function channelsFromConfig(config: Config, deps: ChannelDeps): ChatChannel[] {
  const channels: ChatChannel[] = [];
  if (larkEnabled(config)) channels.push(createLarkChannel(config.lark, deps));
  if (slackEnabled(config)) channels.push(createSlackChannel(config.slack, deps));
  return channels;
}
