/**
 * Slack payloads → normalized inbound events. Three transports arrive at our endpoints:
 * Events API callbacks (JSON), interactivity (form-encoded `payload=<JSON>`: block_actions,
 * view_submission, message shortcuts) and slash commands (form-encoded fields; Socket Mode delivers
 * the same payloads already decoded). Pure and total: it never throws,
 * imports no SDK and no core module, and takes the clock as a parameter.
 */

import type { InboundEvent, Mention, ParseResult } from '../../src/inbound/ports.ts';
import { parseCommand, type SlackCommand } from './parse-command.ts';
import { parseInteraction } from './parse-interaction.ts';
import { ignored, isObj, malformed, type Obj, slackTsToMs, str } from './parse-util.ts';

export interface SlackParseOptions {
  /** Our bot's user id (U…); its messages are ignored and its mention is stripped. */
  botUserId?: string;
  /** Our bot's bot id (B…); messages carrying it are ours. */
  botId?: string;
  /** @defaultValue '/helpline' */
  command?: string;
}

export type { SlackCommand, SlackCommandName } from './parse-command.ts';

export type SlackParseResult = ParseResult | { challenge: string } | { command: SlackCommand };

const INTERACTIONS = new Set(['block_actions', 'view_submission', 'message_action', 'shortcut']);

export function parseSlack(body: unknown, nowMs: number, opts: SlackParseOptions = {}): SlackParseResult {
  try {
    return parseAny(body, nowMs, opts);
  } catch (err) {
    return malformed(`unparseable Slack payload: ${(err as Error).message}`);
  }
}

function parseAny(body: unknown, nowMs: number, opts: SlackParseOptions): SlackParseResult {
  if (typeof body === 'string') {
    const text = body.trim();
    if (text.startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return malformed('body is not valid JSON');
      }
      return parseAny(json, nowMs, opts);
    }
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    if (payload !== null) {
      let json: unknown;
      try {
        json = JSON.parse(payload);
      } catch {
        return malformed('interactivity payload= is not valid JSON');
      }
      return isObj(json)
        ? parseInteraction(json, nowMs)
        : malformed('interactivity payload is not an object');
    }
    if (form.has('command')) return parseCommand(form, opts.command ?? '/helpline');
    return malformed('body is neither JSON, an interactivity payload nor a slash command');
  }
  if (!isObj(body)) return malformed('body is not an object');
  // A slash command already decoded into fields (Bolt's HTTP body, a Socket Mode payload).
  if (body.type === undefined && typeof body.command === 'string')
    return parseCommand(fieldsOf(body), opts.command ?? '/helpline');
  if (body.type === 'url_verification') {
    const challenge = str(body.challenge);
    return challenge ? { challenge } : malformed('url_verification without a challenge');
  }
  if (body.type === 'event_callback') return parseEventCallback(body, opts);
  if (INTERACTIONS.has(body.type as string)) return parseInteraction(body, nowMs);
  if (typeof body.type === 'string') return ignored(`unsupported payload type ${body.type}`);
  return malformed('payload has no type');
}

// ---- Events API ----------------------------------------------------------------------------

/** The required fields of slack_common_event_wrapper_schema.json, checked by hand. */
function envelopeProblem(b: Obj): string | undefined {
  for (const k of ['token', 'team_id', 'api_app_id', 'type', 'event_id'] as const) {
    if (typeof b[k] !== 'string') return `event envelope: ${k} must be a string`;
  }
  if (!Number.isInteger(b.event_time)) return 'event envelope: event_time must be an integer';
  if (!isObj(b.event)) return 'event envelope: event must be an object';
  if (typeof b.event.type !== 'string') return 'event envelope: event.type must be a string';
  if (typeof b.event.event_ts !== 'string') return 'event envelope: event.event_ts must be a string';
  // The schema requires authed_users (non-empty, unique strings). Slack has since replaced it with
  // `authorizations` for new apps, so either one is accepted; whichever is present must be well formed.
  if (b.authed_users !== undefined) {
    const u = b.authed_users;
    if (
      !Array.isArray(u) ||
      u.length < 1 ||
      !u.every((x) => typeof x === 'string') ||
      new Set(u).size !== u.length
    )
      return 'event envelope: authed_users must be a non-empty array of unique strings';
  } else if (!Array.isArray(b.authorizations) || b.authorizations.length < 1) {
    return 'event envelope: authed_users (or authorizations) is required';
  }
  return undefined;
}

function parseEventCallback(b: Obj, opts: SlackParseOptions): ParseResult {
  const problem = envelopeProblem(b);
  if (problem) return malformed(problem);
  const ev = b.event as Obj;
  const tenant = b.team_id as string;
  const eventId = b.event_id as string;
  const botUserId = opts.botUserId ?? authorizedBotUser(b);
  const type = ev.type as string;
  if (type !== 'app_mention' && type !== 'message') return ignored(`unsupported event type ${type}`);

  const subtype = str(ev.subtype);
  if (subtype === 'bot_message' || ev.bot_id !== undefined || ev.bot_profile !== undefined)
    return ignored('message from a bot');
  if (subtype !== undefined && subtype !== 'thread_broadcast') return ignored(`message subtype ${subtype}`);

  const user = str(ev.user);
  const channel = str(ev.channel);
  const ts = str(ev.ts);
  if (!user || !channel || !ts) return malformed(`${type} event without user, channel or ts`);
  if (botUserId && user === botUserId) return ignored('our own message');
  if (opts.botId && ev.bot_id === opts.botId) return ignored('our own message');
  const rawText = typeof ev.text === 'string' ? ev.text : '';
  const threadTs = str(ev.thread_ts);
  const thread = threadTs && threadTs !== ts ? threadTs : undefined;
  const mentions = mentionsIn(rawText, botUserId);
  const mentionsBot = mentions.some((m) => m.isBot);

  let chatType: 'dm' | 'group';
  let addressed: boolean;
  if (type === 'app_mention') {
    chatType = channel.startsWith('D') ? 'dm' : 'group';
    addressed = true;
  } else {
    const channelType = str(ev.channel_type);
    if (channelType === 'im') {
      chatType = 'dm';
      addressed = true;
    } else {
      chatType = 'group';
      // Slack also sends app_mention for these; that copy is the one we act on.
      if (mentionsBot) return ignored('channel message mentioning the bot (handled as app_mention)');
      // A reply in a thread may belong to a bridged ticket thread: the relay decides.
      if (!thread) return ignored('top-level channel message not addressed to the bot');
      addressed = false;
    }
  }

  const event: InboundEvent = {
    platform: 'slack',
    tenant,
    chat: channel,
    chatType,
    messageId: ts,
    user,
    text: plainText(rawText, botUserId),
    mentions,
    addressed,
    eventId,
    kind: 'message',
  };
  if (thread) event.thread = thread;
  const sentAt = slackTsToMs(ts);
  if (sentAt !== undefined) event.sentAt = sentAt;
  return { ok: true, event };
}

function authorizedBotUser(b: Obj): string | undefined {
  if (!Array.isArray(b.authorizations)) return undefined;
  for (const a of b.authorizations)
    if (isObj(a) && a.is_bot === true && typeof a.user_id === 'string') return a.user_id;
  return undefined;
}

const MENTION = /<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g;

function mentionsIn(text: string, botUserId: string | undefined): Mention[] {
  const seen = new Map<string, Mention>();
  for (const m of text.matchAll(MENTION)) {
    const id = m[1];
    if (seen.has(id)) continue;
    const mention: Mention = { id };
    if (m[2]) mention.name = m[2];
    if (botUserId && id === botUserId) mention.isBot = true;
    seen.set(id, mention);
  }
  return [...seen.values()];
}

/** Slack's mrkdwn as a person reads it: bot mention removed, other mentions, channels and links readable. */
function plainText(text: string, botUserId: string | undefined): string {
  return text
    .replace(MENTION, (_all, id: string, name?: string) =>
      botUserId && id === botUserId ? '' : `@${name || id}`,
    )
    .replace(/<#([CG][A-Z0-9]+)(?:\|([^>]*))?>/g, (_a, id: string, name?: string) => `#${name || id}`)
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_a, name?: string) => name || '@group')
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

function fieldsOf(body: Obj): URLSearchParams {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form.set(k, v);
  return form;
}
