/**
 * What every RateLimiter does, run against MemoryRateLimiter (fake clock) and RedisRateLimiter
 * (real Redis, real time: waits are checked within a tolerance).
 */
import { expect, it } from 'vitest';
import type { RateLimiter } from '../../src/delivery/rate-limit.ts';

export interface LimiterHarness {
  limiter(): RateLimiter;
  /** Lets `ms` pass (fake clock: exactly; real clock: at least). */
  advance(ms: number): Promise<void>;
  /** How much real time may have passed between two calls that should be simultaneous. */
  slackMs: number;
}

export function rateLimiterContract(setup: () => Promise<LimiterHarness>): void {
  const near = (actual: number, expected: number, slack: number) => {
    expect(actual).toBeLessThanOrEqual(expected);
    expect(actual).toBeGreaterThanOrEqual(expected - slack);
  };

  it('lets the first message go and holds the next one for 1/perSecond', async () => {
    const h = await setup();
    const limiter = h.limiter();
    expect(await limiter.take('c1', { perSecond: 1 })).toBe(0);
    near(await limiter.take('c1', { perSecond: 1 }), 1000, h.slackMs);
  });

  it('lets a burst through at once, then spaces messages at the rate', async () => {
    const h = await setup();
    const limiter = h.limiter();
    const rule = { perSecond: 4, burst: 3 };
    expect(await Promise.all([1, 2, 3].map(() => limiter.take('b', rule)))).toEqual([0, 0, 0]);
    near(await limiter.take('b', rule), 250, h.slackMs);
  });

  it('takes nothing when it says wait: after the wait the message goes', async () => {
    const h = await setup();
    const limiter = h.limiter();
    // 250 ms: long enough that a busy machine does not refill the bucket between two calls.
    const rule = { perSecond: 4 };
    expect(await limiter.take('w', rule)).toBe(0);
    const wait = await limiter.take('w', rule);
    expect(wait).toBeGreaterThan(0);
    // Asking again while waiting does not push the turn further back.
    near(await limiter.take('w', rule), wait, h.slackMs);
    await h.advance(wait);
    expect(await limiter.take('w', rule)).toBe(0);
  });

  it('takes several buckets all or nothing', async () => {
    const h = await setup();
    const limiter = h.limiter();
    const chat = { bucket: 'chat', rule: { perSecond: 1 } };
    const app = { bucket: 'app', rule: { perSecond: 1 } };
    expect(await limiter.takeAll([chat])).toBe(0);
    // The chat bucket is empty, so the app bucket must keep its token.
    near(await limiter.takeAll([chat, app]), 1000, h.slackMs);
    expect(await limiter.takeAll([app])).toBe(0);
    expect(await limiter.takeAll([])).toBe(0);
  });

  it('keeps buckets apart', async () => {
    const h = await setup();
    const limiter = h.limiter();
    const rule = { perSecond: 1 };
    expect(await limiter.take('x', rule)).toBe(0);
    expect(await limiter.take('y', rule)).toBe(0);
    expect(await limiter.take('x', rule)).toBeGreaterThan(0);
  });

  it('refuses a rule that makes no sense', async () => {
    const h = await setup();
    const limiter = h.limiter();
    await expect(limiter.take('r', { perSecond: 0 })).rejects.toThrow(RangeError);
    await expect(limiter.take('r', { perSecond: 1, burst: 0.5 })).rejects.toThrow(RangeError);
  });
}
