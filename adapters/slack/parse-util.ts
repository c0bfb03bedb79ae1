/** Slack's own parse helper; the general ones are shared by every platform (../shared/parse-util.ts). */
export { ignored, isObj, malformed, type Obj, str } from '../shared/parse-util.ts';

export function slackTsToMs(ts: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(ts)) return undefined;
  return Math.round(Number(ts) * 1000);
}
