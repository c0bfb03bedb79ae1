import type { InboundAction, InboundEvent, Mention, ParseResult } from '../../src/inbound/ports.ts';
import { ignored, isObj, malformed, nonEmpty, type Obj } from '../shared/parse-util.ts';
/**
 * Lark/Feishu event → normalized InboundEvent. Pure: no SDK, no core module, never throws.
 * Takes the plain body (readLarkBody in verify.ts decrypts `{encrypt}` first).
 *
 * Handles event schema 2.0 (`{schema:"2.0", header:{event_id, event_type, create_time, token,
 * app_id, tenant_key}, event}`): im.message.receive_v1 (text and post) and card.action.trigger;
 * the url_verification challenge (v1 shape `{challenge, token, type}`). Everything else is ignored
 * with a reason; bodies missing what we need are malformed (ok:false, ignore:false).
 */

export interface LarkParseOptions {
  /** The bot's own open_id: a group message is addressed when it mentions this id. */
  botOpenId?: string;
}

const str = nonEmpty;
const ignore = ignored;

export function parseLark(
  body: unknown,
  nowMs: number,
  opts: LarkParseOptions = {},
): ParseResult | { challenge: string } {
  try {
    return parseUnsafe(body, nowMs, opts);
  } catch (err) {
    // A bug here must not crash the webhook: report it as a malformed payload with the cause.
    return malformed(`parse error: ${(err as Error).message}`);
  }
}

function parseUnsafe(
  body: unknown,
  _nowMs: number,
  opts: LarkParseOptions,
): ParseResult | { challenge: string } {
  if (!isObj(body)) return malformed('body is not a JSON object');
  if ('encrypt' in body) return malformed('body is still encrypted: decrypt it with readLarkBody first');
  if (body.type === 'url_verification') {
    const challenge = str(body.challenge);
    return challenge ? { challenge } : malformed('url_verification without a challenge');
  }
  if (body.schema !== '2.0' || !isObj(body.header)) {
    if (!isObj(body.event)) return malformed('not a Lark event: no schema 2.0 header and no event');
    const type = isObj(body.event) ? str(body.event.type) : undefined;
    return ignore(`unsupported event (schema 1.0${type ? ` ${type}` : ''})`);
  }
  const header = body.header;
  const eventType = str(header.event_type);
  const eventId = str(header.event_id);
  if (!eventType) return malformed('header.event_type missing');
  if (!eventId) return malformed('header.event_id missing');
  if (!isObj(body.event)) return malformed(`${eventType}: event missing`);
  const base = { eventId, tenant: str(header.tenant_key) ?? '', sentAt: toMs(header.create_time) };
  switch (eventType) {
    case 'im.message.receive_v1':
      return parseMessage(body.event, base, opts);
    case 'card.action.trigger':
      return parseCardAction(body.event, base);
    case 'application.bot.menu_v6':
      return parseMenu(body.event, base);
    default:
      return ignore(`unsupported event type ${eventType}`);
  }
}

/** Lark times are ms strings; card callbacks have been seen in µs, so values past year 5000 are scaled. */
function toMs(v: unknown): number | undefined {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return n > 1e14 ? Math.floor(n / 1000) : n;
}

interface Base {
  eventId: string;
  tenant: string;
  sentAt?: number;
}

function parseMessage(event: Obj, base: Base, opts: LarkParseOptions): ParseResult {
  const sender = event.sender;
  const message = event.message;
  if (!isObj(sender) || !isObj(message)) return malformed('im.message.receive_v1: sender or message missing');
  if (sender.sender_type !== 'user') {
    return ignore(`message from a ${String(sender.sender_type ?? 'unknown')} sender, not a user`);
  }
  const user = isObj(sender.sender_id) ? str(sender.sender_id.open_id) : undefined;
  const messageId = str(message.message_id);
  const chat = str(message.chat_id);
  const chatType = str(message.chat_type);
  const messageType = str(message.message_type);
  if (!user) return malformed('im.message.receive_v1: sender.sender_id.open_id missing');
  if (!messageId || !chat || !chatType || !messageType) {
    return malformed('im.message.receive_v1: message_id, chat_id, chat_type or message_type missing');
  }
  if (typeof message.content !== 'string') return malformed('im.message.receive_v1: content is not a string');
  let content: unknown;
  try {
    content = JSON.parse(message.content);
  } catch {
    return malformed(`im.message.receive_v1: ${messageType} content is not JSON`);
  }
  if (!isObj(content)) return malformed(`im.message.receive_v1: ${messageType} content is not an object`);

  const byKey = new Map<string, Mention>();
  const mentions: Mention[] = [];
  if (Array.isArray(message.mentions)) {
    for (const m of message.mentions) {
      if (!isObj(m)) continue;
      const id = isObj(m.id) ? str(m.id.open_id) : undefined;
      if (!id) continue;
      const mention: Mention = { id };
      const name = str(m.name);
      if (name) mention.name = name;
      if (opts.botOpenId && id === opts.botOpenId) mention.isBot = true;
      mentions.push(mention);
      const key = str(m.key);
      if (key) byKey.set(key, mention);
    }
  }

  let raw: string;
  if (messageType === 'text') {
    if (typeof content.text !== 'string')
      return malformed('im.message.receive_v1: text content without text');
    raw = content.text;
  } else if (messageType === 'post') {
    const flat = flattenPost(content, byKey, opts.botOpenId);
    if (flat === undefined) return malformed('im.message.receive_v1: post content without paragraphs');
    raw = flat;
  } else {
    return ignore(`unsupported message type ${messageType}`);
  }

  const dm = chatType === 'p2p';
  // Without a configured bot id we cannot tell mentions apart; Lark only delivers group messages
  // that @ the bot unless the app holds the "read all group messages" scope, so trust the delivery.
  const addressed = dm || !opts.botOpenId || mentions.some((m) => m.isBot);
  const thread = str(message.root_id) ?? str(message.parent_id);
  // A reply in a thread without the mention may still be ours (an engineer answering under a
  // triage card, an employee in a thread with the bot): kept, not addressed; the core decides.
  if (!addressed && !thread) return ignore('group message that does not mention the bot');

  const event2: InboundEvent = {
    platform: 'lark',
    tenant: base.tenant || (str(sender.tenant_key) ?? ''),
    chat,
    chatType: dm ? 'dm' : 'group',
    messageId,
    user,
    text: resolvePlaceholders(raw, byKey),
    mentions,
    addressed,
    eventId: base.eventId,
    kind: 'message',
  };
  if (thread) event2.thread = thread;
  const sentAt = toMs(message.create_time) ?? base.sentAt;
  if (sentAt !== undefined) event2.sentAt = sentAt;
  return { ok: true, event: event2 };
}

/** `@_user_N` → `@name`; the bot's own mention is removed; whitespace tidied. */
function resolvePlaceholders(text: string, byKey: Map<string, Mention>): string {
  return text
    .replace(/@_user_\d+/g, (key) => {
      const m = byKey.get(key);
      if (!m) return key;
      return m.isBot ? '' : `@${m.name ?? m.id}`;
    })
    .replace(/[ \t\u3000]{2,}/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+/g, '\n')
    .trim();
}

/**
 * Rich text (`post`) to plain text: the received form `{title, content:[[elements]]}` or the
 * language-wrapped form `{zh_cn:{title, content}, en_us:{…}}` (first language present).
 * Elements: text, a (link text), at (mention), md/code_block (their text); images etc. dropped.
 */
function flattenPost(content: Obj, byKey: Map<string, Mention>, botOpenId?: string): string | undefined {
  let post: Obj | undefined = Array.isArray(content.content) ? content : undefined;
  if (!post) {
    for (const lang of ['zh_cn', 'en_us', 'ja_jp', ...Object.keys(content)]) {
      const v = content[lang];
      if (isObj(v) && Array.isArray(v.content)) {
        post = v;
        break;
      }
    }
  }
  if (!post || !Array.isArray(post.content)) return undefined;
  const lines: string[] = [];
  const title = str(post.title);
  if (title) lines.push(title);
  for (const paragraph of post.content) {
    if (!Array.isArray(paragraph)) continue;
    let line = '';
    for (const el of paragraph) {
      if (!isObj(el)) continue;
      switch (el.tag) {
        case 'text':
        case 'a':
        case 'md':
          line += typeof el.text === 'string' ? el.text : '';
          break;
        case 'code_block':
          line += typeof el.text === 'string' ? el.text : '';
          break;
        case 'at': {
          const id = str(el.user_id);
          if (id && byKey.has(id))
            line += ` ${id} `; // resolved with the text placeholders
          else if (id && botOpenId && id === botOpenId) line += ' ';
          else line += ` @${str(el.user_name) ?? id ?? ''} `;
          break;
        }
        default:
          break;
      }
    }
    lines.push(line);
  }
  return lines.join('\n');
}

function parseCardAction(event: Obj, base: Base): ParseResult {
  const operator = event.operator;
  const action = event.action;
  const context = event.context;
  if (!isObj(operator) || !isObj(action)) return malformed('card.action.trigger: operator or action missing');
  const user = str(operator.open_id);
  if (!user) return malformed('card.action.trigger: operator.open_id missing');
  let value: unknown = action.value;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return malformed('card.action.trigger: action.value is a string that is not JSON');
    }
  }
  if (!isObj(value)) return malformed('card.action.trigger: action.value is not an object');
  const id = str(value.action);
  if (!id) return malformed('card.action.trigger: action.value.action missing');
  const messageRef = isObj(context) ? str(context.open_message_id) : undefined;
  const chat = isObj(context) ? str(context.open_chat_id) : undefined;
  if (!messageRef || !chat)
    return malformed('card.action.trigger: context.open_message_id or open_chat_id missing');

  const inbound: InboundAction = { id, value: stringRecord(value), messageRef };
  if (isObj(action.form_value)) inbound.form = stringRecord(action.form_value);
  const ev: InboundEvent = {
    platform: 'lark',
    tenant: base.tenant || (str(operator.tenant_key) ?? ''),
    chat,
    // The callback does not say; the card's value may carry it (renderLarkCard does not need it).
    chatType: value.chat_type === 'p2p' ? 'dm' : 'group',
    messageId: messageRef,
    user,
    text: '',
    mentions: [],
    addressed: true,
    eventId: base.eventId,
    kind: 'action',
    action: inbound,
  };
  if (base.sentAt !== undefined) ev.sentAt = base.sentAt;
  return { ok: true, event: ev };
}

/**
 * A click in the bot's custom menu (application.bot.menu_v6): `{operator: {operator_id: {open_id}},
 * event_key}`. It names no chat: the answer goes to the person (chat = their open_id, a DM).
 */
function parseMenu(event: Obj, base: Base): ParseResult {
  const operator = isObj(event.operator) ? event.operator : undefined;
  const ids = operator && isObj(operator.operator_id) ? operator.operator_id : undefined;
  const user = ids ? str(ids.open_id) : undefined;
  const key = str(event.event_key);
  if (!user) return malformed('application.bot.menu_v6: operator.operator_id.open_id missing');
  if (!key) return malformed('application.bot.menu_v6: event_key missing');
  const ev: InboundEvent = {
    platform: 'lark',
    tenant: base.tenant,
    chat: user,
    chatType: 'dm',
    messageId: base.eventId,
    user,
    text: '',
    mentions: [],
    addressed: true,
    eventId: base.eventId,
    kind: 'action',
    action: { id: 'menu', value: { key } },
  };
  if (base.sentAt !== undefined) ev.sentAt = base.sentAt;
  return { ok: true, event: ev };
}

/** Form and button values as strings: arrays (multi-select) joined with ',', others JSON-encoded. */
function stringRecord(o: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v))
      out[k] = v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
    else if (typeof v === 'object') out[k] = JSON.stringify(v);
    else out[k] = String(v);
  }
  return out;
}
