import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decryptLarkPayload, encryptLarkPayload } from '../../../adapters/lark/decrypt.ts';
import { parseLark } from '../../../adapters/lark/parse.ts';
import { larkSignature, readLarkBody, verifyLark, verifyLarkBody } from '../../../adapters/lark/verify.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const ENCRYPT_KEY = 'kT9wQ2hL7pX4vB1n';
const TOKEN = 'v_token_Helpline01';
const NOW = 1_735_689_601_000;
const TS = String(Math.floor(NOW / 1000));
const NONCE = '1862496371';

/** What Lark sends for an app with an Encrypt Key: `{"encrypt":…}` plus the three signature headers. */
function signedRequest(plain: string, opts: { ts?: string; key?: string } = {}) {
  const rawBody = JSON.stringify({ encrypt: encryptLarkPayload(plain, ENCRYPT_KEY, Buffer.alloc(16, 7)) });
  const ts = opts.ts ?? TS;
  return {
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': ts,
      'x-lark-request-nonce': NONCE,
      'x-lark-signature': larkSignature(ts, NONCE, opts.key ?? ENCRYPT_KEY, rawBody),
    },
    rawBody,
    nowMs: NOW,
  };
}

describe('decryptLarkPayload', () => {
  it('decrypts the example from the Lark docs (key "test key")', () => {
    expect(decryptLarkPayload('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key')).toBe(
      'hello world',
    );
  });

  it('round-trips with encryptLarkPayload, and rejects a wrong key or truncated data', () => {
    const plain = fixture('im_message_p2p_text.json');
    const enc = encryptLarkPayload(plain, ENCRYPT_KEY);
    expect(decryptLarkPayload(enc, ENCRYPT_KEY)).toBe(plain);
    expect(() => decryptLarkPayload(enc.slice(0, 20), ENCRYPT_KEY)).toThrow();
    let wrong: string | undefined;
    try {
      wrong = decryptLarkPayload(enc, 'another key');
    } catch {
      wrong = undefined;
    }
    expect(wrong).not.toBe(plain);
  });
});

describe('larkSignature', () => {
  it('matches the SDK computation sha256(ts + nonce + encryptKey + JSON.stringify(body)) for compact JSON', () => {
    const raw = fixture('im_message_group_at_bot.json');
    const sdk = createHash('sha256')
      .update(TS + NONCE + ENCRYPT_KEY + JSON.stringify(JSON.parse(raw)))
      .digest('hex');
    expect(larkSignature(TS, NONCE, ENCRYPT_KEY, raw)).toBe(sdk);
  });
});

describe('verifyLark', () => {
  const opts = { encryptKey: ENCRYPT_KEY, verificationToken: TOKEN };

  it('accepts a signed, encrypted event and gives back the decrypted body, which parses', () => {
    const req = signedRequest(fixture('im_message_p2p_text.json'));
    const verified = verifyLark(req, opts);
    expect(verified.ok).toBe(true);
    if (!verified.ok) return;
    expect(verified.body).toEqual(
      readLarkBody(req.rawBody, opts).ok && JSON.parse(fixture('im_message_p2p_text.json')),
    );
    const parsed = parseLark(verified.body, NOW, {});
    expect('ok' in parsed && parsed.ok && parsed.event.text).toBe('年假怎么请？');
  });

  it('checks the signature before reading or decrypting the body', () => {
    // A forged body that could not even be decrypted: refused on its signature, never decrypted.
    const forged = signedRequest(fixture('im_message_p2p_text.json'));
    const undecryptable = JSON.stringify({ encrypt: '!!! not base64 !!!'.repeat(1000) });
    expect(verifyLark({ ...forged, rawBody: undecryptable }, opts)).toMatchObject({
      ok: false,
      reason: 'signature',
    });
    // Unsigned and larger than the only unsigned request Lark sends (the challenge): refused unread.
    expect(verifyLark({ headers: {}, rawBody: undecryptable, nowMs: NOW }, opts)).toMatchObject({
      ok: false,
      reason: 'signature',
    });
  });

  it('rejects a wrong signature, a missing one and a tampered body with reason signature', () => {
    const req = signedRequest(fixture('im_message_p2p_text.json'), { key: 'not-the-key' });
    expect(verifyLark(req, opts)).toMatchObject({ ok: false, reason: 'signature' });
    const good = signedRequest(fixture('im_message_p2p_text.json'));
    const { 'x-lark-signature': _drop, ...unsigned } = good.headers;
    expect(verifyLark({ ...good, headers: unsigned }, opts)).toMatchObject({
      ok: false,
      reason: 'signature',
    });
    const tampered = { ...good, rawBody: good.rawBody.replace('{"encrypt":"', '{"encrypt": "') };
    expect(verifyLark(tampered, opts)).toMatchObject({ ok: false, reason: 'signature' });
  });

  it('rejects a stale or future timestamp with reason timestamp (5 min default, configurable)', () => {
    const stale = signedRequest(fixture('im_message_p2p_text.json'), { ts: String(Number(TS) - 301) });
    expect(verifyLark(stale, opts)).toMatchObject({ ok: false, reason: 'timestamp' });
    const future = signedRequest(fixture('im_message_p2p_text.json'), { ts: String(Number(TS) + 400) });
    expect(verifyLark(future, opts)).toMatchObject({ ok: false, reason: 'timestamp' });
    expect(verifyLark(stale, { ...opts, toleranceMs: 10 * 60 * 1000 }).ok).toBe(true);
  });

  it('rejects a wrong verification token with reason token', () => {
    const req = signedRequest(fixture('im_message_p2p_text.json'));
    expect(verifyLark(req, { ...opts, verificationToken: 'other-token' })).toMatchObject({
      ok: false,
      reason: 'token',
    });
  });

  it('checks the token of plain (unencrypted) bodies from header.token or top-level token', () => {
    const plain = { headers: {}, rawBody: fixture('card_action_trigger.json'), nowMs: NOW };
    expect(verifyLark(plain, { verificationToken: TOKEN }).ok).toBe(true);
    expect(verifyLark(plain, { verificationToken: 'x' })).toMatchObject({ reason: 'token' });
    const challenge = JSON.parse(fixture('url_verification.json'));
    expect(verifyLarkBody(challenge, { verificationToken: challenge.token })).toEqual({ ok: true });
    expect(verifyLarkBody(challenge, { verificationToken: TOKEN })).toMatchObject({ reason: 'token' });
  });

  it('accepts the unsigned, encrypted url_verification challenge when the token matches', () => {
    const body = { challenge: 'ajls384kdjx98XX', token: TOKEN, type: 'url_verification' };
    const rawBody = JSON.stringify({ encrypt: encryptLarkPayload(JSON.stringify(body), ENCRYPT_KEY) });
    const verified = verifyLark({ headers: {}, rawBody, nowMs: NOW }, opts);
    expect(verified.ok && parseLark(verified.body, NOW)).toEqual({ challenge: 'ajls384kdjx98XX' });
  });

  it('reports malformed bodies without throwing', () => {
    const m = (rawBody: string, o: object = opts) => verifyLark({ headers: {}, rawBody, nowMs: NOW }, o);
    expect(m('{"schema":')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(m('[1,2]')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(m('{"encrypt":"bm90IGVuY3J5cHRlZA=="}')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(m('{"encrypt":"abc"}', {})).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
