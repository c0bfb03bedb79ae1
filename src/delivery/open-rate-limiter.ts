/**
 * Picks the rate limiter from configuration, like openJobRunner: Redis (shared by every worker)
 * when REDIS_URL is set, this process's memory otherwise. Redis is checked at open so a wrong URL
 * fails at start with REDIS_UNAVAILABLE.
 */
import { Redis } from 'ioredis';
import { withRedis } from '../jobs/redis-errors.ts';
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter } from './rate-limit.ts';

export interface OpenRateLimiterOptions {
  /** REDIS_URL. @defaultValue unset: MemoryRateLimiter */
  redisUrl?: string;
  /** Key prefix in Redis. @defaultValue 'helpline:rate:' */
  prefix?: string;
  /** Clock of the in-memory limiter (Redis uses its own). @defaultValue () => new Date() */
  now?: () => Date;
  /** @defaultValue 5000 */
  connectTimeoutMs?: number;
}

export interface OpenedRateLimiter {
  limiter: RateLimiter;
  kind: 'memory' | 'redis';
  /** Closes the Redis connection (nothing for memory). */
  close(): Promise<void>;
}

export async function openRateLimiter(options: OpenRateLimiterOptions = {}): Promise<OpenedRateLimiter> {
  const { redisUrl } = options;
  if (!redisUrl) {
    return { limiter: new MemoryRateLimiter({ now: options.now }), kind: 'memory', close: async () => {} };
  }
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  // A take that cannot reach Redis fails fast (the job is retried) rather than queueing in memory.
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
  });
  // Outages surface on the takes that fail (the delivery job is retried and reports them).
  redis.on('error', () => {});
  try {
    await withRedis(redisUrl, 'opening the delivery rate limiter', timeoutMs, async () => {
      await redis.connect();
      await redis.ping();
    });
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return {
    limiter: new RedisRateLimiter({ redis, prefix: options.prefix }),
    kind: 'redis',
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
