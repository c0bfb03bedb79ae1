/**
 * Slash commands (`/helpline help|status|escalate …`, form-encoded fields) → a parsed command, and
 * the help/status subcommands → normalized action events. `escalate` has no event: it opens the
 * payroll modal right in the handler, because its trigger id lasts three seconds.
 */

import type { InboundEvent, ParseResult } from '../../src/inbound/ports.ts';
import { ignored, malformed } from './parse-util.ts';

export type SlackCommandName = 'help' | 'status' | 'escalate';

export interface SlackCommand {
  name: SlackCommandName;
  /** Text after the subcommand. */
  args: string;
  /** The subcommand typed when it was not one we know (answered with help). */
  unknown?: string;
  /** For views.open (valid for 3 seconds). */
  triggerId: string;
  responseUrl?: string;
  tenant: string;
  chat: string;
  chatType: 'dm' | 'group';
  user: string;
}

const SUBCOMMANDS: readonly SlackCommandName[] = ['help', 'status', 'escalate'];

export function parseCommand(
  form: URLSearchParams,
  expected: string,
): ParseResult | { command: SlackCommand } {
  const command = form.get('command') ?? '';
  if (command !== expected) return ignored(`unknown slash command ${command}`);
  const user = form.get('user_id');
  const tenant = form.get('team_id');
  const chat = form.get('channel_id');
  const triggerId = form.get('trigger_id');
  if (!user || !tenant || !chat || !triggerId)
    return malformed('slash command without user_id, team_id, channel_id or trigger_id');
  const text = (form.get('text') ?? '').trim();
  const [first = '', ...rest] = text.split(/\s+/);
  const word = first.toLowerCase();
  const known = SUBCOMMANDS.find((s) => s === word);
  const result: SlackCommand = {
    name: known ?? 'help',
    args: known ? rest.join(' ') : '',
    triggerId,
    tenant,
    chat,
    chatType: chat.startsWith('D') || form.get('channel_name') === 'directmessage' ? 'dm' : 'group',
    user,
  };
  if (!known && word) result.unknown = first;
  const responseUrl = form.get('response_url');
  if (responseUrl) result.responseUrl = responseUrl;
  return { command: result };
}

/**
 * `help` / `status` as an action event for the core to answer (status goes by DM). The event id is
 * the trigger id, unique per invocation, so a redelivered command is recognised as a duplicate.
 */
export function commandEvent(cmd: SlackCommand, nowMs: number): InboundEvent {
  const value: Record<string, string> = {};
  if (cmd.args) value.args = cmd.args;
  if (cmd.unknown) value.unknown = cmd.unknown;
  const event: InboundEvent = {
    platform: 'slack',
    tenant: cmd.tenant,
    chat: cmd.chat,
    chatType: cmd.chatType,
    messageId: cmd.triggerId,
    user: cmd.user,
    text: cmd.args,
    mentions: [],
    addressed: true,
    eventId: `command:${cmd.triggerId}`,
    sentAt: nowMs,
    kind: 'action',
    action: { id: cmd.name },
  };
  if (Object.keys(value).length) event.action!.value = value;
  return event;
}
