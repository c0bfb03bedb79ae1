/**
 * The ChatChannel contract (src/inbound/ports.ts): every channel production runs — Lark, Slack and
 * the web chat, each built by its own factory and driven through its real routes with the requests
 * its platform sends — passes these cases. A channel verifies and parses, hands the normalized event
 * to `accept` and acks only after; refuses what it cannot trust; never throws on garbage; posts the
 * platform-neutral reply with its deliverer; and never fails on a profile it cannot find.
 */
import { pino } from 'pino';
import { expect, it } from 'vitest';
import type { ChatChannel, OutboundMessage } from '../../src/inbound/ports.ts';
import { createApp } from '../../src/server/app.ts';
import type { Recorder } from './slack/harness.ts';

export interface ChannelRequest {
  path: string;
  init: RequestInit;
}

export interface ChannelCase {
  /** Built by the production factory with `rec.deps`, started. */
  channel: ChatChannel;
  rec: Recorder;
  /** A message addressed to the bot, as the platform sends it. */
  message(): ChannelRequest;
  /** A press of one of our buttons. */
  button(): ChannelRequest;
  /** Valid but not for us (the bot's own message), where the platform has such a thing. */
  foreign?(): ChannelRequest;
  /** The message with its body changed after signing, where the platform signs requests. */
  tampered?(): ChannelRequest;
  /** A request to the channel's inbound path whose body is not even JSON. */
  garbage(): ChannelRequest;
  /** A chat the deliverer may post to. */
  chat: string;
  /** What the platform shows posted in `chat` (message texts or card contents), oldest first. */
  posted(chat: string): Promise<string[]>;
}

const REPLY = 'Submit annual leave in the HR portal under Leave › New request [1].';

export function chatChannelContract(make: () => Promise<ChannelCase>): void {
  // Through the server production runs: its body limits and its error handling.
  const send = async (c: ChannelCase, req: ChannelRequest) =>
    createApp({ channels: [c.channel], logger: pino({ level: 'silent' }) }).request(req.path, req.init);

  it('a message addressed to the bot reaches accept normalized, and only then is it acked', async () => {
    const c = await make();
    let acceptedBeforeAck = false;
    c.rec.onAccept = () => {
      acceptedBeforeAck = true;
    };
    const res = await send(c, c.message());
    expect(res.status).toBeLessThan(300);
    expect(acceptedBeforeAck).toBe(true);
    expect(c.rec.accepted).toHaveLength(1);
    const e = c.rec.accepted[0];
    expect(e.platform).toBe(c.channel.platform);
    expect(e.kind).toBe('message');
    expect(e.addressed).toBe(true);
    for (const field of [e.chat, e.messageId, e.user, e.eventId]) expect(field).toMatch(/\S/);
    expect(e.text.trim()).not.toBe('');
    expect(['dm', 'group']).toContain(e.chatType);
  });

  it('a button press reaches accept as an action with its id', async () => {
    const c = await make();
    const res = await send(c, c.button());
    expect(res.status).toBeLessThan(300);
    expect(c.rec.accepted).toHaveLength(1);
    expect(c.rec.accepted[0].kind).toBe('action');
    expect(c.rec.accepted[0].action?.id).toMatch(/\w/);
  });

  it("the bot's own messages are acked and not accepted", async () => {
    const c = await make();
    if (!c.foreign) return expect(c.channel.platform).toBe('web'); // the web chat has no bots
    const res = await send(c, c.foreign());
    expect(res.status).toBeLessThan(300);
    expect(c.rec.accepted).toEqual([]);
  });

  it('a request changed after signing is refused with 401 and counted', async () => {
    const c = await make();
    if (!c.tampered) return expect(c.channel.platform).toBe('web'); // nothing is signed there
    const res = await send(c, c.tampered());
    expect(res.status).toBe(401);
    expect(c.rec.accepted).toEqual([]);
    expect(c.rec.rejected.map((r) => r.reason)).toContain('signature');
  });

  it('garbage gets a clear 4xx (or an ack), never an exception, and nothing is accepted', async () => {
    const c = await make();
    const res = await send(c, c.garbage());
    expect(res.status).toBeLessThan(500);
    expect(c.rec.accepted).toEqual([]);
  });

  it('when accept cannot queue the event, the channel does not ack it (the platform or user retries)', async () => {
    const c = await make();
    c.rec.failAccept();
    const res = await send(c, c.message());
    expect(res.status).toBeGreaterThanOrEqual(500);
    // Sent again (a platform redelivery, a user's retry), it is taken.
    const again = await send(c, c.message());
    expect(again.status).toBeLessThan(300);
    expect(c.rec.accepted).toHaveLength(1);
  });

  it('the deliverer posts the platform-neutral reply, with its text, where it was asked to', async () => {
    const c = await make();
    const msg: OutboundMessage = {
      key: `reply:contract-${Math.random().toString(36).slice(2)}`,
      platform: c.channel.platform,
      channel: c.chat,
      body: {
        text: REPLY,
        lang: 'en',
        action: 'answered',
        citations: [{ n: 1, source: 'kb/leave.md', title: 'Annual leave', heading: 'How to apply' }],
        buttons: [
          { action: 'feedback_up', label: '👍' },
          { action: 'handoff', label: '🙋 Talk to a human' },
        ],
      },
    };
    const { ref } = await c.channel.deliverer.send(msg);
    expect(ref).toMatch(/\S/);
    expect((await c.posted(c.chat)).some((text) => text.includes('Submit annual leave'))).toBe(true);
  });

  it('profiles answer for anyone, undefined when the platform does not know them, never throwing', async () => {
    const c = await make();
    const profile = await c.channel.profiles.profile('U_NOBODY_KNOWN');
    expect(profile === undefined || typeof profile === 'object').toBe(true);
  });
}
