/**
 * A local stand-in for the OpenAI REST API (chat completions and embeddings), so the real `openai`
 * client can be tested without a network or a model. It checks requests the way the real API
 * does (auth, JSON, required fields, roles) and answers in the real shapes, including the base64
 * embeddings the client asks for by default. Replies, embeddings, failures and delays are
 * scriptable per test; every request is recorded for assertions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path below the server root, e.g. `/v1/chat/completions`. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
  raw: string;
}

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  max_tokens?: number;
  response_format?: { type: string };
  [field: string]: unknown;
}

export interface EmbeddingsRequestBody {
  model: string;
  input: string | string[];
  encoding_format?: 'float' | 'base64';
  [field: string]: unknown;
}

/** A canned answer for the next request, instead of the normal one. */
export interface Failure {
  status: number;
  /** Seconds, sent as the Retry-After header. */
  retryAfter?: number;
  message?: string;
  /** Sent as-is instead of an OpenAI error body (e.g. a 200 with the wrong number of vectors). */
  body?: unknown;
}

export interface StandInOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  reply?: (request: ChatRequestBody) => string | Promise<string>;
  /** Embedding dimensions. @defaultValue 64 */
  dims?: number;
  /** Word (or Chinese bigram) → concept, so chosen words embed alike: a scripted "meaning". */
  concepts?: Record<string, string>;
}

export interface OpenAiStandIn {
  /** Base URL for the client, ending in `/v1`. */
  url: string;
  requests: RecordedRequest[];
  /** What the model says; change it per test. @defaultValue () => 'OK' */
  reply: (request: ChatRequestBody) => string | Promise<string>;
  /** How a text is embedded; @defaultValue hashed bag-of-words (see embedText). */
  embed: (text: string) => number[];
  /** Milliseconds to wait before answering each request (for client timeouts). */
  delayMs: number;
  /** Answer `data` in reverse order: the API does not promise order, only `index`. */
  reverseEmbeddings: boolean;
  /** Queue canned failures; each request takes the next one. */
  failNext(...failures: Failure[]): void;
  chatRequests(): ChatRequestBody[];
  embeddingRequests(): EmbeddingsRequestBody[];
  /** Forget requests, failures and scripted behaviour. */
  reset(): void;
  close(): Promise<void>;
}

const ROLES = ['system', 'user', 'assistant', 'developer', 'tool', 'function'];

class ApiError extends Error {
  readonly status: number;
  readonly param: string | null;
  readonly code: string | null;
  readonly type: string;
  constructor(
    status: number,
    message: string,
    param: string | null = null,
    code: string | null = null,
    type = 'invalid_request_error',
  ) {
    super(message);
    this.status = status;
    this.param = param;
    this.code = code;
    this.type = type;
  }
}

export async function startOpenAiStandIn(options: StandInOptions = {}): Promise<OpenAiStandIn> {
  const dims = options.dims ?? 64;
  const defaultEmbed = (text: string) => embedText(text, dims, options.concepts);
  let failures: Failure[] = [];
  let served = 0;
  const timers = new Set<NodeJS.Timeout>();

  const standIn: OpenAiStandIn = {
    url: '',
    requests: [],
    reply: options.reply ?? (() => 'OK'),
    embed: defaultEmbed,
    delayMs: 0,
    reverseEmbeddings: false,
    failNext: (...f) => {
      failures.push(...f);
    },
    chatRequests: () =>
      standIn.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as ChatRequestBody),
    embeddingRequests: () =>
      standIn.requests.filter((r) => r.path === '/v1/embeddings').map((r) => r.body as EmbeddingsRequestBody),
    reset: () => {
      standIn.requests.length = 0;
      failures = [];
      standIn.reply = options.reply ?? (() => 'OK');
      standIn.embed = defaultEmbed;
      standIn.delayMs = 0;
      standIn.reverseEmbeddings = false;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    standIn.requests.push({ method: req.method ?? '', path, headers: { ...req.headers }, body, raw });
    const id = ++served;
    if (standIn.delayMs > 0) await wait(standIn.delayMs);
    if (res.destroyed) return;

    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> =
        failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
      if (failure.body !== undefined) return send(res, failure.status, failure.body, headers);
      const type =
        failure.status === 429
          ? 'requests'
          : failure.status >= 500
            ? 'server_error'
            : 'invalid_request_error';
      const code = failure.status === 429 ? 'rate_limit_exceeded' : null;
      const message =
        failure.message ??
        (failure.status === 429
          ? 'Rate limit reached for requests.'
          : 'The server had an error while processing your request.');
      return sendError(res, new ApiError(failure.status, message, null, code, type), headers);
    }

    try {
      checkAuth(req, options.apiKey);
      if (req.method !== 'POST') throw new ApiError(405, `Invalid method for URL (${req.method} ${path})`);
      if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ApiError(
          400,
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
        );
      }
      const fields = body as Record<string, unknown>;
      if (path === '/v1/chat/completions') {
        const request = validateChat(fields);
        const content = await standIn.reply(request);
        return send(res, 200, chatCompletion(id, request, content));
      }
      if (path === '/v1/embeddings') {
        const request = validateEmbeddings(fields);
        return send(res, 200, embeddingList(request, standIn.embed, standIn.reverseEmbeddings));
      }
      throw new ApiError(404, `Invalid URL (${req.method} ${path})`);
    } catch (err) {
      if (err instanceof ApiError) return sendError(res, err);
      return sendError(
        res,
        new ApiError(500, `stand-in: ${(err as Error).message}`, null, null, 'server_error'),
      );
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendError(res, new ApiError(500, String(err), null, null, 'server_error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return standIn;
}

function checkAuth(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) {
    throw new ApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  }
  if (header.slice('Bearer '.length) !== apiKey) {
    throw new ApiError(401, 'Incorrect API key provided.', null, 'invalid_api_key');
  }
}

function validateChat(body: Record<string, unknown>): ChatRequestBody {
  requireModel(body);
  const messages = body.messages;
  if (messages === undefined)
    throw new ApiError(
      400,
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    );
  if (!Array.isArray(messages))
    throw new ApiError(
      400,
      `Invalid type for 'messages': expected an array, but got ${typeName(messages)} instead.`,
      'messages',
      'invalid_type',
    );
  if (messages.length === 0) {
    throw new ApiError(
      400,
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  messages.forEach((m: unknown, i) => {
    const at = `messages[${i}]`;
    if (typeof m !== 'object' || m === null)
      throw new ApiError(
        400,
        `Invalid type for '${at}': expected an object, but got ${typeName(m)} instead.`,
        at,
        'invalid_type',
      );
    const { role, content } = m as Record<string, unknown>;
    if (role === undefined)
      throw new ApiError(
        400,
        `Missing required parameter: '${at}.role'.`,
        `${at}.role`,
        'missing_required_parameter',
      );
    if (typeof role !== 'string' || !ROLES.includes(role)) {
      throw new ApiError(
        400,
        `Invalid value: '${String(role)}'. Supported values are: ${ROLES.map((r) => `'${r}'`).join(', ')}.`,
        `${at}.role`,
        'invalid_value',
      );
    }
    if (content === undefined && role !== 'assistant') {
      throw new ApiError(
        400,
        `Missing required parameter: '${at}.content'.`,
        `${at}.content`,
        'missing_required_parameter',
      );
    }
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
      throw new ApiError(
        400,
        `Invalid type for '${at}.content': expected one of a string or array of objects, but got ${typeName(content)} instead.`,
        `${at}.content`,
        'invalid_type',
      );
    }
  });
  const t = body.temperature;
  if (t !== undefined && t !== null && (typeof t !== 'number' || t < 0 || t > 2)) {
    throw new ApiError(
      400,
      `Invalid 'temperature': expected a number between 0 and 2, but got ${JSON.stringify(t)} instead.`,
      'temperature',
      'invalid_value',
    );
  }
  const max = body.max_tokens;
  if (max !== undefined && max !== null && (!Number.isInteger(max) || (max as number) < 1)) {
    throw new ApiError(
      400,
      `Invalid 'max_tokens': expected a positive integer, but got ${JSON.stringify(max)} instead.`,
      'max_tokens',
      'invalid_value',
    );
  }
  const format = body.response_format as { type?: unknown } | undefined;
  if (format?.type === 'json_object' && !/json/i.test(JSON.stringify(messages))) {
    throw new ApiError(
      400,
      "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      'messages',
    );
  }
  return body as ChatRequestBody;
}

function validateEmbeddings(body: Record<string, unknown>): EmbeddingsRequestBody {
  requireModel(body);
  const input = body.input;
  if (input === undefined)
    throw new ApiError(400, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  const ok =
    (typeof input === 'string' && input.length > 0) ||
    (Array.isArray(input) &&
      input.length > 0 &&
      input.length <= 2048 &&
      input.every((s) => typeof s === 'string' && s.length > 0));
  if (!ok)
    throw new ApiError(
      400,
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      null,
    );
  const format = body.encoding_format;
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    throw new ApiError(
      400,
      `Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`,
      'encoding_format',
      'invalid_value',
    );
  }
  return body as EmbeddingsRequestBody;
}

function requireModel(body: Record<string, unknown>): void {
  if (body.model === undefined) throw new ApiError(400, 'you must provide a model parameter', null);
  if (typeof body.model !== 'string' || body.model.length === 0) {
    throw new ApiError(
      400,
      `Invalid type for 'model': expected a string, but got ${typeName(body.model)} instead.`,
      'model',
      'invalid_type',
    );
  }
}

function chatCompletion(id: number, request: ChatRequestBody, content: string) {
  const promptTokens = Math.ceil(JSON.stringify(request.messages).length / 4);
  const completionTokens = Math.ceil(content.length / 4);
  return {
    id: `chatcmpl-standin${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
    system_fingerprint: null,
  };
}

function embeddingList(request: EmbeddingsRequestBody, embed: (text: string) => number[], reverse: boolean) {
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  const data = inputs.map((text, index) => {
    const vector = embed(text);
    const embedding =
      request.encoding_format === 'base64'
        ? Buffer.from(Float32Array.from(vector).buffer).toString('base64')
        : vector;
    return { object: 'embedding', index, embedding };
  });
  if (reverse) data.reverse();
  const tokens = inputs.reduce((n, t) => n + tokensOf(t).length, 0);
  return {
    object: 'list',
    data,
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** Words, and for Chinese runs their character bigrams (a lone character stands for itself). */
export function tokensOf(text: string): string[] {
  const out: string[] = [];
  for (const [run] of text
    .normalize('NFKC')
    .toLowerCase()
    .matchAll(/\p{Script=Han}+|[\p{L}\p{N}]+/gu)) {
    if (!/\p{Script=Han}/u.test(run) || run.length === 1) out.push(run);
    else for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return out;
}

/**
 * A deterministic embedding: signed feature hashing of the tokens into `dims` buckets, L2-normalized.
 * Texts that share words are close; texts that share none are near orthogonal.
 */
export function embedText(text: string, dims = 64, concepts: Record<string, string> = {}): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const token of tokensOf(text)) {
    const h = fnv1a(concepts[token] ?? token);
    v[h % dims] += (h >>> 16) & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

/** Cosine similarity of two vectors. */
export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na * nb) || 1);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (Number.isInteger(v)) return 'an integer';
  return `a ${typeof v}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `req_standin_${Date.now()}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: ApiError, headers: Record<string, string> = {}): void {
  send(
    res,
    err.status,
    { error: { message: err.message, type: err.type, param: err.param, code: err.code } },
    headers,
  );
}
