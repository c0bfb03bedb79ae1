import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSlack, type SlackParseResult } from '../../../adapters/slack/parse.ts';
import { commandEvent } from '../../../adapters/slack/parse-command.ts';
import type { InboundEvent } from '../../../src/inbound/ports.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const json = (name: string): unknown => JSON.parse(fixture(name));
const now = Date.UTC(2024, 4, 20, 9, 0, 0);
const opts = { botUserId: 'U0LAN0Z89', botId: 'B0LAN0Z90' };

function event(r: SlackParseResult): InboundEvent {
  if (!('ok' in r) || !r.ok) throw new Error(`expected an event, got ${JSON.stringify(r)}`);
  return r.event;
}

describe('parseSlack: Events API', () => {
  it('app_mention: addressed, bot mention stripped, other mentions kept', () => {
    const e = event(parseSlack(json('app_mention.json'), now, opts));
    expect(e).toMatchObject({
      platform: 'slack',
      tenant: 'T061EG9R6',
      chat: 'C0LAN2Q65',
      chatType: 'group',
      messageId: '1515449522.000016',
      user: 'U061F7AUR',
      text: 'how many days of annual leave do I get? cc @U0G9QF9C6',
      addressed: true,
      eventId: 'Ev0LAN670R',
      kind: 'message',
      sentAt: 1515449522000,
    });
    expect(e.thread).toBeUndefined();
    expect(e.mentions).toEqual([{ id: 'U0LAN0Z89', isBot: true }, { id: 'U0G9QF9C6' }]);
  });

  it('message.im: a DM is addressed; entities unescaped; bot user found in authorizations', () => {
    const e = event(parseSlack(json('message_im.json'), now, {}));
    expect(e).toMatchObject({
      chat: 'D0PNCRP9N',
      chatType: 'dm',
      addressed: true,
      text: '我的工资条在哪里看 & 什么时候发？',
      eventId: 'Ev0PV52K25',
    });
  });

  it('accepts the raw JSON string too', () => {
    expect(event(parseSlack(fixture('app_mention.json'), now, opts)).eventId).toBe('Ev0LAN670R');
  });

  it('ignores bot messages and our own messages', () => {
    expect(parseSlack(json('bot_message.json'), now, opts)).toMatchObject({ ok: false, ignore: true });
    expect(parseSlack(json('own_message.json'), now, opts)).toEqual({
      ok: false,
      ignore: true,
      reason: 'our own message',
    });
    const withBotId = json('message_im.json') as { event: Record<string, unknown> };
    withBotId.event.bot_id = 'B0LAN0Z90';
    expect(parseSlack(withBotId, now, opts)).toMatchObject({ ok: false, ignore: true });
  });

  it('ignores subtypes other than thread_broadcast, and unsupported events', () => {
    const edited = json('message_im.json') as { event: Record<string, unknown> };
    edited.event.subtype = 'message_changed';
    expect(parseSlack(edited, now, opts)).toMatchObject({
      ok: false,
      ignore: true,
      reason: 'message subtype message_changed',
    });
    const broadcast = json('thread_reply.json') as { event: Record<string, unknown> };
    broadcast.event.subtype = 'thread_broadcast';
    expect(event(parseSlack(broadcast, now, opts)).thread).toBe('1525215129.000001');
    const reaction = json('app_mention.json') as { event: Record<string, unknown> };
    reaction.event = { type: 'reaction_added', user: 'U1', reaction: 'thumbsup', event_ts: '1.2' };
    expect(parseSlack(reaction, now, opts)).toMatchObject({ ok: false, ignore: true });
  });

  it('thread reply in a channel: not addressed, the relay decides; links readable', () => {
    const e = event(parseSlack(json('thread_reply.json'), now, opts));
    expect(e).toMatchObject({
      chatType: 'group',
      addressed: false,
      thread: '1525215129.000001',
      user: 'U0G9QF9C6',
    });
    expect(e.text).toBe(
      'I reset your VPN token, please try again here (https://vpn.example.com/help?a=1&b=2)',
    );
  });

  it('top-level channel chatter is ignored; a channel message mentioning the bot defers to app_mention', () => {
    const top = json('thread_reply.json') as { event: Record<string, unknown> };
    delete top.event.thread_ts;
    expect(parseSlack(top, now, opts)).toMatchObject({ ok: false, ignore: true });
    top.event.text = '<@U0LAN0Z89> hi';
    expect(parseSlack(top, now, opts)).toMatchObject({ ok: false, ignore: true });
  });

  it('url_verification answers the challenge', () => {
    expect(parseSlack(json('url_verification.json'), now, opts)).toEqual({
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
  });

  it('malformed payloads are reported, never thrown', () => {
    for (const bad of [null, 42, 'not json {', '{"type":', [], {}, { type: 'url_verification' }]) {
      expect(parseSlack(bad, now, opts)).toMatchObject({ ok: false, ignore: false });
    }
    const base = json('app_mention.json') as Record<string, unknown>;
    for (const [k, v] of [
      ['event_id', undefined],
      ['team_id', 7],
      ['event_time', '1515449522'],
      ['event', 'x'],
      ['authed_users', []],
      ['authed_users', ['U1', 'U1']],
    ] as const) {
      const copy = structuredClone(base);
      if (v === undefined) delete copy[k];
      else copy[k] = v;
      const r = parseSlack(copy, now, opts);
      expect(r, k).toMatchObject({ ok: false, ignore: false });
    }
    const noTs = structuredClone(base) as { event: Record<string, unknown> };
    delete noTs.event.event_ts;
    expect(parseSlack(noTs, now, opts)).toMatchObject({
      ok: false,
      ignore: false,
      reason: 'event envelope: event.event_ts must be a string',
    });
    const noUser = structuredClone(base) as { event: Record<string, unknown> };
    delete noUser.event.user;
    expect(parseSlack(noUser, now, opts)).toMatchObject({ ok: false, ignore: false });
  });
});

describe('parseSlack: interactivity (form-encoded payload=)', () => {
  const form = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

  it('block_actions → action with our id and the JSON value', () => {
    const e = event(parseSlack(form(json('block_actions.json')), now, opts));
    expect(e).toMatchObject({
      kind: 'action',
      chat: 'C0LAN2Q65',
      user: 'U061F7AUR',
      tenant: 'T061EG9R6',
      thread: '1515449522.000016',
      messageId: '1525215140.000050',
      eventId: 'block_actions:12466734323.1395872398.ee8a7c9f1c1b4f0ab2a0c7d1e5f6a7b8',
      action: {
        id: 'feedback_down',
        value: { key: 'reply:1515449522.000016', answer: 'a1' },
        messageRef: 'C0LAN2Q65:1525215140.000050',
      },
    });
  });

  it('block_actions strips our uniqueness suffix and keeps a non-JSON value as {value}', () => {
    const p = json('block_actions.json') as { actions: Array<Record<string, unknown>> };
    p.actions[0].action_id = 'rate#3';
    p.actions[0].value = '3';
    expect(event(parseSlack(form(p), now, opts)).action).toMatchObject({ id: 'rate', value: { value: '3' } });
    p.actions = [];
    expect(parseSlack(form(p), now, opts)).toMatchObject({ ok: false, ignore: false });
  });

  it('view_submission → form_submit with flattened fields and private_metadata', () => {
    const e = event(parseSlack(form(json('view_submission.json')), now, opts));
    expect(e).toMatchObject({
      kind: 'action',
      chat: 'C0LAN2Q65',
      chatType: 'group',
      thread: '1515449522.000016',
      user: 'U0HRADMIN',
      action: {
        id: 'form_submit',
        form: {
          period: '2024-05',
          affected: '37',
          discrepancy: 'underpaid',
          description: 'Overtime missing for the night shift',
        },
        value: { form: 'payroll_escalation', channel: 'C0LAN2Q65', thread: '1515449522.000016' },
      },
    });
    expect(e.action?.form).not.toHaveProperty('note');
  });

  it('view_submission of our modal: the answer goes to the submitter by DM, the origin kept in value', () => {
    const p = json('view_submission.json') as { view: Record<string, unknown> };
    p.view.callback_id = 'helpline_form';
    p.view.private_metadata = JSON.stringify({
      form: 'payroll_anomaly',
      channel: 'C0LAN2Q65',
      user: 'U0HRADMIN',
      lang: 'en',
      thread: '1515449522.000016',
    });
    const e = event(parseSlack(p, now, opts));
    expect(e).toMatchObject({
      chat: 'U0HRADMIN',
      chatType: 'dm',
      action: {
        id: 'form_submit',
        value: { form: 'payroll_anomaly', channel: 'C0LAN2Q65', thread: '1515449522.000016', lang: 'en' },
        form: { period: '2024-05', affected: '37' },
      },
    });
    // The thread belongs to the channel, not to the DM.
    expect(e.thread).toBeUndefined();
    // Opened in a DM with the bot: answered in that DM, in the thread.
    p.view.private_metadata = JSON.stringify({
      form: 'payroll_anomaly',
      channel: 'D0PNCRP9N',
      thread: '1.2',
    });
    expect(event(parseSlack(p, now, opts))).toMatchObject({
      chat: 'D0PNCRP9N',
      chatType: 'dm',
      thread: '1.2',
    });
  });

  it('block_actions in a thread: thread is the root, messageRef the message the button is on', () => {
    const p = json('block_actions.json') as Record<string, unknown> & { container: Record<string, unknown> };
    delete p.container.thread_ts;
    // Without container.thread_ts the message's own thread_ts is used; without both, the message ts.
    expect(event(parseSlack(p, now, opts)).thread).toBe('1515449522.000016');
    delete (p.message as Record<string, unknown>).thread_ts;
    expect(event(parseSlack(p, now, opts))).toMatchObject({
      thread: '1525215140.000050',
      action: { messageRef: 'C0LAN2Q65:1525215140.000050' },
    });
  });

  it('message shortcut escalate_to_l2 → escalate_message with the message text, ts, thread and author', () => {
    const e = event(parseSlack(form(json('message_action.json')), now, opts));
    expect(e).toMatchObject({
      kind: 'action',
      chat: 'C0LAN2Q65',
      chatType: 'group',
      user: 'U0HRADMIN',
      thread: '1515449522.000016',
      messageId: '1525215129.000001',
      eventId: 'message_action:13345224609.8534564800.6f8ab1f53e13d0cd15f96106292d5536',
      action: {
        id: 'escalate_message',
        value: {
          text: 'VPN keeps dropping every 5 minutes since this morning',
          ts: '1525215129.000001',
          thread: '1515449522.000016',
          author: 'U061F7AUR',
        },
        messageRef: 'C0LAN2Q65:1525215129.000001',
      },
    });
    const top = json('message_action.json') as { message: Record<string, unknown>; callback_id: string };
    delete top.message.thread_ts;
    expect(event(parseSlack(top, now, opts)).action?.value?.thread).toBe('1525215129.000001');
    top.callback_id = 'something_else';
    expect(parseSlack(top, now, opts)).toMatchObject({ ok: false, ignore: true });
  });

  it('global shortcuts and other interaction types are ignored, not misread', () => {
    expect(
      parseSlack({ type: 'shortcut', callback_id: 'x', team: { id: 'T1' }, user: { id: 'U1' } }, now, opts),
    ).toMatchObject({ ok: false, ignore: true });
  });

  it('a broken payload= is malformed', () => {
    expect(parseSlack('payload=%7Bnope', now, opts)).toMatchObject({ ok: false, ignore: false });
  });
});

describe('parseSlack: slash commands', () => {
  it('/helpline escalate → command with trigger id', () => {
    expect(parseSlack(fixture('slash_command.txt'), now, opts)).toEqual({
      command: {
        name: 'escalate',
        args: 'May payroll',
        triggerId: '13345224609.738474920.8088930838d88f008e0',
        responseUrl: 'https://hooks.slack.com/commands/T061EG9R6/1234/abcd',
        tenant: 'T061EG9R6',
        chat: 'C0LAN2Q65',
        chatType: 'group',
        user: 'U0HRADMIN',
      },
    });
  });

  it('empty or unknown subcommands become help; other commands are ignored', () => {
    const base = new URLSearchParams(fixture('slash_command.txt'));
    base.set('text', '');
    expect(parseSlack(base.toString(), now, opts)).toMatchObject({ command: { name: 'help', args: '' } });
    base.set('text', 'STATUS HL-1042');
    expect(parseSlack(base.toString(), now, opts)).toMatchObject({
      command: { name: 'status', args: 'HL-1042' },
    });
    base.set('text', 'dance');
    expect(parseSlack(base.toString(), now, opts)).toMatchObject({
      command: { name: 'help', unknown: 'dance' },
    });
    base.set('command', '/other');
    expect(parseSlack(base.toString(), now, opts)).toMatchObject({ ok: false, ignore: true });
    base.set('command', '/helpline');
    base.delete('trigger_id');
    expect(parseSlack(base.toString(), now, opts)).toMatchObject({ ok: false, ignore: false });
  });

  it('accepts the decoded fields too (Bolt HTTP body, Socket Mode payload)', () => {
    const fields = Object.fromEntries(new URLSearchParams(fixture('slash_command.txt')));
    expect(parseSlack(fields, now, opts)).toMatchObject({ command: { name: 'escalate', user: 'U0HRADMIN' } });
  });

  it('help and status become action events keyed by the trigger id', () => {
    const base = new URLSearchParams(fixture('slash_command.txt'));
    base.set('text', 'status HL-1042');
    const r = parseSlack(base.toString(), now, opts);
    if (!('command' in r)) throw new Error('expected a command');
    expect(commandEvent(r.command, now)).toEqual({
      platform: 'slack',
      tenant: 'T061EG9R6',
      chat: 'C0LAN2Q65',
      chatType: 'group',
      messageId: '13345224609.738474920.8088930838d88f008e0',
      user: 'U0HRADMIN',
      text: 'HL-1042',
      mentions: [],
      addressed: true,
      eventId: 'command:13345224609.738474920.8088930838d88f008e0',
      sentAt: now,
      kind: 'action',
      action: { id: 'status', value: { args: 'HL-1042' } },
    });
    base.set('text', 'dance');
    const help = parseSlack(base.toString(), now, opts);
    if (!('command' in help)) throw new Error('expected a command');
    expect(commandEvent(help.command, now).action).toEqual({ id: 'help', value: { unknown: 'dance' } });
  });
});
