/**
 * The EventDeduper contract: every implementation (memory, Redis) runs these. Time passes through
 * `advance`, which moves the injected clock for memory and really sleeps for Redis, so the same
 * cases check both the logic and Redis's real expiry.
 */
import { expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import type { EventDeduper } from '../../src/idempotency/dedupe.ts';

export interface DedupeSubject {
  deduper: EventDeduper;
  /** The window the cases use: short for real time, long enough to outlast scheduling noise. */
  ttlMs: number;
  /** Lets `ms` milliseconds pass. */
  advance(ms: number): Promise<void>;
}

export function eventDeduperContract(make: () => Promise<DedupeSubject>): void {
  it('is true the first time and false for every repeat within the window', async () => {
    const { deduper, ttlMs } = await make();
    expect(await deduper.firstSeen('slack:T1:Ev1', ttlMs)).toBe(true);
    expect(await deduper.firstSeen('slack:T1:Ev1', ttlMs)).toBe(false);
    expect(await deduper.firstSeen('slack:T1:Ev1', ttlMs)).toBe(false);
  });

  it('forget lets the next delivery through (an event that could not be queued)', async () => {
    const { deduper, ttlMs } = await make();
    expect(await deduper.firstSeen('lark:t:lost', ttlMs)).toBe(true);
    await deduper.forget('lark:t:lost');
    expect(await deduper.firstSeen('lark:t:lost', ttlMs)).toBe(true);
    expect(await deduper.firstSeen('lark:t:lost', ttlMs)).toBe(false);
    await deduper.forget('never-seen');
  });

  it('keeps keys apart, however alike or unusual they are', async () => {
    const { deduper, ttlMs } = await make();
    const keys = ['lark:t:ev', 'lark:t:EV', 'slack:t:ev', 'web:线程:消息 1', 'a:b:c:d', 'x'.repeat(400)];
    for (const key of keys) expect(await deduper.firstSeen(key, ttlMs), key).toBe(true);
    for (const key of keys) expect(await deduper.firstSeen(key, ttlMs), key).toBe(false);
  });

  it('forgets a key once its window has passed', async () => {
    const { deduper, ttlMs, advance } = await make();
    expect(await deduper.firstSeen('k', ttlMs)).toBe(true);
    await advance(ttlMs * 0.5);
    expect(await deduper.firstSeen('k', ttlMs)).toBe(false);
    await advance(ttlMs);
    expect(await deduper.firstSeen('k', ttlMs)).toBe(true);
    expect(await deduper.firstSeen('k', ttlMs)).toBe(false);
  });

  it('does not extend the window on a repeat (a redelivery storm cannot pin a key forever)', async () => {
    const { deduper, ttlMs, advance } = await make();
    expect(await deduper.firstSeen('k', ttlMs)).toBe(true);
    await advance(ttlMs * 0.5);
    expect(await deduper.firstSeen('k', ttlMs)).toBe(false);
    await advance(ttlMs * 0.7);
    expect(await deduper.firstSeen('k', ttlMs)).toBe(true);
  });

  it('keeps each key for its own window', async () => {
    const { deduper, ttlMs, advance } = await make();
    expect(await deduper.firstSeen('short', ttlMs)).toBe(true);
    expect(await deduper.firstSeen('long', ttlMs * 3)).toBe(true);
    await advance(ttlMs * 1.5);
    expect(await deduper.firstSeen('short', ttlMs)).toBe(true);
    expect(await deduper.firstSeen('long', ttlMs * 3)).toBe(false);
  });

  it('20 parallel calls on one key: exactly one is true', async () => {
    const { deduper, ttlMs } = await make();
    const results = await Promise.all(Array.from({ length: 20 }, () => deduper.firstSeen('race', ttlMs)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('parallel calls on different keys are all true', async () => {
    const { deduper, ttlMs } = await make();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => deduper.firstSeen(`k${i}`, ttlMs)),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('rejects an empty key or a window that is not positive, with a coded error', async () => {
    const { deduper, ttlMs } = await make();
    for (const [key, ttl] of [
      ['', ttlMs],
      ['k', 0],
      ['k', -5],
      ['k', Number.NaN],
      ['k', Number.POSITIVE_INFINITY],
    ] as const) {
      const err = await deduper.firstSeen(key, ttl).catch((e: unknown) => e);
      expect(isHelplineError(err, 'INTERNAL'), `${JSON.stringify(key)} ${ttl}`).toBe(true);
    }
    // A rejected call records nothing.
    expect(await deduper.firstSeen('k', ttlMs)).toBe(true);
  });
}
