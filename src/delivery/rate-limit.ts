/**
 * Outbound rate limits as token buckets: a bucket holds up to `burst` tokens, refills at
 * `perSecond`, and each message takes one token from every bucket it must pass (its channel's and
 * its app's). `take` never blocks and never reserves: it answers 0 (go, tokens taken) or how many
 * ms until all the buckets would have a token (nothing taken), and the caller tries again then.
 * Taking several buckets is all-or-nothing, so a message held back by the app bucket does not use
 * up its channel's turn.
 *
 * Two implementations: MemoryRateLimiter (one process; clock injected) and RedisRateLimiter (one
 * Lua script, so every worker on the Redis shares the buckets; the clock is Redis's).
 */
import type { Redis } from 'ioredis';
import type { OutboundMessage, Platform } from '../inbound/ports.ts';

export interface RateRule {
  /** Sustained rate. */
  perSecond: number;
  /**
   * Messages that may go at once after a quiet spell. With 1 (the default) messages are evenly
   * spaced and no one-second window ever holds more than `perSecond`; with b > 1 a window can hold
   * up to `perSecond + b - 1`. @defaultValue 1
   */
  burst?: number;
}

export interface BucketRule {
  /** Bucket name, e.g. `slack:channel:C123`. */
  bucket: string;
  rule: RateRule;
}

export interface RateLimiter {
  /** One token from `bucket`: 0 when taken, else ms until one is available (nothing taken). */
  take(bucket: string, rule: RateRule): Promise<number>;
  /** One token from each bucket, all or none: 0 when taken, else ms until all have one. */
  takeAll(buckets: readonly BucketRule[]): Promise<number>;
}

export interface PlatformLimits {
  /** Per channel (Slack channel, Lark chat). */
  channel?: RateRule;
  /** Per app, across all channels. */
  app?: RateRule;
}

/**
 * Published platform limits for sending messages:
 * - Slack chat.postMessage: about 1 message per second per channel ("short bursts allowed" — we do
 *   not rely on them: burst 1 keeps replies 1 s apart). No per-app cap for this method.
 * - Lark im/v1/messages: 5 QPS per chat (shared by the bots in a group) and 50/s (1000/min) per app.
 *   Burst 1: 200 ms apart per chat, 20 ms apart per app, so no second ever exceeds the quota.
 * - Web: our own store, unlimited.
 */
export const DEFAULT_LIMITS: Readonly<Record<Platform, PlatformLimits>> = {
  slack: { channel: { perSecond: 1, burst: 1 } },
  lark: { channel: { perSecond: 5, burst: 1 }, app: { perSecond: 50, burst: 1 } },
  web: {},
};

/** The buckets a message must pass, channel bucket first. */
export function limitsFor(
  msg: Pick<OutboundMessage, 'platform' | 'channel'>,
  limits: Readonly<Record<Platform, PlatformLimits>> = DEFAULT_LIMITS,
): BucketRule[] {
  const platform = limits[msg.platform] ?? {};
  const buckets: BucketRule[] = [];
  if (platform.channel)
    buckets.push({ bucket: `${msg.platform}:channel:${msg.channel}`, rule: platform.channel });
  if (platform.app) buckets.push({ bucket: `${msg.platform}:app`, rule: platform.app });
  return buckets;
}

function checkRule(rule: RateRule): { rate: number; burst: number } {
  const burst = rule.burst ?? 1;
  if (!(rule.perSecond > 0) || !Number.isFinite(rule.perSecond)) {
    throw new RangeError(`perSecond must be a positive number, got ${rule.perSecond}`);
  }
  if (!Number.isInteger(burst) || burst < 1) {
    throw new RangeError(`burst must be a positive integer, got ${burst}`);
  }
  return { rate: rule.perSecond / 1000, burst };
}

/** Refill arithmetic in floating point: 200 ms × 0.005/ms may come to 0.9999999999999999. */
const EPSILON = 1e-9;

interface BucketState {
  tokens: number;
  at: number;
}

export interface MemoryRateLimiterOptions {
  /** @defaultValue () => new Date() */
  now?: () => Date;
}

/** Buckets in this process's memory: the embedded default (one process sends everything). */
export class MemoryRateLimiter implements RateLimiter {
  readonly #now: () => Date;
  readonly #buckets = new Map<string, BucketState & { rate: number; burst: number }>();

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  take(bucket: string, rule: RateRule): Promise<number> {
    return this.takeAll([{ bucket, rule }]);
  }

  async takeAll(buckets: readonly BucketRule[]): Promise<number> {
    const now = this.#now().getTime();
    const rules = buckets.map((b) => checkRule(b.rule));
    const states = buckets.map((b, i) => refill(this.#buckets.get(b.bucket), rules[i], now));
    let wait = 0;
    for (let i = 0; i < states.length; i++) {
      if (states[i].tokens < 1 - EPSILON)
        wait = Math.max(wait, Math.ceil((1 - states[i].tokens) / rules[i].rate));
    }
    if (wait > 0) return wait;
    for (let i = 0; i < states.length; i++) {
      this.#buckets.set(buckets[i].bucket, {
        tokens: Math.max(0, states[i].tokens - 1),
        at: states[i].at,
        ...rules[i],
      });
    }
    if (this.#buckets.size > 10_000) this.#sweep(now);
    return 0;
  }

  /** Forgets buckets that have refilled completely (they equal a new bucket). */
  #sweep(now: number): void {
    for (const [name, state] of this.#buckets) {
      if (refill(state, state, now).tokens >= state.burst) this.#buckets.delete(name);
    }
  }
}

function refill(
  state: BucketState | undefined,
  rule: { rate: number; burst: number },
  now: number,
): BucketState {
  if (!state) return { tokens: rule.burst, at: now };
  // A clock that went backwards refills nothing (and does not move `at` back).
  if (now <= state.at) return { tokens: Math.min(rule.burst, state.tokens), at: state.at };
  return { tokens: Math.min(rule.burst, state.tokens + (now - state.at) * rule.rate), at: now };
}

/**
 * KEYS: the buckets. ARGV: rate (tokens/ms) and burst for each key, in order.
 * Same arithmetic as MemoryRateLimiter, on Redis's clock so workers on different hosts agree.
 * Idle buckets expire once they would be full again.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local tokens, ats = {}, {}
local wait = 0
for i = 1, n do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local v = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local tk = tonumber(v[1])
  local at = tonumber(v[2])
  if tk == nil or at == nil then
    tk = burst
    at = now
  elseif now > at then
    tk = math.min(burst, tk + (now - at) * rate)
    at = now
  else
    tk = math.min(burst, tk)
  end
  tokens[i] = tk
  ats[i] = at
  if tk < 1 - 1e-9 then
    local w = math.ceil((1 - tk) / rate)
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i = 1, n do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  redis.call('HSET', KEYS[i], 'tokens', string.format('%.17g', math.max(0, tokens[i] - 1)), 'at', ats[i])
  redis.call('PEXPIRE', KEYS[i], math.ceil(burst / rate) + 1000)
end
return 0
`;

const COMMAND = 'helplineTakeTokens';

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** Prepended to bucket names. @defaultValue 'helpline:rate:' */
  prefix?: string;
}

/** Buckets in Redis, shared by every worker process. */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(options: RedisRateLimiterOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'helpline:rate:';
    // defineCommand sends EVALSHA and falls back to EVAL once per connection.
    if (typeof (this.#redis as unknown as Record<string, unknown>)[COMMAND] !== 'function') {
      this.#redis.defineCommand(COMMAND, { lua: TAKE_SCRIPT });
    }
  }

  take(bucket: string, rule: RateRule): Promise<number> {
    return this.takeAll([{ bucket, rule }]);
  }

  async takeAll(buckets: readonly BucketRule[]): Promise<number> {
    if (buckets.length === 0) return 0;
    const args: (string | number)[] = [buckets.length];
    for (const b of buckets) args.push(this.#prefix + b.bucket);
    for (const b of buckets) {
      const { rate, burst } = checkRule(b.rule);
      args.push(String(rate), burst);
    }
    const command = (
      this.#redis as unknown as Record<string, (...a: (string | number)[]) => Promise<number>>
    )[COMMAND];
    return Number(await command.apply(this.#redis, args));
  }
}
