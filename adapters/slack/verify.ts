/**
 * Slack request signing (https://api.slack.com/authentication/verifying-requests-from-slack), the
 * way bolt-js `receivers/verify-request.ts` does it: HMAC-SHA256 over `v0:<timestamp>:<raw body>`
 * with the signing secret, compared in constant time, and a timestamp window against replays.
 * Pure: the clock comes in as `input.nowMs`. Imports nothing but node:crypto.
 */
import { createHmac } from 'node:crypto';
import type { VerifyInput, VerifyResult } from '../../src/inbound/ports.ts';
import { header, safeEqual } from '../shared/http.ts';

export interface SlackVerifyOptions {
  signingSecret: string;
  /**
   * How far the request timestamp may be from `nowMs`, either way.
   * @defaultValue 300_000 (Slack's five minutes)
   */
  toleranceMs?: number;
}

const PREFIX = 'Failed to verify authenticity';

export function verifySlack(input: VerifyInput, opts: SlackVerifyOptions): VerifyResult {
  const timestampText = header(input.headers, 'x-slack-request-timestamp');
  const signature = header(input.headers, 'x-slack-signature');
  if (!timestampText || !signature) {
    return {
      ok: false,
      reason: 'malformed',
      message: `${PREFIX}: the X-Slack-Signature and X-Slack-Request-Timestamp headers are required (is this request from Slack?)`,
    };
  }
  if (!/^\d{1,12}$/.test(timestampText.trim())) {
    return {
      ok: false,
      reason: 'malformed',
      message: `${PREFIX}: header x-slack-request-timestamp is not a number of seconds (${timestampText})`,
    };
  }
  const timestampSec = Number(timestampText.trim());
  const toleranceSec = Math.floor((opts.toleranceMs ?? 300_000) / 1000);
  const nowSec = Math.floor(input.nowMs / 1000);
  // bolt-js rejects only stale requests; a timestamp far in the future is as suspicious, so the
  // window is checked both ways. Exactly `toleranceSec` away is still accepted, as in bolt-js.
  if (Math.abs(nowSec - timestampSec) > toleranceSec) {
    return {
      ok: false,
      reason: 'timestamp',
      message: `${PREFIX}: x-slack-request-timestamp must differ from system time by no more than ${toleranceSec} seconds or request is stale (check the server clock)`,
    };
  }
  const eq = signature.indexOf('=');
  const version = eq < 0 ? signature : signature.slice(0, eq);
  const given = eq < 0 ? '' : signature.slice(eq + 1);
  if (version !== 'v0') {
    return { ok: false, reason: 'signature', message: `${PREFIX}: unknown signature version (${version})` };
  }
  const expected = createHmac('sha256', opts.signingSecret)
    .update(`v0:${timestampText.trim()}:${input.rawBody}`)
    .digest('hex');
  if (!safeEqual(given, expected)) {
    return {
      ok: false,
      reason: 'signature',
      message: `${PREFIX}: signature mismatch (check the app's signing secret, and that the raw body is passed unchanged)`,
    };
  }
  return { ok: true };
}
