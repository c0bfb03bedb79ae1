/**
 * The ChatAdapter contract (adapters/types.ts): every platform adapter runs these cases with its own
 * recorded payloads. verify and parse are pure functions of their input and the clock passed in;
 * render turns the one platform-neutral reply into something the platform's API takes.
 */
import { expect, it } from 'vitest';
import type { ChatAdapter, VerifyInput } from '../../adapters/types.ts';
import type { OutboundBody } from '../../src/delivery/types.ts';

export interface AdapterCase {
  adapter: ChatAdapter;
  /** "Now" for the recorded payloads (ms). */
  nowMs: number;
  /** A request as the platform sends it, signed correctly for `nowMs` over `rawBody`. */
  signed(rawBody: string, nowMs: number): VerifyInput;
  /** Raw body of a recorded webhook request. */
  rawBody: string;
  /** A message addressed to the bot (as `parse` takes it). */
  message: unknown;
  /** A button press on one of our messages. */
  action: unknown;
  /** Valid but not for us: our own message or another bot's. */
  foreign: unknown;
}

const REPLY: OutboundBody = {
  text: 'Submit annual leave in the HR portal under Leave › New request [1].',
  citations: [
    { n: 1, source: 'kb/leave.md', title: 'Annual leave', heading: 'How to apply', url: 'https://kb/leave' },
  ],
  buttons: [
    { action: 'feedback_up', label: '👍' },
    { action: 'feedback_down', label: '👎' },
    { action: 'handoff', label: '🙋 Talk to a human' },
  ],
  lang: 'en',
  action: 'answered',
};

export function chatAdapterContract(make: () => AdapterCase): void {
  it('verify accepts a correctly signed request', () => {
    const c = make();
    expect(c.adapter.verify(c.signed(c.rawBody, c.nowMs))).toEqual({ ok: true });
  });

  it('verify refuses a changed body (signature) and an old request (timestamp), with a message', () => {
    const c = make();
    const good = c.signed(c.rawBody, c.nowMs);
    const tampered = c.adapter.verify({ ...good, rawBody: c.rawBody.replace(/.$/, ' }') });
    expect(tampered).toMatchObject({ ok: false, reason: 'signature' });
    const stale = c.adapter.verify({ ...good, nowMs: c.nowMs + 10 * 60_000 });
    expect(stale).toMatchObject({ ok: false, reason: 'timestamp' });
    if (!stale.ok) expect(stale.message.length).toBeGreaterThan(10);
  });

  it('verify refuses a request without the platform headers', () => {
    const c = make();
    const r = c.adapter.verify({ headers: {}, rawBody: c.rawBody, nowMs: c.nowMs });
    expect(r.ok).toBe(false);
  });

  it('parse normalizes a message addressed to the bot', () => {
    const c = make();
    const r = c.adapter.parse(c.message, c.nowMs);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const e = r.event;
    expect(e.platform).toBe(c.adapter.platform);
    expect(e.kind).toBe('message');
    expect(e.addressed).toBe(true);
    for (const field of [e.chat, e.messageId, e.user, e.eventId]) expect(field).toMatch(/\S/);
    expect(e.text.trim()).not.toBe('');
    expect(Array.isArray(e.mentions)).toBe(true);
    expect(['dm', 'group']).toContain(e.chatType);
    if (e.sentAt !== undefined) expect(Number.isFinite(e.sentAt)).toBe(true);
  });

  it('parse normalizes a button press with its action id and value', () => {
    const c = make();
    const r = c.adapter.parse(c.action, c.nowMs);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.kind).toBe('action');
    expect(r.event.action?.id).toMatch(/\S/);
    expect(r.event.eventId).toMatch(/\S/);
    expect(r.event.chat).toMatch(/\S/);
  });

  it('parse ignores what is not for us, with a reason', () => {
    const c = make();
    const r = c.adapter.parse(c.foreign, c.nowMs);
    expect(r).toMatchObject({ ok: false, ignore: true });
    if (!r.ok) expect(r.reason).toMatch(/\S/);
  });

  it('parse reports malformed payloads without throwing', () => {
    const c = make();
    for (const bad of [null, undefined, 42, 'not json', [], {}, { event: 'x' }, { type: 'event_callback' }]) {
      const r = c.adapter.parse(bad, c.nowMs);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/\S/);
    }
  });

  it('parse is pure: same input, same output, input untouched', () => {
    const c = make();
    const copy = structuredClone(c.message);
    const a = c.adapter.parse(c.message, c.nowMs);
    const b = c.adapter.parse(c.message, c.nowMs);
    expect(a).toEqual(b);
    expect(c.message).toEqual(copy);
  });

  it('render keeps the text, the citations and every button', () => {
    const c = make();
    for (const lang of ['en', 'zh'] as const) {
      const out = JSON.stringify(
        c.adapter.render({ ...REPLY, lang }, { chat: 'C1', thread: 't1', key: 'reply:m1', lang }),
      );
      expect(out).toContain('HR portal');
      expect(out).toContain('Annual leave');
      for (const b of REPLY.buttons ?? []) expect(out).toContain(b.action);
    }
  });

  it('render shows a ticket with its number and severity', () => {
    const c = make();
    const out = JSON.stringify(
      c.adapter.render(
        {
          text: 'I opened ticket HL-1042.',
          ticket: {
            id: 't',
            number: 'HL-1042',
            severity: 'P1',
            category: 'attendance',
            status: 'waiting_l2',
          },
          lang: 'en',
          action: 'ticket',
        },
        { chat: 'C1', key: 'reply:m2', lang: 'en' },
      ),
    );
    expect(out).toContain('HL-1042');
    expect(out).toContain('P1');
  });
}
