import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySlack } from '../../../adapters/slack/verify.ts';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const now = Date.UTC(2024, 4, 20, 9, 0, 0);
const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fhelpline&text=help';

function signed(rawBody: string, tsSec: number, key = secret) {
  const sig = `v0=${createHmac('sha256', key).update(`v0:${tsSec}:${rawBody}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(tsSec), 'x-slack-signature': sig };
}

describe('verifySlack', () => {
  const ts = Math.floor(now / 1000);

  it('accepts a correctly signed request', () => {
    expect(
      verifySlack({ headers: signed(body, ts), rawBody: body, nowMs: now }, { signingSecret: secret }),
    ).toEqual({ ok: true });
  });

  it('matches the worked example in Slack docs (known signature)', () => {
    // api.slack.com/authentication/verifying-requests-from-slack: basestring v0:1531420618:<body>
    const docBody =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = {
      'X-Slack-Request-Timestamp': '1531420618',
      'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    };
    expect(
      verifySlack({ headers, rawBody: docBody, nowMs: 1531420618_000 }, { signingSecret: secret }),
    ).toEqual({ ok: true });
  });

  it('rejects a tampered body, a wrong secret and an unknown version', () => {
    const h = signed(body, ts);
    expect(
      verifySlack({ headers: h, rawBody: `${body}x`, nowMs: now }, { signingSecret: secret }),
    ).toMatchObject({ ok: false, reason: 'signature' });
    expect(
      verifySlack(
        { headers: signed(body, ts, 'other'), rawBody: body, nowMs: now },
        { signingSecret: secret },
      ),
    ).toMatchObject({ ok: false, reason: 'signature' });
    const v1 = { ...h, 'x-slack-signature': h['x-slack-signature'].replace('v0=', 'v1=') };
    expect(verifySlack({ headers: v1, rawBody: body, nowMs: now }, { signingSecret: secret })).toMatchObject({
      ok: false,
      reason: 'signature',
    });
    const short = { ...h, 'x-slack-signature': 'v0=abc' };
    expect(
      verifySlack({ headers: short, rawBody: body, nowMs: now }, { signingSecret: secret }),
    ).toMatchObject({ ok: false, reason: 'signature' });
  });

  it('rejects a stale or future timestamp, even when correctly signed', () => {
    const stale = ts - 301;
    expect(
      verifySlack({ headers: signed(body, stale), rawBody: body, nowMs: now }, { signingSecret: secret }),
    ).toMatchObject({ ok: false, reason: 'timestamp' });
    expect(
      verifySlack({ headers: signed(body, ts + 301), rawBody: body, nowMs: now }, { signingSecret: secret }),
    ).toMatchObject({ ok: false, reason: 'timestamp' });
  });

  it('replay window edge: exactly 5 minutes is accepted, one second more is not (injected clock)', () => {
    const h = signed(body, ts);
    const at = (ms: number) =>
      verifySlack({ headers: h, rawBody: body, nowMs: ms }, { signingSecret: secret });
    expect(at(now + 300_000)).toEqual({ ok: true });
    expect(at(now + 300_999)).toEqual({ ok: true }); // same second
    expect(at(now + 301_000)).toMatchObject({ ok: false, reason: 'timestamp' });
    const tight = verifySlack(
      { headers: h, rawBody: body, nowMs: now + 61_000 },
      { signingSecret: secret, toleranceMs: 60_000 },
    );
    expect(tight).toMatchObject({ ok: false, reason: 'timestamp' });
  });

  it('reports missing or garbled headers as malformed', () => {
    const h = signed(body, ts);
    expect(verifySlack({ headers: {}, rawBody: body, nowMs: now }, { signingSecret: secret })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(
      verifySlack(
        { headers: { 'x-slack-signature': h['x-slack-signature'] }, rawBody: body, nowMs: now },
        { signingSecret: secret },
      ),
    ).toMatchObject({ ok: false, reason: 'malformed' });
    expect(
      verifySlack(
        { headers: { 'x-slack-request-timestamp': String(ts) }, rawBody: body, nowMs: now },
        { signingSecret: secret },
      ),
    ).toMatchObject({ ok: false, reason: 'malformed' });
    expect(
      verifySlack(
        { headers: { ...h, 'x-slack-request-timestamp': 'soon' }, rawBody: body, nowMs: now },
        { signingSecret: secret },
      ),
    ).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
