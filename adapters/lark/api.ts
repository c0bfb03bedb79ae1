/**
 * The one place the Lark/Feishu Open API is called from: an SDK `Client` bound to LARK_DOMAIN (so
 * tests point it at tests/support/lark-api-stand-in.ts), and `larkCall`, which adds what the SDK's
 * generated methods lack — a timeout, a business-error check (Lark can answer HTTP 200 with a
 * non-zero `code`) and one failure shape (`LarkApiFailure`) for every caller to classify.
 *
 * Each client has its own token cache: the SDK's default cache is process-global and keyed by app
 * id only, so two clients of one app against different domains would share a token.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import { sdkLogger } from './sdk-logger.ts';

export interface LarkApiConfig {
  appId: string;
  appSecret: string;
  /** LARK_DOMAIN. @defaultValue https://open.feishu.cn */
  domain?: string;
  /** Default timeout of every request, the token request included. @defaultValue 10_000 */
  timeoutMs?: number;
}

/** The SDK's cache key: a string or one of its symbols (CTenantAccessToken). */
type CacheKey = Parameters<lark.Cache['get']>[0];

/** The SDK's `Cache` with a `clear()`, so a token Lark stopped accepting can be dropped. */
export class TokenCache implements lark.Cache {
  readonly #values = new Map<string, { value: unknown; expiresAt?: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async get(key: CacheKey, options?: { namespace?: string }): Promise<unknown> {
    const hit = this.#values.get(this.#key(key, options));
    if (!hit) return undefined;
    if (hit.expiresAt !== undefined && hit.expiresAt <= this.#now()) return undefined;
    return hit.value;
  }

  async set(
    key: CacheKey,
    value: unknown,
    expiresAt?: number,
    options?: { namespace?: string },
  ): Promise<boolean> {
    this.#values.set(this.#key(key, options), { value, expiresAt });
    return true;
  }

  clear(): void {
    this.#values.clear();
  }

  #key(key: CacheKey, options?: { namespace?: string }): string {
    return `${options?.namespace ?? ''}/${key.toString()}`;
  }
}

export interface LarkApi {
  client: lark.Client;
  tokens: TokenCache;
  domain: string;
}

export const DEFAULT_LARK_DOMAIN = 'https://open.feishu.cn';

/**
 * The SDK's HTTP instance with a default timeout: its token request sets none, so a silent network
 * would hang every call behind it. A call's own `timeout` still wins.
 */
export function timedHttp(timeoutMs: number): lark.HttpInstance {
  // Typed as a plain axios instance, but its response interceptor answers the body: an HttpInstance.
  const base = lark.defaultHttpInstance as unknown as lark.HttpInstance;
  const t = <O extends object>(opts?: O) => ({ timeout: timeoutMs, ...opts });
  return {
    request: (opts) => base.request(t(opts)),
    get: (url, opts) => base.get(url, t(opts)),
    delete: (url, opts) => base.delete(url, t(opts)),
    head: (url, opts) => base.head(url, t(opts)),
    options: (url, opts) => base.options(url, t(opts)),
    post: (url, data, opts) => base.post(url, data, t(opts)),
    put: (url, data, opts) => base.put(url, data, t(opts)),
    patch: (url, data, opts) => base.patch(url, data, t(opts)),
  };
}

export function createLarkApi(config: LarkApiConfig, logger: Logger, now?: () => number): LarkApi {
  const tokens = new TokenCache(now);
  const domain = (config.domain ?? DEFAULT_LARK_DOMAIN).replace(/\/+$/, '');
  const client = new lark.Client({
    appId: config.appId,
    appSecret: config.appSecret,
    domain,
    cache: tokens,
    disableTokenCache: false,
    httpInstance: timedHttp(config.timeoutMs ?? 10_000),
    loggerLevel: lark.LoggerLevel.error,
    // Every failed call is also thrown to the caller, which classifies and logs it once.
    logger: sdkLogger(logger, { error: 'debug', warn: 'debug' }),
  });
  return { client, tokens, domain };
}

/** Lark's answer envelope: `code` 0 is success; other fields depend on the API. */
export interface LarkEnvelope {
  code: number;
  msg?: string;
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Lark answered, but not with success: an HTTP error status, or HTTP 200 with a non-zero `code`.
 * `status` is the HTTP status (200 for business errors inside a 200); `headers` are lower-case.
 */
export class LarkApiFailure extends Error {
  readonly status: number;
  readonly code?: number;
  readonly headers: Record<string, string>;
  /** True when the tenant-token request itself was refused: the app id or secret is wrong. */
  readonly credentials: boolean;
  constructor(
    message: string,
    status: number,
    code: number | undefined,
    headers: Record<string, string>,
    credentials = false,
  ) {
    super(message);
    this.name = 'LarkApiFailure';
    this.status = status;
    if (code !== undefined) this.code = code;
    this.headers = headers;
    this.credentials = credentials;
  }
}

export interface LarkRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Absolute path, e.g. /open-apis/im/v1/messages. */
  path: string;
  params?: Record<string, string>;
  data?: Record<string, unknown>;
  /** @defaultValue 10_000 */
  timeoutMs?: number;
}

function lowerHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h || typeof h !== 'object') return out;
  const plain =
    typeof (h as { toJSON?: unknown }).toJSON === 'function' ? (h as { toJSON(): unknown }).toJSON() : h;
  for (const [k, v] of Object.entries(plain as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  return out;
}

/** The SDK's token fetch reports a refused secret as "failed to get tenant_access_token, code: N, msg: …". */
const TOKEN_ERROR = /failed to get tenant_access_token, code: (\d+), msg: (.*)$/;

/**
 * A thrown SDK/axios error as a LarkApiFailure when Lark answered; undefined when it did not
 * (connection refused, DNS, timeout: the caller passes those on untouched).
 */
export function larkFailureOf(err: unknown): LarkApiFailure | undefined {
  if (err instanceof LarkApiFailure) return err;
  const e = err as {
    response?: { status?: unknown; data?: unknown; headers?: unknown };
    config?: { url?: unknown };
  };
  const response = e?.response;
  if (response && typeof response.status === 'number') {
    const body = response.data as { code?: unknown; msg?: unknown } | undefined;
    const code = typeof body?.code === 'number' ? body.code : undefined;
    const msg = typeof body?.msg === 'string' ? body.msg : `HTTP ${response.status}`;
    const url = typeof e.config?.url === 'string' ? e.config.url : '';
    const credentials = url.includes('/open-apis/auth/v3/');
    return new LarkApiFailure(msg, response.status, code, lowerHeaders(response.headers), credentials);
  }
  const m = err instanceof Error ? TOKEN_ERROR.exec(err.message) : null;
  if (m) return new LarkApiFailure(m[2], 200, Number(m[1]), {}, true);
  return undefined;
}

/** Calls one Open API with the tenant token; resolves to the envelope of a `code: 0` answer. */
export async function larkCall(api: LarkApi, req: LarkRequest): Promise<LarkEnvelope> {
  const res = await api.client.request<LarkEnvelope>({
    method: req.method,
    url: req.path,
    params: req.params,
    data: req.data,
    timeout: req.timeoutMs ?? 10_000,
  });
  if (!res || typeof res !== 'object' || typeof res.code !== 'number') {
    throw new LarkApiFailure(`unexpected answer from ${req.method} ${req.path}`, 200, undefined, {});
  }
  if (res.code !== 0) throw new LarkApiFailure(res.msg ?? `code ${res.code}`, 200, res.code, {});
  return res;
}

/** Codes meaning the tenant token is missing, invalid or expired: drop the cache and fetch a new one. */
export const TOKEN_REJECTED_CODES = new Set([99991661, 99991663, 99991664, 99991665, 99991668]);
