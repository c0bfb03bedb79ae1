import { describe, expect, it } from 'vitest';
import { openRateLimiter } from '../../src/delivery/open-rate-limiter.ts';
import { isHelplineError } from '../../src/errors.ts';
import { describeRedis, TEST_REDIS_URL } from './redis.ts';

describe('openRateLimiter', () => {
  it('is in memory without REDIS_URL', async () => {
    const opened = await openRateLimiter();
    expect(opened.kind).toBe('memory');
    expect(await opened.limiter.take('a', { perSecond: 1 })).toBe(0);
    await opened.close();
  });

  it('says REDIS_UNAVAILABLE, without the password, when Redis cannot be reached', async () => {
    const err = await openRateLimiter({
      redisUrl: 'redis://:s3cret@127.0.0.1:1',
      connectTimeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(isHelplineError(err, 'REDIS_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).not.toContain('s3cret');
  });
});

describeRedis('openRateLimiter with REDIS_URL', (redis) => {
  it('shares buckets between two opened limiters', async () => {
    const prefix = `${redis.prefix()}:`;
    const a = await openRateLimiter({ redisUrl: TEST_REDIS_URL, prefix });
    const b = await openRateLimiter({ redisUrl: TEST_REDIS_URL, prefix });
    try {
      expect(a.kind).toBe('redis');
      expect(await a.limiter.take('slack:channel:C1', { perSecond: 1 })).toBe(0);
      expect(await b.limiter.take('slack:channel:C1', { perSecond: 1 })).toBeGreaterThan(900);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
