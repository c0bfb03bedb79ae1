import type { ParseResult } from '../../src/inbound/ports.ts';
/** Small total helpers shared by the Slack parsers. */

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const malformed = (reason: string): ParseResult => ({ ok: false, ignore: false, reason });
export const ignored = (reason: string): ParseResult => ({ ok: false, ignore: true, reason });

export function slackTsToMs(ts: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(ts)) return undefined;
  return Math.round(Number(ts) * 1000);
}
