/**
 * Who the bot is: GET /open-apis/bot/v3/info (open.feishu.cn/document/client-docs/bot-v3/obtain-bot-info)
 * answers `{code, msg, bot: {open_id, app_name, activate_status, …}}` — `bot` at the top level, not
 * under `data`. parseLark needs the open_id to tell a group message that @s the bot from chatter.
 */
import { type LarkApi, LarkApiFailure, larkCall } from './api.ts';

export interface LarkBotInfo {
  openId: string;
  name: string;
}

export async function fetchLarkBotInfo(api: LarkApi, timeoutMs = 10_000): Promise<LarkBotInfo> {
  const res = await larkCall(api, { method: 'GET', path: '/open-apis/bot/v3/info', timeoutMs });
  const bot = res.bot as { open_id?: unknown; app_name?: unknown } | undefined;
  if (typeof bot?.open_id !== 'string' || bot.open_id === '') {
    throw new LarkApiFailure('bot/v3/info answered without bot.open_id', 200, 0, {});
  }
  return { openId: bot.open_id, name: typeof bot.app_name === 'string' ? bot.app_name : 'bot' };
}
