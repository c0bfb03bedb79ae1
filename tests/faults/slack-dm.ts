/**
 * A Slack DM to the bot as the Events API wraps it (event_callback), for the fault tests that drive a
 * real `helpline serve` over HTTP; signed with tests/adapters/slack/harness.ts's signedHeaders.
 */
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
