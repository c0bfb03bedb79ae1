/**
 * How a platform's answer to a delivery is told to the delivery job (DESIGN §7): `DeliveryError`
 * with the status, Retry-After and the platform's code, and what each means — retry, wait, or give
 * up. The seam itself (`Deliverer`, `OutboundMessage`) is in src/inbound/ports.ts.
 */
import { createHash } from 'node:crypto';

export interface DeliveryErrorOptions {
  /** HTTP status the platform answered (Slack `ok:false` errors: map to the status they mean). */
  status?: number;
  /** How long the platform asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  /** The platform's own error code ('channel_not_found', '99991400'). */
  code?: string;
  /** Overrides the status-based classification (e.g. a rate limit reported inside a 200). */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * The platform answered but did not take the message. 429 and 5xx are retried (429 after
 * Retry-After), any other 4xx is permanent. Lark reports some rate limits as 400 with code 99991400:
 * its deliverer passes `status: 429` for those.
 */
export class DeliveryError extends Error {
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly code?: string;
  readonly retryable?: boolean;
  constructor(message: string, options: DeliveryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeliveryError';
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.code !== undefined) this.code = options.code;
    if (options.retryable !== undefined) this.retryable = options.retryable;
  }
}

/** Why a delivery failed, as counted in metrics. */
export type DeliveryFailureReason =
  | 'rate_limited'
  | 'server_error'
  | 'network'
  | 'rejected'
  | 'no_deliverer'
  | 'unknown';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** A transport failure (no answer from the platform): connection refused/reset, DNS, timeouts. */
export function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    const name = (e as { name?: unknown }).name;
    if (name === 'AbortError' || name === 'TimeoutError') return true;
    // undici's fetch: TypeError('fetch failed') with the socket error as cause.
    if (e instanceof TypeError && e.message === 'fetch failed') return true;
  }
  return false;
}

export function failureReason(err: unknown): DeliveryFailureReason {
  if (err instanceof DeliveryError) {
    if (err.status === 429) return 'rate_limited';
    if (err.status !== undefined && err.status >= 500) return 'server_error';
    if (err.status !== undefined && err.status >= 400) return 'rejected';
    return err.retryable === false ? 'rejected' : 'unknown';
  }
  return isNetworkError(err) ? 'network' : 'unknown';
}

/**
 * Whether trying again can help: 429, 5xx and network errors yes; other 4xx no. Errors of unknown
 * kind count as retryable (the runner's tries are bounded, and a dead letter records them).
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof DeliveryError) {
    if (err.retryable !== undefined) return err.retryable;
    if (err.status === undefined) return true;
    return err.status === 429 || err.status >= 500 || err.status < 400;
  }
  return true;
}

type HeaderBag =
  | Headers
  | Map<string, string>
  | Record<string, string | string[] | number | undefined | null>;

/**
 * Milliseconds to wait from a Retry-After value: a number of seconds, a string of seconds or an
 * HTTP date (relative to `now`), or a header bag holding `retry-after` or Lark's
 * `x-ogw-ratelimit-reset` (seconds). Undefined when absent or unreadable; never negative.
 */
export function retryAfterFrom(
  input: HeaderBag | number | string | null | undefined,
  now: Date = new Date(),
): number | undefined {
  if (input === null || input === undefined) return undefined;
  if (typeof input === 'number')
    return Number.isFinite(input) && input >= 0 ? Math.ceil(input * 1000) : undefined;
  if (typeof input === 'string') {
    const text = input.trim();
    if (text === '') return undefined;
    if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
    const at = Date.parse(text);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
  }
  for (const name of ['retry-after', 'x-ogw-ratelimit-reset']) {
    const value = header(input, name);
    const ms = value === undefined ? undefined : retryAfterFrom(value, now);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

function header(bag: HeaderBag, name: string): string | number | undefined {
  if (bag instanceof Headers) return bag.get(name) ?? undefined;
  if (bag instanceof Map) {
    for (const [k, v] of bag) if (k.toLowerCase() === name) return v;
    return undefined;
  }
  for (const [k, v] of Object.entries(bag)) {
    if (k.toLowerCase() !== name || v === null || v === undefined) continue;
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/**
 * The key as a platform idempotency token of at most `maxLength` characters (Lark `uuid`: 50):
 * the key itself when it fits, else a hash of it (deterministic, so retries send the same token).
 */
export function idempotencyToken(key: string, maxLength = 50): string {
  if (key.length <= maxLength) return key;
  return createHash('sha256').update(key).digest('hex').slice(0, maxLength);
}
