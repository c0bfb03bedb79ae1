/**
 * Lark/Feishu behind the ChatAdapter seam (adapters/types.ts): the pure verify, parse and render
 * of this folder in one object, so the shared contract suite runs it like every other platform.
 *
 * `parse` takes the body as Lark sends it: an `{encrypt}` body is decrypted first with the
 * configured encrypt key. The url_verification challenge is not an event: it parses as ignored
 * (the webhook route answers it before parsing).
 */

import type { OutboundBody } from '../../src/delivery/types.ts';
import type { ChatAdapter, ParseResult, RenderContext, VerifyInput, VerifyResult } from '../types.ts';
import { decryptLarkPayload } from './decrypt.ts';
import { type LarkParseOptions, parseLark } from './parse.ts';
import { type LarkCard, renderLarkCard } from './render.ts';
import { type LarkVerifyOptions, verifyLark } from './verify.ts';

export type LarkAdapterOptions = LarkVerifyOptions & LarkParseOptions;

function decrypted(body: unknown, encryptKey?: string): unknown {
  if (!body || typeof body !== 'object' || !('encrypt' in body)) return body;
  const encrypt = (body as { encrypt?: unknown }).encrypt;
  if (typeof encrypt !== 'string' || !encryptKey) return body; // parseLark reports it as malformed
  try {
    return JSON.parse(decryptLarkPayload(encrypt, encryptKey));
  } catch {
    return body;
  }
}

export function larkAdapter(options: LarkAdapterOptions = {}): ChatAdapter<LarkCard> {
  return {
    platform: 'lark',
    verify: (input: VerifyInput): VerifyResult => verifyLark(input, options),
    parse(body: unknown, nowMs: number): ParseResult {
      const result = parseLark(decrypted(body, options.encryptKey), nowMs, options);
      return 'challenge' in result
        ? { ok: false, ignore: true, reason: 'url_verification challenge' }
        : result;
    },
    render: (body: OutboundBody, ctx: RenderContext): LarkCard => renderLarkCard(body, ctx),
  };
}
