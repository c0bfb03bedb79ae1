/**
 * The lease that keeps the Lark long connection and the recovery passes in one process (issue 15
 * item 2), on a real Redis: one holder at a time, handover on stop, takeover after the holder is
 * SIGKILLed, a holder that keeps it across a Redis restart that lost the key, and one that gives it
 * up before its key could expire while Redis is away.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';
import { type Lease, redisLease } from '../../src/cluster/lease.ts';
import { describeServices, REDIS_URL } from '../faults/services.ts';
import { sleep, waitFor } from '../jobs/wait.ts';
import { EphemeralRedis, redisServerInstalled } from '../support/ephemeral-redis.ts';

const started: Lease[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((l) => l.stop()));
  for (const c of cleanups.splice(0)) await c();
});

function contender(name: string, url = REDIS_URL, ttlMs = 600) {
  const events: string[] = [];
  const lease = redisLease({
    redisUrl: url,
    name,
    ttlMs,
    onAcquired: () => {
      events.push('acquired');
    },
    onLost: () => {
      events.push('lost');
    },
  });
  started.push(lease);
  return { lease, events };
}

describeServices('Redis lease', () => {
  it('one of two contenders holds it; stopping the holder hands it over within one period', async () => {
    const name = `test-${randomUUID()}`;
    const a = contender(name);
    const b = contender(name);
    expect(await a.lease.start()).toBe(true);
    expect(await b.lease.start()).toBe(false);
    await sleep(700); // longer than the TTL: the holder renews, the other keeps waiting
    expect([a.lease.held(), b.lease.held()]).toEqual([true, false]);
    const stoppedAt = Date.now();
    await a.lease.stop();
    await waitFor('takeover', () => b.lease.held(), 1000);
    expect(Date.now() - stoppedAt).toBeLessThan(500);
    expect(a.events).toEqual(['acquired', 'lost']);
    expect(b.events).toEqual(['acquired']);
  });

  it('a holder that is SIGKILLed is replaced within TTL + one period', async () => {
    const name = `test-${randomUUID()}`;
    const child = spawn(process.execPath, ['tests/cluster/fixtures/hold-lease.ts', REDIS_URL, name, '600'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    });
    await once(child.stdout!, 'data');
    const b = contender(name);
    expect(await b.lease.start()).toBe(false);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await waitFor('takeover', () => b.lease.held(), 2000);
    expect(Date.now() - killedAt).toBeLessThan(600 + 200 + 300);
  });
});

const installed = redisServerInstalled();
describeServices('Redis lease across Redis restarts', () => {
  it.runIf(installed)(
    'the holder keeps it when Redis comes back empty, and no one else takes it',
    async () => {
      const redis = await EphemeralRedis.start({ persistent: false });
      cleanups.push(() => redis.stop());
      const name = `test-${randomUUID()}`;
      const a = contender(name, redis.url, 3000);
      const b = contender(name, redis.url, 3000);
      expect(await a.lease.start()).toBe(true);
      expect(await b.lease.start()).toBe(false);
      await redis.kill();
      await redis.start();
      await sleep(2500);
      expect([a.lease.held(), b.lease.held()]).toEqual([true, false]);
      expect(await redis.get(`helpline:lease:${name}`)).toBeTruthy();
      expect(a.events).toEqual(['acquired']);
    },
  );

  it.runIf(installed)('a holder cut off from Redis gives the lease up before its key expires', async () => {
    const redis = await EphemeralRedis.start({ persistent: false });
    cleanups.push(() => redis.stop());
    const a = contender(`test-${randomUUID()}`, redis.url, 900);
    expect(await a.lease.start()).toBe(true);
    const cutAt = Date.now();
    await redis.kill();
    await waitFor('given up', () => !a.lease.held(), 2000);
    expect(Date.now() - cutAt).toBeLessThan(900);
    expect(a.events).toEqual(['acquired', 'lost']);
  });
});
