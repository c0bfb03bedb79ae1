/**
 * Lark/Feishu webhook verification, pure and time-injected (DESIGN §7). One pass over the raw
 * bytes, decrypting at most once, that yields the plain event the rest of the adapter reads.
 *
 * Order of checks (each failure names its reason):
 *  1. With an encrypt key configured and the request signed (X-Lark-Signature present), before
 *     anything is parsed or decrypted:
 *     `timestamp` — X-Lark-Request-Timestamp (Unix seconds) is outside ±toleranceMs of nowMs;
 *     `signature` — hex sha256(timestamp + nonce + encryptKey + rawBody) differs (timing-safe).
 *  2. `malformed` — the raw body is not a JSON object, or is `{encrypt}` and cannot be decrypted.
 *  3. An unsigned request, with an encrypt key configured, is accepted only when it is small and
 *     its decrypted body is the URL-verification challenge (Lark does not sign that one; decrypting
 *     it already proves the key); anything else unsigned fails with `signature`.
 *  4. `token` — with a verification token configured, the (decrypted) body's `header.token`
 *     (event v2.0) or top-level `token` (v1 events, url_verification) must equal it.
 * The timestamp window applies to signed requests only: without the signature the header is not
 * authenticated, so checking it would add nothing.
 *
 * The SDK (@larksuiteoapi/node-sdk dispatcher/request-handle.ts checkIsEventValidated) hashes
 * `timestamp + nonce + encryptKey + JSON.stringify(parsedBody)`; for the compact JSON Lark sends
 * that is the raw body byte for byte. We hash the raw body, as the platform docs specify.
 */
import { createHash } from 'node:crypto';
import type { VerifyFailure, VerifyInput, VerifyResult } from '../../src/inbound/ports.ts';
import { header, safeEqual } from '../shared/http.ts';
import { decryptLarkPayload } from './decrypt.ts';

export interface LarkVerifyOptions {
  /** The app's Encrypt Key: enables decryption and the signature check. */
  encryptKey?: string;
  /** The app's Verification Token: checked against the body's token when set. */
  verificationToken?: string;
  /**
   * Accepted clock skew between X-Lark-Request-Timestamp and nowMs.
   * @defaultValue 300_000 (5 minutes)
   */
  toleranceMs?: number;
}

export const DEFAULT_TOLERANCE_MS = 5 * 60 * 1000;

export type LarkBodyResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; reason: 'malformed'; message: string };

const fail = (reason: VerifyFailure, message: string) => ({ ok: false as const, reason, message });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lark's signature of a raw body: hex sha256(timestamp + nonce + encryptKey + rawBody). */
export function larkSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey, 'utf8')
    .update(rawBody, 'utf8')
    .digest('hex');
}

/**
 * Parses the raw body and, when it is `{encrypt}`, decrypts it: the plain event object parseLark takes.
 */
export function readLarkBody(rawBody: string, opts: Pick<LarkVerifyOptions, 'encryptKey'>): LarkBodyResult {
  let outer: unknown;
  try {
    outer = JSON.parse(rawBody);
  } catch {
    return { ok: false, reason: 'malformed', message: 'body is not JSON' };
  }
  if (!isObject(outer)) return { ok: false, reason: 'malformed', message: 'body is not a JSON object' };
  if (!('encrypt' in outer)) return { ok: true, body: outer };
  if (typeof outer.encrypt !== 'string') {
    return { ok: false, reason: 'malformed', message: 'encrypt is not a string' };
  }
  if (!opts.encryptKey) {
    return {
      ok: false,
      reason: 'malformed',
      message: 'encrypted body but no Lark encrypt key is configured: set the app’s Encrypt Key',
    };
  }
  let inner: unknown;
  try {
    inner = JSON.parse(decryptLarkPayload(outer.encrypt, opts.encryptKey));
  } catch (err) {
    return {
      ok: false,
      reason: 'malformed',
      message: `cannot decrypt body (wrong Encrypt Key?): ${(err as Error).message}`,
    };
  }
  if (!isObject(inner))
    return { ok: false, reason: 'malformed', message: 'decrypted body is not a JSON object' };
  return { ok: true, body: inner };
}

/** The verification-token check on a plain (decrypted) body. Passes when no token is configured. */
export function verifyLarkBody(
  body: unknown,
  opts: Pick<LarkVerifyOptions, 'verificationToken'>,
): VerifyResult {
  if (!opts.verificationToken) return { ok: true };
  if (!isObject(body)) return fail('malformed', 'body is not a JSON object');
  const head = body.header;
  const token = isObject(head) && typeof head.token === 'string' ? head.token : body.token;
  if (typeof token !== 'string') return fail('token', 'body carries no verification token');
  return safeEqual(token, opts.verificationToken)
    ? { ok: true }
    : fail('token', 'verification token does not match the configured one');
}

/** An unsigned request can only be the URL-verification challenge, which is a few hundred bytes. */
const MAX_UNSIGNED_BYTES = 4096;

export type LarkVerified =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; reason: VerifyFailure; message: string };

/** Verifies a webhook request and returns its plain (decrypted) body. */
export function verifyLark(input: VerifyInput, opts: LarkVerifyOptions = {}): LarkVerified {
  const signature = opts.encryptKey ? header(input.headers, 'x-lark-signature') : undefined;
  const signed = signature !== undefined && signature !== '';
  if (opts.encryptKey && signed) {
    const timestamp = header(input.headers, 'x-lark-request-timestamp');
    const nonce = header(input.headers, 'x-lark-request-nonce');
    if (!timestamp || nonce === undefined) {
      return fail('signature', 'missing X-Lark-Request-Timestamp or X-Lark-Request-Nonce header');
    }
    const seconds = Number(timestamp);
    const tolerance = opts.toleranceMs ?? DEFAULT_TOLERANCE_MS;
    if (!/^\d+$/.test(timestamp) || Math.abs(input.nowMs - seconds * 1000) > tolerance) {
      return fail('timestamp', `request timestamp ${timestamp} is outside the ${tolerance} ms window`);
    }
    const expected = larkSignature(timestamp, nonce, opts.encryptKey, input.rawBody);
    if (!safeEqual(signature.toLowerCase(), expected)) {
      return fail('signature', 'X-Lark-Signature does not match the body');
    }
  } else if (opts.encryptKey && input.rawBody.length > MAX_UNSIGNED_BYTES) {
    return fail('signature', 'missing X-Lark-Signature header');
  }
  const read = readLarkBody(input.rawBody, opts);
  if (!read.ok) return read;
  if (opts.encryptKey && !signed && read.body.type !== 'url_verification') {
    return fail('signature', 'missing X-Lark-Signature header');
  }
  const token = verifyLarkBody(read.body, opts);
  return token.ok ? { ok: true, body: read.body } : token;
}
