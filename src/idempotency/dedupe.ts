/**
 * Event deduplication (DESIGN §5, §7): platforms deliver at least once, so a webhook asks
 * `firstSeen(eventKey, window)` before enqueueing and drops the event when it was seen already.
 * The window must outlast the platform's redelivery schedule. Two implementations pass one contract
 * (tests/idempotency/dedupe.contract.ts): memory (one process, embedded default) and Redis (shared by
 * every web process, REDIS_URL).
 */
import type { Redis } from 'ioredis';
import { HelplineError } from '../errors.ts';
import { withTimeout } from '../ops/with-timeout.ts';

export interface EventDeduper {
  /**
   * True exactly once per key within `ttlMs` (across concurrent callers): the caller that gets
   * true handles the event, everyone else drops it. A repeat does not extend the window.
   */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Forgets `key`: the event could not be queued after all, so its redelivery must be handled.
   * Forgetting an unknown key does nothing.
   */
  forget(key: string): Promise<void>;
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

function assertArgs(key: string, ttlMs: number): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new HelplineError(
      'INTERNAL',
      'firstSeen needs a non-empty event key (platform, workspace and event id).',
    );
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new HelplineError(
      'INTERNAL',
      `firstSeen needs a positive window in milliseconds, got ${ttlMs}; use SLACK_DEDUPE_TTL_MS, LARK_DEDUPE_TTL_MS or WEB_DEDUPE_TTL_MS.`,
    );
  }
}

export interface MemoryDeduperOptions {
  /** Milliseconds since the epoch. @defaultValue Date.now */
  now?: () => number;
  /**
   * At most this many keys are kept; past it the oldest key is forgotten early (an at-least-once
   * redelivery of it would then run again, and effects are idempotent). ~100 bytes a key.
   * @defaultValue 100000
   */
  maxEntries?: number;
  /** Expired keys are swept at most this often (and whenever the map is full). @defaultValue 60000 */
  sweepIntervalMs?: number;
}

/** One process's memory: the embedded default, and the stand-in for tests of webhook handlers. */
export class MemoryDeduper implements EventDeduper {
  readonly #now: () => number;
  readonly #maxEntries: number;
  readonly #sweepIntervalMs: number;
  /** key → expiry time; insertion order is first-seen order. */
  readonly #expiries = new Map<string, number>();
  #lastSweep: number;

  constructor(options: MemoryDeduperOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    if (!(this.#maxEntries >= 1)) {
      throw new HelplineError(
        'CONFIG_INVALID',
        `MemoryDeduper maxEntries must be at least 1, got ${options.maxEntries}.`,
      );
    }
    this.#lastSweep = this.#now();
  }

  /** Keys held now, expired ones not yet swept included. */
  get size(): number {
    return this.#expiries.size;
  }

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    assertArgs(key, ttlMs);
    // Synchronous from here on: concurrent callers cannot interleave between the read and the write.
    const now = this.#now();
    const expiry = this.#expiries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    if (expiry !== undefined) this.#expiries.delete(key);
    if (now - this.#lastSweep >= this.#sweepIntervalMs || this.#expiries.size >= this.#maxEntries)
      this.#sweep(now);
    while (this.#expiries.size >= this.#maxEntries) {
      const oldest = this.#expiries.keys().next().value as string;
      this.#expiries.delete(oldest);
    }
    this.#expiries.set(key, now + ttlMs);
    return true;
  }

  async forget(key: string): Promise<void> {
    this.#expiries.delete(key);
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [key, expiry] of this.#expiries) if (expiry <= now) this.#expiries.delete(key);
  }
}

/** The ioredis commands RedisDeduper uses (a `Redis` or `Cluster` client fits). */
export type RedisSetNx = Pick<Redis, 'set' | 'del'>;

export interface RedisDeduperOptions {
  redis: RedisSetNx;
  /** Prepended to every key. @defaultValue 'helpline:dedupe:' */
  prefix?: string;
  /**
   * A call fails with REDIS_UNAVAILABLE after this long, so a stalled Redis cannot hold the ack
   * past the platform's 3 s deadline (the platform then redelivers). @defaultValue 1000
   */
  timeoutMs?: number;
}

/** Shared by every process: `SET prefix+key 1 PX ttl NX`, atomic in Redis. */
export class RedisDeduper implements EventDeduper {
  readonly #redis: RedisSetNx;
  readonly #prefix: string;
  readonly #timeoutMs: number;

  constructor(options: RedisDeduperOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'helpline:dedupe:';
    this.#timeoutMs = options.timeoutMs ?? 1000;
  }

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    assertArgs(key, ttlMs);
    try {
      const reply = await withTimeout(
        this.#redis.set(this.#prefix + key, '1', 'PX', Math.ceil(ttlMs), 'NX'),
        this.#timeoutMs,
        `no answer within ${this.#timeoutMs} ms`,
      );
      return reply === 'OK';
    } catch (err) {
      throw unavailable(key, err);
    }
  }

  async forget(key: string): Promise<void> {
    try {
      await withTimeout(
        this.#redis.del(this.#prefix + key),
        this.#timeoutMs,
        `no answer within ${this.#timeoutMs} ms`,
      );
    } catch (err) {
      throw unavailable(key, err);
    }
  }
}

function unavailable(key: string, err: unknown): HelplineError {
  return new HelplineError(
    'REDIS_UNAVAILABLE',
    `Could not record event "${key}" as seen (${err instanceof Error ? err.message : String(err)}); check that Redis at REDIS_URL is running. Answer the webhook with a 5xx so the platform redelivers it.`,
    { cause: err },
  );
}
