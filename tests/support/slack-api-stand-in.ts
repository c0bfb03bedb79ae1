/**
 * A local stand-in for the Slack Web API (Slack's servers cannot run here). Every request is checked
 * against the official spec, /work/shared/specs/slack-web-openapi-v2.json (slackapi/slack-api-specs):
 * the method exists, the HTTP verb fits, the token is there when the spec asks for one, required
 * parameters are present, types are sane and unknown parameters are refused. Answers have Slack's
 * shape. Methods newer than the frozen spec are checked by hand (HAND_CHECKED). Failures can be cued.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const SPEC_PATH = new URL('../../../shared/specs/slack-web-openapi-v2.json', import.meta.url);

interface SpecParam {
  name: string;
  in: string;
  type?: string;
  required?: boolean;
}
interface SpecOperation {
  parameters?: SpecParam[];
  security?: Array<Record<string, string[]>>;
  consumes?: string[];
}
type Spec = { paths: Record<string, Record<string, SpecOperation>> };

let specCache: Spec | undefined;
export function slackSpec(): Spec {
  specCache ??= JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
  return specCache;
}

/** Parameters Slack added after the spec was frozen (2021), from api.slack.com's method pages. */
const NEWER_PARAMS: Record<string, SpecParam[]> = {
  'chat.postMessage': [{ name: 'metadata', in: 'formData', type: 'string' }],
  'chat.update': [
    { name: 'metadata', in: 'formData', type: 'string' },
    { name: 'reply_broadcast', in: 'formData', type: 'boolean' },
  ],
  'conversations.replies': [{ name: 'include_all_metadata', in: 'query', type: 'boolean' }],
  'conversations.history': [{ name: 'include_all_metadata', in: 'query', type: 'boolean' }],
};

/**
 * Accepted by every method: `team_id` names the workspace for org-wide (Enterprise Grid) tokens, and
 * @slack/web-api sends it on every call of a client that knows its team (Bolt's listener clients).
 */
const GLOBAL_PARAMS: SpecParam[] = [{ name: 'team_id', in: 'formData', type: 'string' }];

/** Methods missing from the spec, described by hand (api.slack.com/methods/apps.connections.open). */
const HAND_CHECKED: Record<string, { verbs: string[]; op: SpecOperation; appToken: boolean }> = {
  'apps.connections.open': {
    verbs: ['post'],
    op: { parameters: [], security: [{ slackAuth: ['connections:write'] }] },
    appToken: true,
  },
};

/** Fields whose value is JSON; a JSON request body may carry them as arrays/objects. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);

export interface RecordedRequest {
  method: string;
  verb: string;
  params: Record<string, unknown>;
  token?: string;
  contentType?: string;
  /** The response's `ok`, or the HTTP status when not 200. */
  outcome: 'ok' | string;
}

export type SlackCue =
  | { status: 429; retryAfterSec: number }
  | { error: string; status?: number }
  | { status: number; body?: string };

export interface StandInUser {
  id: string;
  name: string;
  real_name?: string;
  profile?: Record<string, unknown>;
  tz?: string;
  is_bot?: boolean;
}

interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown;
  thread_ts?: string;
  metadata?: unknown;
}

export class SlackApiStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly messages: StoredMessage[] = [];
  readonly #users = new Map<string, StandInUser>();
  readonly #cues = new Map<string, SlackCue[]>();
  #server: Server | undefined;
  #tsCounter = 0;
  url = '';
  /** What apps.connections.open answers (tests/support/slack-socket-server.ts sets it). */
  socketUrl: string | undefined;

  readonly options: { botUserId?: string; botId?: string; teamId?: string };

  constructor(options: { botUserId?: string; botId?: string; teamId?: string } = {}) {
    this.options = options;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'internal_error', detail: String(err) }));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Base URL to give a Slack client (`slackApiUrl`), ending in `/api/`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  addUser(user: StandInUser): this {
    this.#users.set(user.id, user);
    return this;
  }

  /** The next calls to `method` answer these, in order; then calls succeed again. */
  cue(method: string, ...cues: SlackCue[]): this {
    this.#cues.set(method, [...(this.#cues.get(method) ?? []), ...cues]);
    return this;
  }

  calls(method: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const verb = (req.method ?? 'GET').toLowerCase();
    const raw = await readBody(req);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const send = (
      status: number,
      body: Record<string, unknown> | string,
      headers: Record<string, string> = {},
    ) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(text);
      return text;
    };
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const method = match?.[1] ?? url.pathname;
    const record: RecordedRequest = { method, verb, params: {}, contentType, outcome: 'ok' };
    this.requests.push(record);
    const fail = (status: number, error: string, messages?: string[]) => {
      record.outcome = status === 200 ? error : String(status);
      const body: Record<string, unknown> = { ok: false, error };
      if (messages) body.response_metadata = { messages };
      send(status, body);
    };

    if (!match) return fail(404, 'unknown_method');
    const fromSpec = slackSpec().paths[`/${method}`];
    const hand = HAND_CHECKED[method];
    if (!fromSpec && !hand) return fail(404, 'unknown_method');

    // Slack accepts POST for every method (its clients always POST); otherwise the spec's verb.
    const specVerbs = fromSpec ? Object.keys(fromSpec) : hand.verbs;
    if (verb !== 'post' && !specVerbs.includes(verb))
      return fail(405, 'invalid_arguments', [`[ERROR] HTTP ${verb.toUpperCase()} not allowed for ${method}`]);
    const op: SpecOperation = fromSpec
      ? (fromSpec[specVerbs.includes(verb) ? verb : specVerbs[0]] as SpecOperation)
      : hand.op;

    // Merge query and body fields, as Slack does.
    const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    if (raw.length) {
      if (contentType === 'application/json') {
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          return fail(200, 'invalid_json');
        }
        if (typeof json !== 'object' || json === null || Array.isArray(json))
          return fail(200, 'json_not_object');
        Object.assign(params, json);
      } else if (contentType === 'application/x-www-form-urlencoded' || contentType === '') {
        Object.assign(params, Object.fromEntries(new URLSearchParams(raw)));
      } else {
        return fail(200, 'invalid_post_type');
      }
    }
    const auth = req.headers.authorization;
    const bearer = auth && /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    const token = bearer || (typeof params.token === 'string' ? params.token : undefined);
    delete params.token;
    record.params = params;
    if (token) record.token = token;
    // JSON bodies must carry the token in the Authorization header (api.slack.com/web#posting_json).
    if (contentType === 'application/json' && raw.length && !bearer) return fail(200, 'not_authed');

    const specParams = [...(op.parameters ?? []), ...(NEWER_PARAMS[method] ?? []), ...GLOBAL_PARAMS];
    const tokenParam = specParams.find((p) => p.name === 'token');
    const needsToken =
      tokenParam?.required === true ||
      (op.security ?? []).some((s) => Object.values(s).some((scopes) => scopes.some((sc) => sc !== 'none')));
    if (needsToken && !token) return fail(200, 'not_authed');
    if (hand?.appToken && token && !token.startsWith('xapp-')) return fail(200, 'invalid_auth');

    const problems = [...validateParams(params, specParams), ...handProblems(method, params)];
    if (problems.length)
      return fail(
        200,
        'invalid_arguments',
        problems.map((p) => `[ERROR] ${p}`),
      );

    const cue = this.#cues.get(method)?.shift();
    if (cue) {
      if ('retryAfterSec' in cue) {
        record.outcome = '429';
        send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(cue.retryAfterSec) });
        return;
      }
      if ('error' in cue) return fail(cue.status ?? 200, cue.error);
      record.outcome = String(cue.status);
      send(cue.status, cue.body ?? '');
      return;
    }
    send(200, this.#answer(method, params, token));
  }

  #nextTs(): string {
    this.#tsCounter++;
    return `${1_700_000_000 + this.#tsCounter}.${String(this.#tsCounter).padStart(6, '0')}`;
  }

  #answer(method: string, p: Record<string, unknown>, token: string | undefined): Record<string, unknown> {
    const botUser = this.options.botUserId ?? 'UHELPLINE';
    const botId = this.options.botId ?? 'BHELPLINE';
    const team = this.options.teamId ?? 'T0STANDIN';
    const blocks =
      p.blocks === undefined ? undefined : typeof p.blocks === 'string' ? JSON.parse(p.blocks) : p.blocks;
    switch (method) {
      case 'chat.postMessage': {
        const text = String(p.text ?? '');
        if (!text && blocks === undefined && p.attachments === undefined)
          return { ok: false, error: 'no_text' };
        if (text.length > 40_000) return { ok: false, error: 'msg_too_long' };
        if (Array.isArray(blocks) && blocks.length > 50) return { ok: false, error: 'invalid_blocks' };
        // A user id posts to the app's DM with them, which Slack answers with the DM's id.
        const channel = dmOf(String(p.channel));
        const ts = this.#nextTs();
        const msg: StoredMessage = { channel, ts, text };
        if (blocks !== undefined) msg.blocks = blocks;
        if (p.thread_ts !== undefined) msg.thread_ts = String(p.thread_ts);
        if (p.metadata !== undefined)
          msg.metadata = typeof p.metadata === 'string' ? JSON.parse(p.metadata) : p.metadata;
        this.messages.push(msg);
        return { ok: true, channel, ts, message: slackMessage(msg, botUser, botId, team) };
      }
      case 'chat.update': {
        const msg = this.messages.find((m) => m.channel === String(p.channel) && m.ts === String(p.ts));
        if (!msg) return { ok: false, error: 'message_not_found' };
        if (p.text !== undefined) msg.text = String(p.text);
        if (blocks !== undefined) msg.blocks = blocks;
        return {
          ok: true,
          channel: msg.channel,
          ts: msg.ts,
          text: msg.text,
          message: slackMessage(msg, botUser, botId, team),
        };
      }
      case 'users.info': {
        const u = this.#users.get(String(p.user ?? ''));
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: u.id,
            team_id: team,
            name: u.name,
            deleted: false,
            real_name: u.real_name ?? u.name,
            tz: u.tz ?? 'Asia/Shanghai',
            is_bot: u.is_bot ?? false,
            is_app_user: false,
            updated: 1_700_000_000,
            profile: { real_name: u.real_name ?? u.name, display_name: u.name, team: team, ...u.profile },
          },
        };
      }
      case 'conversations.replies': {
        const channel = String(p.channel ?? '');
        const root = String(p.ts ?? '');
        const thread = this.messages.filter(
          (m) => m.channel === channel && (m.ts === root || m.thread_ts === root),
        );
        if (!thread.length) return { ok: false, error: 'thread_not_found' };
        // Metadata is returned only when asked for (api.slack.com/metadata/retrieving).
        const withMeta = isTrue(p.include_all_metadata);
        return {
          ok: true,
          messages: thread.map((m) => slackMessage(m, botUser, botId, team, withMeta)),
          has_more: false,
          response_metadata: { next_cursor: '' },
        };
      }
      case 'conversations.history': {
        const channel = String(p.channel ?? '');
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const limit = Number(p.limit ?? 100);
        const withMeta = isTrue(p.include_all_metadata);
        // Top-level messages (and broadcasts), newest first.
        const top = this.messages
          .filter((m) => m.channel === channel && (m.thread_ts === undefined || m.thread_ts === m.ts))
          .reverse()
          .slice(0, limit);
        return {
          ok: true,
          messages: top.map((m) => slackMessage(m, botUser, botId, team, withMeta)),
          has_more: false,
          response_metadata: { next_cursor: '' },
        };
      }
      case 'conversations.open': {
        const users = String(p.users ?? '');
        if (!users && p.channel === undefined) return { ok: false, error: 'user_not_found' };
        if (users.includes(','))
          return { ok: true, channel: { id: `G${users.replace(/\W/g, '').slice(0, 10)}` } };
        return { ok: true, channel: { id: dmOf(users || String(p.channel)) } };
      }
      case 'views.open': {
        const view = typeof p.view === 'string' ? JSON.parse(p.view) : p.view;
        return {
          ok: true,
          view: {
            id: `V${String(++this.#tsCounter).padStart(8, '0')}`,
            team_id: team,
            ...view,
            state: { values: {} },
          },
        };
      }
      case 'auth.test':
        return {
          ok: true,
          url: 'https://standin.slack.com/',
          team: 'Stand-in',
          user: 'helpline',
          team_id: team,
          user_id: botUser,
          bot_id: botId,
        };
      case 'apps.connections.open':
        return {
          ok: true,
          url: this.socketUrl
            ? `${this.socketUrl}?ticket=${token?.slice(-6) ?? ''}`
            : `wss://127.0.0.1/link/?ticket=${token?.slice(-6) ?? ''}`,
        };
      default:
        return { ok: true };
    }
  }
}

function slackMessage(
  m: StoredMessage,
  user: string,
  botId: string,
  team: string,
  withMetadata = true,
): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'message', user, bot_id: botId, team, text: m.text, ts: m.ts };
  if (m.blocks !== undefined) out.blocks = m.blocks;
  if (m.thread_ts !== undefined) out.thread_ts = m.thread_ts;
  if (m.metadata !== undefined && withMetadata) out.metadata = m.metadata;
  return out;
}

const isTrue = (v: unknown) => v === true || v === 'true' || v === '1' || v === 1;

/** The app's DM with a user (U…/W…), deterministic; other ids are themselves. */
export function dmOf(channel: string): string {
  return /^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel;
}

const jsonOf = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
};
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the spec cannot express, from api.slack.com's pages: message metadata's shape
 * (metadata/using), and the modal view object of views.open (reference/views/modal-views,
 * reference/block-kit/blocks/input-block).
 */
export function handProblems(method: string, params: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if ((method === 'chat.postMessage' || method === 'chat.update') && params.metadata !== undefined) {
    const meta = jsonOf(params.metadata);
    if (!isRecord(meta)) problems.push('invalid metadata: not an object');
    else {
      if (typeof meta.event_type !== 'string' || !/^[a-zA-Z0-9_]{1,255}$/.test(meta.event_type))
        problems.push('invalid metadata: event_type must be a word of letters, digits and _');
      if (!isRecord(meta.event_payload)) problems.push('invalid metadata: event_payload must be an object');
    }
  }
  if (method === 'views.open' && params.view !== undefined)
    problems.push(...modalProblems(jsonOf(params.view)));
  return problems;
}

function plainTextProblem(v: unknown, where: string, max: number): string | undefined {
  if (!isRecord(v) || v.type !== 'plain_text' || typeof v.text !== 'string')
    return `${where} must be a plain_text object`;
  if (v.text.length === 0 || v.text.length > max) return `${where} must be 1–${max} characters`;
  return undefined;
}

const INPUT_ELEMENTS = new Set([
  'plain_text_input',
  'number_input',
  'static_select',
  'multi_static_select',
  'datepicker',
  'timepicker',
  'users_select',
  'conversations_select',
  'channels_select',
  'checkboxes',
  'radio_buttons',
  'email_text_input',
  'url_text_input',
]);

export function modalProblems(view: unknown): string[] {
  const out: string[] = [];
  const add = (p: string | undefined) => p && out.push(`invalid view: ${p}`);
  if (!isRecord(view)) return ['invalid view: not a JSON object'];
  if (view.type !== 'modal') add('type must be "modal"');
  add(plainTextProblem(view.title, 'title', 24));
  if (view.close !== undefined) add(plainTextProblem(view.close, 'close', 24));
  if (view.submit !== undefined) add(plainTextProblem(view.submit, 'submit', 24));
  if (
    view.callback_id !== undefined &&
    (typeof view.callback_id !== 'string' || view.callback_id.length > 255)
  )
    add('callback_id must be a string of at most 255 characters');
  if (
    view.private_metadata !== undefined &&
    (typeof view.private_metadata !== 'string' || view.private_metadata.length > 3000)
  )
    add('private_metadata must be a string of at most 3000 characters');
  if (!Array.isArray(view.blocks)) {
    add('blocks must be an array');
    return out;
  }
  if (view.blocks.length > 100) add('at most 100 blocks');
  const blockIds = new Set<string>();
  let inputs = 0;
  for (const [i, b] of view.blocks.entries()) {
    if (!isRecord(b) || typeof b.type !== 'string') {
      add(`blocks[${i}] has no type`);
      continue;
    }
    if (typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id)) add(`blocks[${i}].block_id is not unique`);
      blockIds.add(b.block_id);
    }
    if (b.type !== 'input') continue;
    inputs++;
    add(plainTextProblem(b.label, `blocks[${i}].label`, 2000));
    const el = b.element;
    if (!isRecord(el) || typeof el.type !== 'string' || !INPUT_ELEMENTS.has(el.type)) {
      add(`blocks[${i}].element must be an input element`);
      continue;
    }
    if (el.action_id !== undefined && (typeof el.action_id !== 'string' || el.action_id.length > 255))
      add(`blocks[${i}].element.action_id must be at most 255 characters`);
    if (el.placeholder !== undefined)
      add(plainTextProblem(el.placeholder, `blocks[${i}].element.placeholder`, 150));
    if (el.type === 'number_input' && typeof el.is_decimal_allowed !== 'boolean')
      add(`blocks[${i}].element.is_decimal_allowed is required for number_input`);
  }
  if (inputs > 0 && view.submit === undefined) add('submit is required when the view has input blocks');
  return out;
}

/** Checks merged fields against the spec's parameters; returns the problems found. */
export function validateParams(params: Record<string, unknown>, specParams: SpecParam[]): string[] {
  const problems: string[] = [];
  const byName = new Map(specParams.map((p) => [p.name, p]));
  for (const p of specParams) {
    if (p.name === 'token') continue;
    if (p.required && (params[p.name] === undefined || params[p.name] === ''))
      problems.push(`missing required field: ${p.name}`);
  }
  for (const [name, value] of Object.entries(params)) {
    const p = byName.get(name);
    if (!p) {
      problems.push(`unknown field: ${name}`);
      continue;
    }
    const problem = typeProblem(name, value, p.type ?? 'string');
    if (problem) problems.push(problem);
  }
  return problems;
}

function typeProblem(name: string, value: unknown, type: string): string | undefined {
  if (JSON_FIELDS.has(name)) {
    if (typeof value === 'object' && value !== null) return undefined;
    if (typeof value !== 'string') return `invalid type for field: ${name} (expected JSON)`;
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed !== 'object' || parsed === null) return `invalid JSON for field: ${name}`;
      if (name === 'blocks' && !Array.isArray(parsed))
        return 'invalid type for field: blocks (expected an array)';
    } catch {
      return `invalid JSON for field: ${name}`;
    }
    return undefined;
  }
  switch (type) {
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) ||
        (typeof value === 'string' && /^-?\d+$/.test(value))
        ? undefined
        : `invalid type for field: ${name} (expected integer)`;
    case 'number':
      return (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))
        ? undefined
        : `invalid type for field: ${name} (expected number)`;
    case 'boolean':
      return typeof value === 'boolean' || (typeof value === 'string' && /^(true|false|1|0)$/.test(value))
        ? undefined
        : `invalid type for field: ${name} (expected boolean)`;
    default:
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? undefined
        : `invalid type for field: ${name} (expected string)`;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
