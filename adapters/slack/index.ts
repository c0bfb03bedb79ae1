/** The Slack adapter's public surface: the channel the runtime starts, and its parts for tests. */
export { type SlackAdapterOptions, slackAdapter } from './adapter.ts';
export type { SlackIdentity } from './bolt-app.ts';
export {
  createSlackChannel,
  type SlackChannel,
  type SlackChannelOptions,
  type SlackConfig,
} from './channel.ts';
export { METADATA_EVENT_TYPE, SlackDeliverer, type SlackDelivererOptions } from './deliverer.ts';
export { SLACK_EVENTS_PATH } from './http-receiver.ts';
export { SlackProfiles, type SlackProfilesOptions } from './profiles.ts';
