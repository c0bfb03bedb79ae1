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
  it('a key is unseen until remembered, then seen within its window', async () => {
    const { deduper, ttlMs } = await make();
    expect(await deduper.seen('slack:T1:Ev1')).toBe(false);
    expect(await deduper.seen('slack:T1:Ev1')).toBe(false);
    await deduper.remember('slack:T1:Ev1', ttlMs);
    expect(await deduper.seen('slack:T1:Ev1')).toBe(true);
    expect(await deduper.seen('slack:T1:Ev1')).toBe(true);
  });

  it('keeps keys apart, however alike or unusual they are', async () => {
    const { deduper, ttlMs } = await make();
    const keys = ['lark:t:ev', 'lark:t:EV', 'slack:t:ev', 'web:线程:消息 1', 'a:b:c:d', 'x'.repeat(400)];
    for (const key of keys.slice(0, 3)) await deduper.remember(key, ttlMs);
    for (const key of keys) expect(await deduper.seen(key), key).toBe(keys.indexOf(key) < 3);
  });

  it('forgets a key once its window has passed', async () => {
    const { deduper, ttlMs, advance } = await make();
    await deduper.remember('k', ttlMs);
    await advance(ttlMs * 0.5);
    expect(await deduper.seen('k')).toBe(true);
    await advance(ttlMs);
    expect(await deduper.seen('k')).toBe(false);
  });

  it('asking does not extend the window (a redelivery storm cannot pin a key forever)', async () => {
    const { deduper, ttlMs, advance } = await make();
    await deduper.remember('k', ttlMs);
    await advance(ttlMs * 0.5);
    expect(await deduper.seen('k')).toBe(true);
    await advance(ttlMs * 0.7);
    expect(await deduper.seen('k')).toBe(false);
  });

  it('keeps each key for its own window', async () => {
    const { deduper, ttlMs, advance } = await make();
    await deduper.remember('short', ttlMs);
    await deduper.remember('long', ttlMs * 3);
    await advance(ttlMs * 1.5);
    expect(await deduper.seen('short')).toBe(false);
    expect(await deduper.seen('long')).toBe(true);
  });

  it('parallel calls on different keys all land', async () => {
    const { deduper, ttlMs } = await make();
    await Promise.all(Array.from({ length: 20 }, (_, i) => deduper.remember(`k${i}`, ttlMs)));
    const seen = await Promise.all(Array.from({ length: 20 }, (_, i) => deduper.seen(`k${i}`)));
    expect(seen.every(Boolean)).toBe(true);
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
      const err = await deduper.remember(key, ttl).catch((e: unknown) => e);
      expect(isHelplineError(err, 'INTERNAL'), `${JSON.stringify(key)} ${ttl}`).toBe(true);
    }
    expect(isHelplineError(await deduper.seen('').catch((e: unknown) => e), 'INTERNAL')).toBe(true);
    // A rejected call records nothing.
    expect(await deduper.seen('k')).toBe(false);
  });
}
