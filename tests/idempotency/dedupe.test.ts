import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import {
  DEDUPE_TTL_MS,
  eventKey,
  LARK_DEDUPE_TTL_MS,
  MemoryDeduper,
  RedisDeduper,
  SLACK_DEDUPE_TTL_MS,
  WEB_DEDUPE_TTL_MS,
} from '../../src/idempotency/dedupe.ts';
import { eventDeduperContract } from './dedupe.contract.ts';
import { describeRedis } from './real-redis.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

function fakeClock(start = Date.UTC(2026, 0, 5, 9)) {
  let t = start;
  return {
    now: () => t,
    advance: async (ms: number) => {
      t += ms;
    },
  };
}

describe('EventDeduper contract [memory, injected clock]', () => {
  eventDeduperContract(async () => {
    const clock = fakeClock();
    // A day-long window costs nothing with an injected clock.
    return { deduper: new MemoryDeduper({ now: clock.now }), ttlMs: 24 * HOUR, advance: clock.advance };
  });
});

describeRedis('EventDeduper contract', (ctx) => {
  eventDeduperContract(async () => ({
    deduper: new RedisDeduper({ redis: ctx.client(), prefix: ctx.prefix() }),
    ttlMs: 300,
    advance: (ms) => sleep(ms),
  }));

  it('stores keys under the prefix with a millisecond expiry no longer than the window', async () => {
    const client = ctx.client();
    const prefix = ctx.prefix();
    const deduper = new RedisDeduper({ redis: client, prefix });
    await deduper.remember('lark:tenant:ev-1', LARK_DEDUPE_TTL_MS);
    expect(await client.get(`${prefix}lark:tenant:ev-1`)).toBe('1');
    const pttl = await client.pttl(`${prefix}lark:tenant:ev-1`);
    expect(pttl).toBeGreaterThan(LARK_DEDUPE_TTL_MS - 5_000);
    expect(pttl).toBeLessThanOrEqual(LARK_DEDUPE_TTL_MS);
  });

  it('is shared by processes: what one connection remembers, the other sees', async () => {
    const prefix = ctx.prefix();
    const a = new RedisDeduper({ redis: ctx.client(), prefix });
    const b = new RedisDeduper({ redis: ctx.client(), prefix });
    await a.remember('slack:T1:Ev42', SLACK_DEDUPE_TTL_MS);
    expect(await b.seen('slack:T1:Ev42')).toBe(true);
  });

  it('expires on real time: a 300 ms window is over within 400 ms', async () => {
    const deduper = new RedisDeduper({ redis: ctx.client(), prefix: ctx.prefix() });
    const started = performance.now();
    await deduper.remember('k', 300);
    while (await deduper.seen('k')) await sleep(10);
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(400);
  });

  it('prefixes keep two deployments on one Redis apart', async () => {
    const client = ctx.client();
    const base = ctx.prefix();
    const one = new RedisDeduper({ redis: client, prefix: `${base}one:` });
    const two = new RedisDeduper({ redis: client, prefix: `${base}two:` });
    await one.remember('ev', 1000);
    expect(await two.seen('ev')).toBe(false);
  });
});

describe('RedisDeduper without Redis', () => {
  it('fails with REDIS_UNAVAILABLE within its timeout instead of holding the ack', async () => {
    // Port 1: nothing listens; ioredis keeps reconnecting and would queue the command for seconds.
    const client = new Redis('redis://127.0.0.1:1', { retryStrategy: () => 50 });
    client.on('error', () => {});
    try {
      const deduper = new RedisDeduper({ redis: client, timeoutMs: 200 });
      const started = performance.now();
      const err = await deduper.seen('slack:T1:Ev1').catch((e: unknown) => e);
      const ms = performance.now() - started;
      expect(isHelplineError(err, 'REDIS_UNAVAILABLE')).toBe(true);
      expect((err as Error).message).toMatch(/REDIS_URL/);
      expect(ms).toBeLessThan(600);
    } finally {
      client.disconnect();
    }
  });
});

describe('MemoryDeduper', () => {
  it('a key is seen for its whole window and not a millisecond past it', async () => {
    const clock = fakeClock();
    const deduper = new MemoryDeduper({ now: clock.now });
    await deduper.remember('k', 1000);
    await clock.advance(1000);
    expect(await deduper.seen('k')).toBe(true);
    await clock.advance(1);
    expect(await deduper.seen('k')).toBe(false);
  });

  it("covers Lark's whole redelivery schedule (15 s, 5 min, 1 h, 6 h) in milliseconds", async () => {
    const clock = fakeClock();
    const deduper = new MemoryDeduper({ now: clock.now });
    const key = eventKey('lark', 'tenant-1', 'ev-9');
    await deduper.remember(key, LARK_DEDUPE_TTL_MS);
    for (const gap of [15_000, 5 * MIN - 15_000, HOUR - 5 * MIN, 6 * HOUR - HOUR]) {
      await clock.advance(gap);
      expect(await deduper.seen(key)).toBe(true);
    }
  });

  it('is bounded: past maxEntries the least recently remembered key is forgotten first', async () => {
    const clock = fakeClock();
    const deduper = new MemoryDeduper({ now: clock.now, maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await deduper.remember(key, HOUR);
    expect(deduper.size).toBe(3);
    expect(await deduper.seen('d')).toBe(true);
    expect(await deduper.seen('b')).toBe(true);
    expect(await deduper.seen('a')).toBe(false);
  });

  it('rejects a maxEntries below 1', () => {
    expect(() => new MemoryDeduper({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});

describe('platform windows', () => {
  it("outlast each platform's redelivery schedule, as DESIGN §5 asks", () => {
    // Slack: retries immediately, after 1 min and after 5 min; DESIGN: ≥ 10 min.
    expect(SLACK_DEDUPE_TTL_MS).toBeGreaterThanOrEqual(10 * MIN);
    expect(SLACK_DEDUPE_TTL_MS).toBe(HOUR);
    // Lark: 15 s, 5 min, 1 h, 6 h after the first try; DESIGN: ≥ 8 h.
    expect(LARK_DEDUPE_TTL_MS).toBeGreaterThanOrEqual(8 * HOUR);
    expect(LARK_DEDUPE_TTL_MS).toBeGreaterThan(15_000 + 5 * MIN + HOUR + 6 * HOUR);
    expect(LARK_DEDUPE_TTL_MS).toBe(12 * HOUR);
    expect(WEB_DEDUPE_TTL_MS).toBe(10 * MIN);
    expect(DEDUPE_TTL_MS).toEqual({
      slack: SLACK_DEDUPE_TTL_MS,
      lark: LARK_DEDUPE_TTL_MS,
      web: WEB_DEDUPE_TTL_MS,
    });
  });

  it('event keys are namespaced by platform and scope', () => {
    expect(eventKey('slack', 'T1', 'Ev1')).toBe('slack:T1:Ev1');
    expect(eventKey('lark', 'T1', 'Ev1')).not.toBe(eventKey('slack', 'T1', 'Ev1'));
  });
});
