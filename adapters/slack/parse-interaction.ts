/** Slack interactivity payloads (block_actions, view_submission) → normalized action events. */
import type { InboundAction, InboundEvent, ParseResult } from '../types.ts';
import { ignored, isObj, malformed, type Obj, slackTsToMs, str } from './parse-util.ts';

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
  return p.type === 'block_actions'
    ? parseBlockActions(p, user, tenant, triggerId, nowMs)
    : parseViewSubmission(p, user, tenant, triggerId, nowMs);
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
  // We open the modal with private_metadata = JSON {chat, thread, …} to know where to answer.
  const meta = stringRecord(view.private_metadata) ?? {};
  const chat = meta.chat ?? meta.channel ?? user; // a user id posts to the app's DM
  const action: InboundAction = { id: 'form_submit', form };
  const value: Record<string, string> = { ...meta };
  const callbackId = str(view.callback_id);
  if (callbackId) value.callback_id = callbackId;
  if (Object.keys(value).length) action.value = value;
  const event: InboundEvent = {
    platform: 'slack',
    tenant,
    chat,
    chatType: chat.startsWith('C') || chat.startsWith('G') ? 'group' : 'dm',
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
  if (meta.thread) event.thread = meta.thread;
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
