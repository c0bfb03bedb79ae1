import { describe, expect, it } from 'vitest';
import { larkAdapter } from '../../../adapters/lark/adapter.ts';
import { encryptLarkPayload } from '../../../adapters/lark/decrypt.ts';
import { BOT, ENCRYPT_KEY, fixture, larkRequest, TOKEN } from './helpers.ts';

const NOW = 1_735_689_601_000;

describe('larkAdapter', () => {
  const adapter = larkAdapter({ encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, botOpenId: BOT });

  it('verifies a signed request and rejects a tampered one', () => {
    const req = larkRequest(fixture('im_message_p2p_text.json'), { encryptKey: ENCRYPT_KEY, nowMs: NOW });
    expect(adapter.verify({ headers: req.headers, rawBody: req.body, nowMs: NOW })).toEqual({ ok: true });
    expect(adapter.verify({ headers: req.headers, rawBody: `${req.body} `, nowMs: NOW })).toMatchObject({
      ok: false,
      reason: 'signature',
    });
  });

  it('parses plain and encrypted bodies alike; the challenge is not an event', () => {
    const plain = fixture('im_message_p2p_text.json');
    const encrypted = { encrypt: encryptLarkPayload(JSON.stringify(plain), ENCRYPT_KEY) };
    const a = adapter.parse(plain, NOW);
    expect(a.ok && a.event.text).toBe('年假怎么请？');
    expect(adapter.parse(encrypted, NOW)).toEqual(a);
    expect(adapter.parse(fixture('url_verification.json'), NOW)).toEqual({
      ok: false,
      ignore: true,
      reason: 'url_verification challenge',
    });
    expect(larkAdapter().parse(encrypted, NOW)).toMatchObject({ ok: false, ignore: false });
  });

  it('renders a Lark card', () => {
    const card = adapter.render({ text: 'hi' }, { chat: 'oc_1', key: 'k', lang: 'en' });
    expect(card.header.title.content).toBe('Helpline');
    expect(adapter.platform).toBe('lark');
  });
});
