/**
 * Slack interactivity payloads → normalized action events: block_actions (a button on one of our
 * messages), view_submission (our form modal) and the `escalate_to_l2` message shortcut.
 */

import type { InboundAction, InboundEvent, ParseResult } from '../../src/inbound/ports.ts';
import { ignored, isObj, malformed, type Obj, slackTsToMs, str } from './parse-util.ts';

/** callback_id of the message shortcut "Escalate to L2" (manifest.yaml declares it). */
export const ESCALATE_SHORTCUT = 'escalate_to_l2';

// ---- Interactivity -------------------------------------------------------------------------

/** Our renderer makes action_ids unique within a block as `<id>#<n>`; the id is the part before `#`. */
function ourActionId(actionId: string): string {
  const hash = actionId.indexOf('#');
  return hash < 0 ? actionId : actionId.slice(0, hash);
}

function stringRecord(raw: unknown): Record<string, string> | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { value: raw };
  }
  if (!isObj(json)) return { value: raw };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(json)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

export function parseInteraction(p: Obj, nowMs: number): ParseResult {
  const user = isObj(p.user) ? str(p.user.id) : undefined;
  const tenant =
    (isObj(p.team) ? str(p.team.id) : undefined) ?? (isObj(p.user) ? str(p.user.team_id) : undefined);
  const triggerId = str(p.trigger_id);
  if (!user || !tenant) return malformed(`${String(p.type)} payload without user.id or team.id`);
  switch (p.type) {
    case 'block_actions':
      return parseBlockActions(p, user, tenant, triggerId, nowMs);
    case 'view_submission':
      return parseViewSubmission(p, user, tenant, triggerId, nowMs);
    case 'message_action':
      return parseMessageShortcut(p, user, tenant, triggerId, nowMs);
    default:
      return ignored(`unsupported interaction ${String(p.type)}`);
  }
}

function parseBlockActions(
  p: Obj,
  user: string,
  tenant: string,
  triggerId: string | undefined,
  nowMs: number,
): ParseResult {
  if (!Array.isArray(p.actions) || p.actions.length === 0 || !isObj(p.actions[0]))
    return malformed('block_actions payload without actions');
  const a = p.actions[0];
  const actionId = str(a.action_id);
  if (!actionId) return malformed('block_actions action without action_id');
  const container = isObj(p.container) ? p.container : {};
  const message = isObj(p.message) ? p.message : {};
  const chat = (isObj(p.channel) ? str(p.channel.id) : undefined) ?? str(container.channel_id);
  if (!chat) return ignored('block_actions outside a message (no channel)');
  const messageTs = str(container.message_ts) ?? str(message.ts);
  const threadTs = str(container.thread_ts) ?? str(message.thread_ts);
  const actionTs = str(a.action_ts);

  const action: InboundAction = { id: ourActionId(actionId) };
  const selected = isObj(a.selected_option) ? str(a.selected_option.value) : undefined;
  const value = stringRecord(a.value) ?? (selected === undefined ? undefined : { value: selected });
  if (value) action.value = value;
  if (messageTs) action.messageRef = `${chat}:${messageTs}`;

  const event: InboundEvent = {
    platform: 'slack',
    tenant,
    chat,
    chatType: chat.startsWith('D') ? 'dm' : 'group',
    messageId: messageTs ?? actionTs ?? triggerId ?? String(nowMs),
    user,
    text: '',
    mentions: [],
    addressed: true,
    // Interactivity has no event id; a trigger id is unique per interaction.
    eventId: `block_actions:${triggerId ?? `${chat}:${messageTs}:${actionTs}:${user}`}`,
    sentAt: (actionTs && slackTsToMs(actionTs)) || nowMs,
    kind: 'action',
    action,
  };
  // The button's message is in a thread (or starts one): an answer to the press goes there.
  const thread = threadTs ?? messageTs;
  if (thread) event.thread = thread;
  return { ok: true, event };
}

function parseViewSubmission(
  p: Obj,
  user: string,
  tenant: string,
  triggerId: string | undefined,
  nowMs: number,
): ParseResult {
  if (!isObj(p.view)) return malformed('view_submission payload without view');
  const view = p.view;
  const viewId = str(view.id);
  if (!viewId) return malformed('view_submission view without id');
  const values = isObj(view.state) && isObj(view.state.values) ? view.state.values : undefined;
  if (!values) return malformed('view_submission view without state.values');
  const form: Record<string, string> = {};
  for (const block of Object.values(values)) {
    if (!isObj(block)) continue;
    for (const [actionId, el] of Object.entries(block)) {
      if (!isObj(el)) continue;
      const v = elementValue(el);
      if (v !== undefined) form[ourActionId(actionId)] = v;
    }
  }
  // Our modals carry private_metadata = JSON {form, channel, user, lang, thread?} (modal.ts): where
  // the form was opened. Payroll details are sensitive (DESIGN §7), so the answer goes to the
  // submitter's DM — the DM it was opened in, else the user id (chat.postMessage opens the app DM) —
  // unless the metadata names a `chat` explicitly.
  const meta = stringRecord(view.private_metadata) ?? {};
  const origin = meta.channel ?? meta.chat;
  const chat = meta.chat ?? (origin && isDm(origin) ? origin : user);
  const value: Record<string, string> = {};
  const formId = meta.form ?? str(view.callback_id);
  if (formId) value.form = formId;
  if (origin) value.channel = origin;
  if (meta.thread) value.thread = meta.thread;
  if (meta.lang) value.lang = meta.lang;
  const action: InboundAction = { id: 'form_submit', form };
  if (Object.keys(value).length) action.value = value;
  const event: InboundEvent = {
    platform: 'slack',
    tenant,
    chat,
    chatType: isDm(chat) ? 'dm' : 'group',
    messageId: viewId,
    user,
    text: '',
    mentions: [],
    addressed: true,
    eventId: `view_submission:${triggerId ?? `${viewId}:${str(view.hash) ?? ''}`}`,
    sentAt: nowMs,
    kind: 'action',
    action,
  };
  // The thread belongs to the channel the form was opened in: kept only when answering there.
  if (meta.thread && chat === origin) event.thread = meta.thread;
  return { ok: true, event };
}

/** A DM: an im channel (D…) or a user id, which chat.postMessage turns into the app's DM. */
function isDm(chat: string): boolean {
  return !(chat.startsWith('C') || chat.startsWith('G'));
}

/**
 * The "Escalate to L2" message shortcut: the message it was used on, for the core to open a
 * ticket with. Other shortcuts are not ours.
 */
function parseMessageShortcut(
  p: Obj,
  user: string,
  tenant: string,
  triggerId: string | undefined,
  nowMs: number,
): ParseResult {
  const callbackId = str(p.callback_id);
  if (callbackId !== ESCALATE_SHORTCUT) return ignored(`unknown message shortcut ${callbackId}`);
  const chat = isObj(p.channel) ? str(p.channel.id) : undefined;
  const message = isObj(p.message) ? p.message : undefined;
  const ts = (message && str(message.ts)) ?? str(p.message_ts);
  if (!chat || !message || !ts) return malformed('message_action without channel.id or message.ts');
  const thread = str(message.thread_ts) ?? ts;
  const value: Record<string, string> = { text: str(message.text) ?? '', ts, thread };
  const author = str(message.user) ?? str(message.bot_id);
  if (author) value.author = author;
  const actionTs = str(p.action_ts);
  const event: InboundEvent = {
    platform: 'slack',
    tenant,
    chat,
    chatType: isDm(chat) ? 'dm' : 'group',
    thread,
    messageId: ts,
    user,
    text: '',
    mentions: [],
    addressed: true,
    eventId: `message_action:${triggerId ?? `${chat}:${ts}:${actionTs}:${user}`}`,
    sentAt: (actionTs && slackTsToMs(actionTs)) || nowMs,
    kind: 'action',
    action: { id: 'escalate_message', value, messageRef: `${chat}:${ts}` },
  };
  return { ok: true, event };
}

/** A Block Kit input element's submitted value as text (multi-selects joined with commas). */
function elementValue(el: Obj): string | undefined {
  if (typeof el.value === 'string') return el.value;
  if (isObj(el.selected_option)) return str(el.selected_option.value);
  if (Array.isArray(el.selected_options))
    return el.selected_options
      .map((o) => (isObj(o) ? str(o.value) : undefined))
      .filter((v) => v !== undefined)
      .join(',');
  for (const k of [
    'selected_date',
    'selected_time',
    'selected_user',
    'selected_conversation',
    'selected_channel',
  ]) {
    if (typeof el[k] === 'string') return el[k] as string;
  }
  if (typeof el.selected_date_time === 'number') return String(el.selected_date_time);
  for (const k of ['selected_users', 'selected_conversations', 'selected_channels']) {
    if (Array.isArray(el[k])) return (el[k] as unknown[]).filter((x) => typeof x === 'string').join(',');
  }
  return undefined;
}
