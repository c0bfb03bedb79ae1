import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  limitsFor,
  MemoryRateLimiter,
  RedisRateLimiter,
} from '../../src/delivery/rate-limit.ts';
import { type FakeClock, fakeClock } from './clock.ts';
import { type LimiterHarness, rateLimiterContract } from './rate-limit.contract.ts';
import { describeRedis } from './redis.ts';

describe('MemoryRateLimiter', () => {
  rateLimiterContract(async (): Promise<LimiterHarness> => {
    const clock = fakeClock();
    return {
      limiter: () => new MemoryRateLimiter({ now: clock.now }),
      advance: async (ms) => clock.advance(ms),
      slackMs: 0,
    };
  });

  it('1/s: the second message waits 1000 ms, less the time already passed', async () => {
    const clock = fakeClock();
    const limiter = new MemoryRateLimiter({ now: clock.now });
    const slack = { perSecond: 1 };
    expect(await limiter.take('slack:channel:C1', slack)).toBe(0);
    expect(await limiter.take('slack:channel:C1', slack)).toBe(1000);
    clock.advance(400);
    expect(await limiter.take('slack:channel:C1', slack)).toBe(600);
    clock.advance(600);
    expect(await limiter.take('slack:channel:C1', slack)).toBe(0);
    expect(await limiter.take('slack:channel:C1', slack)).toBe(1000);
  });

  it('burst: refills up to the burst after a quiet spell, not beyond', async () => {
    const clock = fakeClock();
    const limiter = new MemoryRateLimiter({ now: clock.now });
    const rule = { perSecond: 5, burst: 5 };
    const first = await Promise.all(Array.from({ length: 6 }, () => limiter.take('b', rule)));
    expect(first).toEqual([0, 0, 0, 0, 0, 200]);
    clock.advance(60_000);
    const later = [];
    for (let i = 0; i < 7; i++) later.push(await limiter.take('b', rule));
    expect(later).toEqual([0, 0, 0, 0, 0, 200, 200]);
  });

  it('a clock that goes backwards gives no tokens', async () => {
    const clock = fakeClock();
    const limiter = new MemoryRateLimiter({ now: clock.now });
    expect(await limiter.take('k', { perSecond: 1 })).toBe(0);
    clock.advance(-5000);
    expect(await limiter.take('k', { perSecond: 1 })).toBe(1000);
  });

  /** Every message retries when told; returns when each one went (ms from the start). */
  async function simulate(limiter: MemoryRateLimiter, clock: FakeClock, chats: string[]) {
    const sentAt: number[] = [];
    const due = chats.map(() => 0);
    while (due.some((d) => d >= 0)) {
      const next = Math.min(...due.filter((d) => d >= 0));
      clock.advance(next - clock.ms());
      for (let i = 0; i < chats.length; i++) {
        if (due[i] !== next) continue;
        const wait = await limiter.takeAll(limitsFor({ platform: 'lark', channel: chats[i] }));
        if (wait === 0) {
          sentAt[i] = clock.ms();
          due[i] = -1;
        } else due[i] = clock.ms() + wait;
      }
    }
    return sentAt;
  }

  it('Lark: the app bucket caps many chats at 50 messages a second', async () => {
    const clock = fakeClock();
    const limiter = new MemoryRateLimiter({ now: clock.now });
    const chats = Array.from({ length: 120 }, (_, i) => `oc_${i}`);
    const sentAt = await simulate(limiter, clock, chats);
    for (let start = 0; start <= 1400; start += 100) {
      expect(sentAt.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(50);
    }
    expect(sentAt.filter((t) => t < 1000)).toHaveLength(50);
    expect(Math.max(...sentAt)).toBe(119 * 20);
  });

  it('Lark: one chat gets 5 messages a second, evenly spaced', async () => {
    const clock = fakeClock();
    const limiter = new MemoryRateLimiter({ now: clock.now });
    const sentAt = await simulate(
      limiter,
      clock,
      Array.from({ length: 12 }, () => 'oc_1'),
    );
    expect(sentAt.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i * 200));
  });
});

describe('limitsFor', () => {
  it('slack: the channel bucket, 1/s', () => {
    expect(limitsFor({ platform: 'slack', channel: 'C1' })).toEqual([
      { bucket: 'slack:channel:C1', rule: { perSecond: 1, burst: 1 } },
    ]);
  });
  it('lark: the chat bucket (5/s) and the app bucket (50/s)', () => {
    expect(limitsFor({ platform: 'lark', channel: 'oc_1' })).toEqual([
      { bucket: 'lark:channel:oc_1', rule: { perSecond: 5, burst: 1 } },
      { bucket: 'lark:app', rule: { perSecond: 50, burst: 1 } },
    ]);
  });
  it('web: none', () => {
    expect(limitsFor({ platform: 'web', channel: 't1' })).toEqual([]);
  });
  it('takes configured limits', () => {
    const limits = { ...DEFAULT_LIMITS, slack: { channel: { perSecond: 2 }, app: { perSecond: 10 } } };
    expect(limitsFor({ platform: 'slack', channel: 'C1' }, limits).map((b) => b.bucket)).toEqual([
      'slack:channel:C1',
      'slack:app',
    ]);
  });
});

describeRedis('RedisRateLimiter', (redis) => {
  rateLimiterContract(async (): Promise<LimiterHarness> => {
    const prefix = `${redis.prefix()}:`;
    return {
      limiter: () => new RedisRateLimiter({ redis: redis.connect(), prefix }),
      advance: (ms) => new Promise((r) => setTimeout(r, ms + 5)),
      slackMs: 200,
    };
  });

  it('is shared and atomic: 10 parallel takes from two limiters on a 5/s bucket → 5 go at once', async () => {
    const prefix = `${redis.prefix()}:`;
    const a = new RedisRateLimiter({ redis: redis.connect(), prefix });
    const b = new RedisRateLimiter({ redis: redis.connect(), prefix });
    const rule = { perSecond: 5, burst: 5 };
    const waits = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take('lark:channel:oc_1', rule)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    for (const w of waits.filter((w) => w > 0)) {
      expect(w).toBeGreaterThan(100);
      expect(w).toBeLessThanOrEqual(200);
    }
  });

  it('spaces real messages at the rate (timing on the Redis clock)', async () => {
    const prefix = `${redis.prefix()}:`;
    const limiter = new RedisRateLimiter({ redis: redis.connect(), prefix });
    const rule = { perSecond: 10 };
    const sentAt: number[] = [];
    const start = Date.now();
    while (sentAt.length < 5) {
      const wait = await limiter.take('c', rule);
      if (wait === 0) sentAt.push(Date.now() - start);
      else await new Promise((r) => setTimeout(r, wait));
    }
    // Spaced on Redis's clock: seen from here one gap may shrink as the one before it grew (a reply
    // read late on a busy machine), but four gaps together take at least four intervals.
    expect(sentAt[4] - sentAt[0]).toBeGreaterThanOrEqual(380);
    // Not much later either: a caller told to wait is let through when it comes back.
    expect(sentAt[4]).toBeLessThan(1500);
  });

  it('lets idle buckets expire', async () => {
    const prefix = `${redis.prefix()}:`;
    const connection = redis.connect();
    const limiter = new RedisRateLimiter({ redis: connection, prefix });
    await limiter.take('idle', { perSecond: 2, burst: 2 });
    const ttl = await connection.pttl(`${prefix}idle`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
  });
});
