/**
 * Chat events as the platforms send them, for the fault tests that drive real processes over HTTP: a
 * Slack DM (signed with tests/adapters/slack/harness.ts's signedHeaders) and a Lark DM (encrypted and
 * signed with tests/adapters/lark/helpers.ts's larkRequest).
 */

/** A Slack DM to the bot as the Events API wraps it (event_callback). */
export interface SlackBot {
  botUserId: string;
  teamId: string;
}

export function slackDm(bot: SlackBot, i: number, opts: { text: string; ts: string; eventId: string }) {
  return {
    token: 'legacy',
    team_id: bot.teamId,
    api_app_id: 'A0HELPLINE',
    type: 'event_callback',
    event_id: opts.eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: bot.teamId, user_id: bot.botUserId, is_bot: true }],
    event: {
      type: 'message',
      user: `U0EMP${i}`,
      text: opts.text,
      ts: opts.ts,
      event_ts: opts.ts,
      channel: `D0EMP${i}`,
      channel_type: 'im',
    },
  };
}

/** A Lark DM to the bot as `im.message.receive_v1` (schema 2.0), before encryption and signing. */
export function larkDm(
  i: number,
  opts: { text: string; messageId: string; eventId: string; token: string; appId: string; tenant: string },
) {
  return {
    schema: '2.0',
    header: {
      event_id: opts.eventId,
      event_type: 'im.message.receive_v1',
      create_time: String(Date.now()),
      token: opts.token,
      app_id: opts.appId,
      tenant_key: opts.tenant,
    },
    event: {
      sender: { sender_id: { open_id: `ou_emp_${i}` }, sender_type: 'user', tenant_key: opts.tenant },
      message: {
        message_id: opts.messageId,
        create_time: String(Date.now()),
        chat_id: `oc_dm_${i}`,
        chat_type: 'p2p',
        message_type: 'text',
        content: JSON.stringify({ text: opts.text }),
      },
    },
  };
}
