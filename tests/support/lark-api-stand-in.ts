/**
 * A local stand-in for the Lark/Feishu Open API (Lark's servers cannot run here). There is no
 * machine-readable Lark spec in ../shared/specs, so request and answer shapes were checked by hand
 * against the official pages (open.feishu.cn/document/…):
 *
 * - POST /open-apis/auth/v3/tenant_access_token/internal {app_id, app_secret} →
 *   {code, msg, tenant_access_token, expire} (…/auth-v3/auth/tenant_access_token_internal)
 * - GET  /open-apis/bot/v3/info → {code, msg, bot: {open_id, app_name, activate_status, …}}
 *   (…/client-docs/bot-v3/obtain-bot-info) — `bot` at the top level
 * - POST /open-apis/im/v1/messages?receive_id_type=open_id|union_id|user_id|email|chat_id
 *   {receive_id, msg_type, content: JSON string, uuid ≤ 50 chars} (…/server-docs/im-v1/message/create)
 * - POST /open-apis/im/v1/messages/:message_id/reply {content, msg_type, reply_in_thread?, uuid?}
 *   (…/server-docs/im-v1/message/reply)
 * - PATCH /open-apis/im/v1/messages/:message_id {content} — cards only, shared cards
 *   (`config.update_multi`), within 14 days (…/server-docs/im-v1/message/patch)
 * - GET  /open-apis/im/v1/chats/:chat_id (…/server-docs/group/chat/get)
 * - GET  /open-apis/contact/v3/users/:user_id?user_id_type=… (…/contact-v3/user/get)
 * - GET  /open-apis/contact/v3/departments/:department_id?department_id_type=… (…/contact-v3/department/get)
 *
 * Every call but the token request needs `Authorization: Bearer <a token this stand-in issued>`
 * (missing → 99991661, unknown → 99991663). Answers use Lark's envelope `{code: 0, msg, data}`;
 * refusals answer HTTP 400 with Lark's code: 99992402 field validation, 230001 invalid parameter,
 * 230002 bot not in the chat, 230011 message recalled, 230025 content too long (cards ≥ 30 KB),
 * 230031 too old to edit. Codes the docs did not settle are marked "stand-in choice".
 * The same `uuid` within one hour answers the first message again and posts nothing (Lark's
 * dedupe). Failures can be cued: `fail(larkCues.rateLimited(3))` (HTTP 429, code 99991400,
 * x-ogw-ratelimit-reset, …/api-call-guide/frequency-control), `larkCues.serverError()`, or any
 * status/code. `recall(id)` makes a message recalled.
 *
 * Use:
 *   const lark = await startLarkApiStandIn({ longConnection: true });
 *   // LARK_DOMAIN=lark.url, LARK_APP_ID=lark.appId, LARK_APP_SECRET=lark.appSecret
 *   … lark.messages, lark.calls, lark.ws?.sendEvent(body) …
 *   await lark.close();
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachLarkWs, type LarkWsGateway } from './lark-ws-server.ts';

export interface RecordedLarkCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (undefined for none). */
  body: unknown;
  /** The bearer token, when one was sent. */
  token?: string;
  status: number;
  /** Lark's `code` in the answer. */
  code: number;
}

export interface StoredLarkMessage {
  message_id: string;
  chat_id: string;
  receive_id?: string;
  receive_id_type?: string;
  msg_type: string;
  /** The content as sent (a JSON string). */
  content: string;
  /** `content` parsed. */
  card: unknown;
  root_id?: string;
  parent_id?: string;
  thread_id?: string;
  uuid?: string;
  create_time: number;
  update_time: number;
  updated: boolean;
  deleted: boolean;
  /** Every content the message has had, oldest first. */
  history: string[];
}

export interface LarkCue {
  /** Which calls: a "METHOD /path" prefix (e.g. "POST /open-apis/im/v1/messages") or a RegExp on it. Default: any call except the token request. */
  match?: string | RegExp;
  status: number;
  code: number;
  msg?: string;
  headers?: Record<string, string>;
  /** @defaultValue 1 */
  times?: number;
}

/** Ready-made failures. */
export const larkCues = {
  /** HTTP 429 (or the 400 some older APIs use) with code 99991400 and x-ogw-ratelimit-reset. */
  rateLimited: (resetSeconds = 1, status = 429, match?: LarkCue['match']): LarkCue => ({
    match,
    status,
    code: 99991400,
    msg: 'request trigger frequency limit',
    headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': String(resetSeconds) },
  }),
  serverError: (status = 500, match?: LarkCue['match']): LarkCue => ({
    match,
    status,
    code: 1500, // "internal error" in the server error-code list
    msg: 'internal error',
  }),
};

export interface LarkApiStandInOptions {
  /** @defaultValue 'cli_a5f3b2c1d0e9f8a7' */
  appId?: string;
  /** @defaultValue 'stand-in-app-secret' */
  appSecret?: string;
  /** @defaultValue '2ca1d211f64f6438' */
  tenantKey?: string;
  /** @defaultValue { openId: 'ou_bot0000000000000000000000000001', name: 'Helpline Bot' } */
  bot?: { openId: string; name: string };
  /** open_id → user. */
  users?: Record<string, { name: string; en_name?: string; department_ids?: string[] }>;
  /** open_department_id → department. */
  departments?: Record<string, { name: string }>;
  /** chat_id → chat. When given, posting to any other chat fails with 230002. */
  chats?: Record<string, { name: string; chat_mode?: 'group' | 'topic' | 'p2p' }>;
  /** Host the long-connection gateway too (./lark-ws-server.ts), at the same URL. */
  longConnection?: boolean;
  /** @defaultValue Date.now */
  now?: () => number;
}

export interface LarkApiStandIn {
  /** LARK_DOMAIN for the app under test. */
  url: string;
  appId: string;
  appSecret: string;
  bot: { openId: string; name: string };
  calls: RecordedLarkCall[];
  messages: StoredLarkMessage[];
  /** The long-connection gateway, with `longConnection: true`. */
  ws?: LarkWsGateway;
  /** Calls to `METHOD /path-prefix`. */
  callsTo(match: string): RecordedLarkCall[];
  /** Queues a failure for the next matching call(s). */
  fail(cue: LarkCue): void;
  /** The message is recalled: replies to and edits of it fail with 230011. */
  recall(messageId: string): void;
  /** Tenant tokens issued so far stop working (99991663), as after a secret rotation. */
  revokeTokens(): void;
  close(): Promise<void>;
}

const DEDUPE_MS = 60 * 60 * 1000;
const EDIT_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
const CARD_MAX_BYTES = 30 * 1024;
const RECEIVE_ID_TYPES = new Set(['open_id', 'union_id', 'user_id', 'email', 'chat_id']);
const hex = (n: number) => randomBytes(n).toString('hex');

class Refusal {
  readonly status: number;
  readonly code: number;
  readonly msg: string;
  constructor(status: number, code: number, msg: string) {
    this.status = status;
    this.code = code;
    this.msg = msg;
  }
}
const invalid = (ext: string) =>
  new Refusal(400, 230001, `Your request contains an invalid request parameter, ext=${ext}.`);
const validation = (field: string) => new Refusal(400, 99992402, `field validation failed: ${field}`);

export async function startLarkApiStandIn(options: LarkApiStandInOptions = {}): Promise<LarkApiStandIn> {
  const appId = options.appId ?? 'cli_a5f3b2c1d0e9f8a7';
  const appSecret = options.appSecret ?? 'stand-in-app-secret';
  const tenantKey = options.tenantKey ?? '2ca1d211f64f6438';
  const bot = options.bot ?? { openId: 'ou_bot0000000000000000000000000001', name: 'Helpline Bot' };
  const now = options.now ?? Date.now;
  const calls: RecordedLarkCall[] = [];
  const messages: StoredLarkMessage[] = [];
  const byId = new Map<string, StoredLarkMessage>();
  const byUuid = new Map<string, StoredLarkMessage>();
  const recalled = new Set<string>();
  const threads = new Map<string, string>();
  const cues: LarkCue[] = [];
  let tokens = new Set<string>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      try {
        if (ws?.handleHttp(req, res, raw)) return;
        handle(req, res, raw);
      } catch (err) {
        reply(res, 500, { code: 1500, msg: `stand-in error: ${String(err)}` });
      }
    });
  });
  const ws = options.longConnection ? attachLarkWs(server, { appId, appSecret }) : undefined;

  function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  function takeCue(line: string): LarkCue | undefined {
    const i = cues.findIndex((c) =>
      c.match === undefined
        ? !line.startsWith('POST /open-apis/auth/')
        : typeof c.match === 'string'
          ? line.startsWith(c.match)
          : c.match.test(line),
    );
    if (i < 0) return undefined;
    const cue = cues[i];
    cue.times = (cue.times ?? 1) - 1;
    if (cue.times <= 0) cues.splice(i, 1);
    return cue;
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const call: RecordedLarkCall = { method, path, query, body, status: 200, code: 0 };
    if (token) call.token = token;
    calls.push(call);
    const answer = (status: number, payload: Record<string, unknown>, headers?: Record<string, string>) => {
      call.status = status;
      call.code = typeof payload.code === 'number' ? payload.code : 0;
      reply(res, status, payload, headers);
    };

    const cue = takeCue(`${method} ${path}`);
    if (cue) {
      answer(
        cue.status,
        { code: cue.code, msg: cue.msg ?? `cued failure ${cue.code}`, error: {} },
        cue.headers,
      );
      return;
    }
    try {
      if (method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal') {
        answer(200, issueToken(body));
        return;
      }
      if (!path.startsWith('/open-apis/')) throw new Refusal(404, 404, `no such API: ${method} ${path}`);
      if (!token)
        throw new Refusal(
          400,
          99991661,
          'Missing access token for authorization. Please make a request with token attached.',
        );
      if (!tokens.has(token))
        throw new Refusal(
          400,
          99991663,
          'Invalid access token for authorization. Please make a request with token attached.',
        );
      answer(200, { code: 0, msg: 'success', ...route(method, path, query, body) });
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      answer(err.status, { code: err.code, msg: err.msg, error: { log_id: hex(8) } });
    }
  }

  function issueToken(body: unknown): Record<string, unknown> {
    const b = (body ?? {}) as { app_id?: unknown; app_secret?: unknown };
    // Stand-in choices for the codes (the page refers to the generic error-code list): HTTP 400.
    if (b.app_id !== appId) throw new Refusal(400, 10003, 'invalid param: app_id');
    if (b.app_secret !== appSecret) throw new Refusal(400, 10014, 'app secret invalid');
    const t = `t-${hex(20)}`;
    tokens.add(t);
    return { code: 0, msg: 'ok', tenant_access_token: t, expire: 7200 };
  }

  function route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
  ): Record<string, unknown> {
    const seg = path.split('/').slice(2).map(decodeURIComponent); // after /open-apis/
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const key = `${method} ${seg.slice(0, 3).join('/')}`;
    if (method === 'GET' && path === '/open-apis/bot/v3/info') {
      return {
        bot: {
          activate_status: 2,
          app_name: bot.name,
          avatar_url: '',
          ip_white_list: [],
          open_id: bot.openId,
        },
      };
    }
    if (key === 'POST im/v1/messages' && seg.length === 3) return { data: view(create(query, b)) };
    if (key === 'POST im/v1/messages' && seg.length === 5 && seg[4] === 'reply')
      return { data: view(replyTo(seg[3], b)) };
    if (key === 'PATCH im/v1/messages' && seg.length === 4) {
      patch(seg[3], b);
      return { data: {} };
    }
    if (key === 'GET im/v1/chats' && seg.length === 4) return { data: chat(seg[3]) };
    if (key === 'GET contact/v3/users' && seg.length === 4) return { data: { user: user(seg[3], query) } };
    if (key === 'GET contact/v3/departments' && seg.length === 4) {
      return { data: { department: department(seg[3], query) } };
    }
    throw new Refusal(404, 404, `no such API in the stand-in: ${method} ${path}`);
  }

  function content(b: Record<string, unknown>, msgType: string): { content: string; card: unknown } {
    if (typeof b.content !== 'string') throw validation('content must be a JSON string');
    let parsed: unknown;
    try {
      parsed = JSON.parse(b.content);
    } catch {
      throw invalid('invalid message content');
    }
    if (!parsed || typeof parsed !== 'object') throw invalid('invalid message content');
    if (msgType === 'interactive') {
      const card = parsed as { elements?: unknown; body?: unknown; type?: unknown };
      if (!Array.isArray(card.elements) && !card.body && card.type !== 'template') {
        throw invalid('invalid message content. card has no elements');
      }
      if (Buffer.byteLength(b.content, 'utf8') > CARD_MAX_BYTES) {
        throw new Refusal(400, 230025, 'The length of the message content reaches its limit.');
      }
    } else if (msgType === 'text' && typeof (parsed as { text?: unknown }).text !== 'string') {
      throw invalid('invalid message content');
    }
    return { content: b.content, card: parsed };
  }

  function checkUuid(b: Record<string, unknown>): string | undefined {
    if (b.uuid === undefined) return undefined;
    if (typeof b.uuid !== 'string' || b.uuid.length > 50) throw validation('uuid: max length 50');
    return b.uuid;
  }

  function deduped(uuid: string | undefined): StoredLarkMessage | undefined {
    if (!uuid) return undefined;
    const seen = byUuid.get(uuid);
    return seen && now() - seen.create_time < DEDUPE_MS ? seen : undefined;
  }

  function store(
    m: Omit<StoredLarkMessage, 'create_time' | 'update_time' | 'updated' | 'deleted' | 'history'>,
  ) {
    const t = now();
    const full: StoredLarkMessage = {
      ...m,
      create_time: t,
      update_time: t,
      updated: false,
      deleted: false,
      history: [m.content],
    };
    messages.push(full);
    byId.set(full.message_id, full);
    if (full.uuid) byUuid.set(full.uuid, full);
    return full;
  }

  function create(query: Record<string, string>, b: Record<string, unknown>): StoredLarkMessage {
    const type = query.receive_id_type;
    if (!type || !RECEIVE_ID_TYPES.has(type)) throw validation('receive_id_type');
    if (typeof b.receive_id !== 'string' || b.receive_id === '') throw validation('receive_id');
    if (typeof b.msg_type !== 'string') throw validation('msg_type');
    const c = content(b, b.msg_type);
    const uuid = checkUuid(b);
    const again = deduped(uuid);
    if (again) return again;
    if (type === 'chat_id') {
      if (!b.receive_id.startsWith('oc_')) throw invalid('invalid receive_id');
      if (options.chats && !options.chats[b.receive_id]) {
        throw new Refusal(400, 230002, 'The bot can not be outside the group.');
      }
    }
    if (type === 'open_id' && !b.receive_id.startsWith('ou_')) throw invalid('invalid receive_id');
    // A DM to a person lands in the bot's p2p chat with them (stand-in: one chat id per person).
    const chatId = type === 'chat_id' ? b.receive_id : `oc_p2p_${b.receive_id}`;
    return store({
      message_id: `om_${hex(16)}`,
      chat_id: chatId,
      receive_id: b.receive_id,
      receive_id_type: type,
      msg_type: b.msg_type,
      ...c,
      ...(uuid ? { uuid } : {}),
    });
  }

  function replyTo(parentId: string, b: Record<string, unknown>): StoredLarkMessage {
    if (typeof b.msg_type !== 'string') throw validation('msg_type');
    const c = content(b, b.msg_type);
    if (b.reply_in_thread !== undefined && typeof b.reply_in_thread !== 'boolean')
      throw validation('reply_in_thread');
    const uuid = checkUuid(b);
    const again = deduped(uuid);
    if (again) return again;
    if (!parentId.startsWith('om_')) throw invalid('invalid message_id');
    if (recalled.has(parentId)) throw new Refusal(400, 230011, 'The message is recalled.');
    // The parent may be a person's message the stand-in never saw: then its chat is unknown.
    const parent = byId.get(parentId);
    const root = parent?.root_id ?? parentId;
    let thread: string | undefined = parent?.thread_id ?? threads.get(root);
    if (b.reply_in_thread === true && !thread) {
      thread = `omt_${hex(8)}`;
      threads.set(root, thread);
    }
    return store({
      message_id: `om_${hex(16)}`,
      chat_id: parent?.chat_id ?? '',
      msg_type: b.msg_type,
      ...c,
      root_id: root,
      parent_id: parentId,
      ...(thread ? { thread_id: thread } : {}),
      ...(uuid ? { uuid } : {}),
    });
  }

  function patch(id: string, b: Record<string, unknown>): void {
    const m = byId.get(id);
    if (recalled.has(id)) throw new Refusal(400, 230011, 'The message is recalled.');
    if (!m) throw invalid('invalid message_id'); // only the bot's own messages can be edited
    if (m.msg_type !== 'interactive') throw invalid('only card messages can be updated');
    const c = content(b, 'interactive');
    if ((c.card as { config?: { update_multi?: unknown } }).config?.update_multi !== true) {
      // Stand-in choice of code: the page requires shared cards (update_multi) for PATCH.
      throw invalid('card is not a shared card (config.update_multi)');
    }
    if (now() - m.create_time > EDIT_WINDOW_MS) {
      throw new Refusal(400, 230031, 'Message can only be modified within 14 days after sending.');
    }
    m.content = c.content;
    m.card = c.card;
    m.history.push(c.content);
    m.updated = true;
    m.update_time = now();
  }

  function view(m: StoredLarkMessage): Record<string, unknown> {
    return {
      message_id: m.message_id,
      ...(m.root_id ? { root_id: m.root_id, parent_id: m.parent_id } : {}),
      ...(m.thread_id ? { thread_id: m.thread_id } : {}),
      msg_type: m.msg_type,
      create_time: String(m.create_time),
      update_time: String(m.update_time),
      deleted: m.deleted,
      updated: m.updated,
      chat_id: m.chat_id,
      sender: { id: appId, id_type: 'app_id', sender_type: 'app', tenant_key: tenantKey },
      body: { content: m.content },
    };
  }

  function chat(id: string): Record<string, unknown> {
    const c = options.chats?.[id];
    // Stand-in choice of code for an unknown chat.
    if (!c) throw new Refusal(400, 232006, 'The chat_id is invalid.');
    return {
      name: c.name,
      chat_mode: c.chat_mode ?? 'group',
      chat_type: 'private',
      owner_id_type: 'open_id',
      tenant_key: tenantKey,
    };
  }

  function user(id: string, query: Record<string, string>): Record<string, unknown> {
    if ((query.user_id_type ?? 'open_id') !== 'open_id')
      throw validation('user_id_type (stand-in knows open_id only)');
    const u = options.users?.[id];
    // Stand-in choice of code: a user outside the app's contact range.
    if (!u) throw new Refusal(400, 41050, 'no user authority error');
    return {
      open_id: id,
      union_id: `on_${id.slice(3)}`,
      name: u.name,
      en_name: u.en_name ?? '',
      department_ids: u.department_ids ?? [],
    };
  }

  function department(id: string, query: Record<string, string>): Record<string, unknown> {
    if ((query.department_id_type ?? 'open_department_id') !== 'open_department_id') {
      throw validation('department_id_type (stand-in knows open_department_id only)');
    }
    const d = options.departments?.[id];
    // Stand-in choice of code: a department outside the app's contact range.
    if (!d) throw new Refusal(400, 40004, 'no dept authority error');
    return {
      name: d.name,
      i18n_name: { zh_cn: d.name },
      open_department_id: id,
      department_id: id.replace(/^od-/, ''),
      member_count: 1,
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    appId,
    appSecret,
    bot,
    calls,
    messages,
    ...(ws ? { ws } : {}),
    callsTo: (match) => calls.filter((c) => `${c.method} ${c.path}`.startsWith(match)),
    fail: (cue) => {
      cues.push({ ...cue });
    },
    recall: (id) => {
      recalled.add(id);
      const m = byId.get(id);
      if (m) m.deleted = true;
    },
    revokeTokens: () => {
      tokens = new Set();
    },
    async close() {
      ws?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
