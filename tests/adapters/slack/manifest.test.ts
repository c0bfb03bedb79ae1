/**
 * adapters/slack/manifest.yaml against the code: the bot scopes cover every Web API method the
 * Slack adapter calls (found by reading its sources), the events are the ones parse handles, and
 * the command, shortcut and request URLs are the ones the code listens on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { SLACK_EVENTS_PATH } from '../../../adapters/slack/http-receiver.ts';
import { ESCALATE_SHORTCUT } from '../../../adapters/slack/parse-interaction.ts';

const dir = new URL('../../../adapters/slack/', import.meta.url);
const manifest = parseYaml(readFileSync(new URL('manifest.yaml', dir), 'utf8')) as {
  features: {
    bot_user: { display_name: string };
    slash_commands: Array<{ command: string; url: string; usage_hint: string }>;
    shortcuts: Array<{ type: string; callback_id: string }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
};

/** Bot scopes each Web API method needs (api.slack.com/methods/<method>, "Required scopes"). */
const SCOPES_BY_METHOD: Record<string, string[][]> = {
  'auth.test': [],
  'chat.postMessage': [['chat:write']],
  'chat.update': [['chat:write']],
  // One history scope per conversation type we read: public, private, DM.
  'conversations.history': [['channels:history'], ['groups:history'], ['im:history']],
  'conversations.replies': [['channels:history'], ['groups:history'], ['im:history']],
  'conversations.open': [['im:write']],
  'users.info': [['users:read']],
  'views.open': [],
};

function methodsCalled(): Set<string> {
  const found = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const src = readFileSync(new URL(file, dir), 'utf8');
    for (const m of src.matchAll(/\.(auth|chat|conversations|users|views|apps)\.(\w+)\(/g))
      found.add(`${m[1]}.${m[2]}`);
  }
  return found;
}

describe('Slack app manifest', () => {
  const scopes = new Set(manifest.oauth_config.scopes.bot);

  it('asks for every scope the calls in adapters/slack need', () => {
    const methods = methodsCalled();
    expect([...methods].sort()).toEqual(Object.keys(SCOPES_BY_METHOD).sort());
    for (const method of methods)
      for (const anyOf of SCOPES_BY_METHOD[method])
        expect(
          anyOf.some((s) => scopes.has(s)),
          `${method} needs one of ${anyOf.join(', ')}`,
        ).toBe(true);
    // Events and the command need theirs too.
    for (const s of ['app_mentions:read', 'im:history', 'channels:history', 'groups:history', 'commands'])
      expect(scopes.has(s), s).toBe(true);
  });

  it('subscribes to the events parseSlack handles', () => {
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(
      ['app_mention', 'message.channels', 'message.groups', 'message.im'].sort(),
    );
  });

  it('declares /helpline and the escalate_to_l2 message shortcut the listeners answer', () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({
        command: '/helpline',
        usage_hint: expect.stringMatching(/help.*status.*escalate/),
      }),
    ]);
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ type: 'message', callback_id: ESCALATE_SHORTCUT }),
    ]);
  });

  it('points every request URL at POST /slack/events, with Socket Mode off by default', () => {
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...manifest.features.slash_commands.map((c) => c.url),
    ];
    for (const url of urls) expect(url).toBe(`https://YOUR_HOST${SLACK_EVENTS_PATH}`);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });
});
