/**
 * Event deduplication (DESIGN §5, §7): platforms deliver at least once, so `accept` asks
 * `seen(eventKey)` before it queues an event and drops it when it was seen already, and
 * `remember`s the key once the event is queued. Remembering after queueing, not before, means a
 * failure in between never drops the platform's redelivery; two deliveries racing past `seen` queue
 * the same job id, which the runners keep once. The window must outlast the platform's redelivery
 * schedule. Two implementations pass one contract (tests/idempotency/dedupe.contract.ts): memory (one
 * process, the embedded default) and Redis (shared by every web process, REDIS_URL).
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { HelplineError } from '../errors.ts';
import { withTimeout } from '../ops/with-timeout.ts';

export interface EventDeduper {
  /** Whether `key` was remembered within its window. */
  seen(key: string): Promise<boolean>;
  /** Remembers `key` for `ttlMs` from now: the event is queued, its redeliveries are duplicates. */
  remember(key: string, ttlMs: number): Promise<void>;
}

/**
 * Slack retries an event it got no 2xx for up to 3 times — immediately, after 1 min, after 5 min.
 * DESIGN asks ≥ 10 min; 1 h covers the schedule with a wide margin for slow acks and clock skew.
 */
export const SLACK_DEDUPE_TTL_MS = 60 * 60 * 1000;
/**
 * Lark/Feishu redelivers at 15 s, 5 min, 1 h and 6 h after the first try (≈ 7 h 5 min in all).
 * DESIGN asks ≥ 8 h; 12 h covers the last retry with margin.
 */
export const LARK_DEDUPE_TTL_MS = 12 * 60 * 60 * 1000;
/**
 * The web chat has no platform redelivery; it covers a browser or proxy re-sending a POST after a
 * network error, which happens within seconds to a few minutes.
 */
export const WEB_DEDUPE_TTL_MS = 10 * 60 * 1000;

export const DEDUPE_TTL_MS = {
  slack: SLACK_DEDUPE_TTL_MS,
  lark: LARK_DEDUPE_TTL_MS,
  web: WEB_DEDUPE_TTL_MS,
} as const;

/** Keys are namespaced by platform (and workspace/tenant) so two platforms' ids never collide. */
export function eventKey(platform: string, scope: string, eventId: string): string {
  return `${platform}:${scope}:${eventId}`;
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new HelplineError(
      'INTERNAL',
      'Deduplication needs a non-empty event key (platform, workspace and event id).',
    );
  }
}

function assertArgs(key: string, ttlMs: number): void {
  assertKey(key);
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new HelplineError(
      'INTERNAL',
      `remember needs a positive window in milliseconds, got ${ttlMs}; use SLACK_DEDUPE_TTL_MS, LARK_DEDUPE_TTL_MS or WEB_DEDUPE_TTL_MS.`,
    );
  }
}

export interface MemoryDeduperOptions {
  /** @defaultValue Date.now */
  now?: () => number;
  /** Keys kept at most; the least recently remembered go first. @defaultValue 100000 */
  maxEntries?: number;
}

/** One process: an LRU of keys, each with its own expiry (lru-cache). */
export class MemoryDeduper implements EventDeduper {
  #keys: LRUCache<string, true> | undefined;
  readonly #make: () => LRUCache<string, true>;

  constructor(options: MemoryDeduperOptions = {}) {
    const max = options.maxEntries ?? 100_000;
    if (!(max >= 1)) {
      throw new HelplineError(
        'CONFIG_INVALID',
        `MemoryDeduper maxEntries must be at least 1, got ${options.maxEntries}.`,
      );
    }
    const now = options.now ?? Date.now;
    // Made on first use: lru-cache allocates its slots up front (~0.1 s for 100k), which a start
    // would otherwise wait for.
    this.#make = () => new LRUCache<string, true>({ max, ttlResolution: 0, perf: { now } });
  }

  get size(): number {
    return this.#keys?.size ?? 0;
  }

  async seen(key: string): Promise<boolean> {
    assertKey(key);
    return this.#keys?.has(key) ?? false;
  }

  async remember(key: string, ttlMs: number): Promise<void> {
    assertArgs(key, ttlMs);
    this.#keys ??= this.#make();
    this.#keys.set(key, true, { ttl: ttlMs });
  }
}

export type RedisKeys = Pick<Redis, 'set' | 'exists'>;

export interface RedisDeduperOptions {
  redis: RedisKeys;
  /** @defaultValue 'helpline:dedupe:' */
  prefix?: string;
  /** How long a call may wait for Redis. @defaultValue 1000 */
  timeoutMs?: number;
}

/** Shared by every process: one key per event with a millisecond expiry. */
export class RedisDeduper implements EventDeduper {
  readonly #redis: RedisKeys;
  readonly #prefix: string;
  readonly #timeoutMs: number;

  constructor(options: RedisDeduperOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'helpline:dedupe:';
    this.#timeoutMs = options.timeoutMs ?? 1000;
  }

  async seen(key: string): Promise<boolean> {
    assertKey(key);
    return (await this.#call(key, () => this.#redis.exists(this.#prefix + key))) === 1;
  }

  async remember(key: string, ttlMs: number): Promise<void> {
    assertArgs(key, ttlMs);
    await this.#call(key, () => this.#redis.set(this.#prefix + key, '1', 'PX', Math.ceil(ttlMs)));
  }

  async #call<T>(key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(fn(), this.#timeoutMs, `no answer within ${this.#timeoutMs} ms`);
    } catch (err) {
      throw new HelplineError(
        'REDIS_UNAVAILABLE',
        `Could not check event "${key}" against Redis (${err instanceof Error ? err.message : String(err)}); check that Redis at REDIS_URL is running. The webhook answers 5xx so the platform redelivers it.`,
        { cause: err },
      );
    }
  }
}
