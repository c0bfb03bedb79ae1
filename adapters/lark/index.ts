/**
 * The Lark/Feishu adapter's public face. The runtime needs `createLarkChannel`; the contract suite
 * needs `larkAdapter`; the rest is exported for tests and tools.
 */
export { type LarkAdapterOptions, larkAdapter } from './adapter.ts';
export { createLarkApi, type LarkApi, LarkApiFailure, larkCall } from './api.ts';
export { fetchLarkBotInfo, type LarkBotInfo } from './bot-info.ts';
export { createLarkChannel, type LarkChannelDeps, type LarkConfig } from './channel.ts';
export { LarkDeliverer, receiveIdType, toDeliveryError } from './deliverer.ts';
export { LarkProfiles } from './profiles.ts';
export { type LarkCard, renderLarkCard } from './render.ts';
export { LARK_EVENTS_PATH } from './webhook.ts';
