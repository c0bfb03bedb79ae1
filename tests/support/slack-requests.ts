/**
 * Requests as Slack sends them, for end-to-end tests that drive the real Bolt app through our
 * route: signed headers (v0 HMAC-SHA256 over `v0:timestamp:body`), Events API envelopes, and
 * block_actions payloads for a press of one of our buttons on a message the stand-in holds.
 */
import { createHmac } from 'node:crypto';
import type { SlackApiStandIn } from './slack-api-stand-in.ts';

/** The bot the stand-ins answer as (SlackApiStandIn's constructor takes it). */
export const SLACK_BOT = { botUserId: 'U0HELPLINE', botId: 'B0HELPLINE', teamId: 'T0ACME' };

type SlackMessage = SlackApiStandIn['messages'][number];

let seq = 0;

/** A fresh message timestamp (`seconds.micro`), unique within the run. */
export function slackTs(): string {
  return `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
}

/** Headers that pass Slack's request verification for `raw` signed with `secret`. */
export function slackSigned(raw: string, contentType: string, secret: string): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', secret).update(`v0:${ts}:${raw}`).digest('hex');
  return { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${sig}` };
}

/** An Events API `event_callback` envelope around `event`. */
export function slackEventBody(event: Record<string, unknown>, eventId = `Ev${++seq}`) {
  return {
    event: { event_ts: event.ts, ...event } as Record<string, unknown>,
    token: 'legacy',
    team_id: SLACK_BOT.teamId,
    api_app_id: 'A0HELPLINE',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: SLACK_BOT.teamId, user_id: SLACK_BOT.botUserId, is_bot: true }],
  };
}

/** A press of our button `actionId` on `msg` by `user`, as Slack posts it (block_actions). */
export function slackPress(msg: SlackMessage, actionId: string, user: string) {
  const buttons = (
    (msg.blocks ?? []) as Array<{ type: string; block_id?: string; elements?: Array<Record<string, string>> }>
  )
    .filter((b) => b.type === 'actions')
    .flatMap((b) =>
      (b.elements ?? []).map((e) => ({ ...e, block_id: b.block_id ?? 'actions' }) as Record<string, string>),
    );
  const button = buttons.find((e) => String(e.action_id).split('#')[0] === actionId);
  if (!button) throw new Error(`no ${actionId} button on ${msg.ts}: ${buttons.map((b) => b.action_id)}`);
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), team_id: SLACK_BOT.teamId },
    api_app_id: 'A0HELPLINE',
    token: 'legacy',
    container: {
      type: 'message',
      message_ts: msg.ts,
      channel_id: msg.channel,
      is_ephemeral: false,
      ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
    },
    trigger_id: `${++seq}.1.abcdef`,
    team: { id: SLACK_BOT.teamId, domain: 'acme' },
    channel: { id: msg.channel, name: 'x' },
    message: {
      type: 'message',
      user: SLACK_BOT.botUserId,
      bot_id: SLACK_BOT.botId,
      text: msg.text,
      ts: msg.ts,
      ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
      blocks: msg.blocks,
    },
    actions: [
      {
        action_id: button.action_id,
        block_id: button.block_id,
        value: button.value,
        type: 'button',
        action_ts: slackTs(),
      },
    ],
  };
}
