import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import { BullmqRunner } from '../../src/jobs/bullmq-runner.ts';
import { EphemeralRedis, redisServerInstalled } from '../support/ephemeral-redis.ts';
import { randomPrefix } from './redis.ts';
import { sleep, waitFor } from './wait.ts';

const installed = redisServerInstalled();

// Needs redis-server to start a private instance; redisServerInstalled() fails under CI without it.
describe.skipIf(!installed)('BullmqRunner when Redis restarts', () => {
  let server: EphemeralRedis;
  beforeAll(async () => {
    server = await EphemeralRedis.start({ persistent: true });
  });
  afterAll(() => server?.stop());

  it('fails adds fast while Redis is down and resumes processing, delayed jobs included, once it is back', async () => {
    const runner = new BullmqRunner({
      connection: server.url,
      prefix: randomPrefix(),
      lockDurationMs: 2000,
      stalledIntervalMs: 1000,
      onError: () => {},
    });
    const seen: string[] = [];
    runner.register<string>('inbound', 'turn', async (data) => void seen.push(data));
    await runner.start();
    await runner.add('inbound', { name: 'turn', data: 'before' });
    await waitFor('the first job', () => seen.includes('before'));
    await runner.add('inbound', { name: 'turn', data: 'delayed across the restart', delayMs: 1500 });
    await runner.add('inbound', {
      name: 'turn',
      data: 'grouped across the restart',
      delayMs: 1500,
      group: 'g',
    });

    await server.kill();
    const failedAt = Date.now();
    await expect(runner.add('inbound', { name: 'turn', data: 'during' })).rejects.toSatisfy(
      (err) => isHelplineError(err, 'REDIS_UNAVAILABLE') && /REDIS_URL/.test((err as Error).message),
    );
    expect(Date.now() - failedAt).toBeLessThan(1000);
    await sleep(500);
    await server.start();

    await waitFor(
      'an add to succeed again',
      async () => {
        try {
          return await runner.add('inbound', { name: 'turn', data: 'after' });
        } catch {
          return false;
        }
      },
      10_000,
    );
    await waitFor('all jobs after the restart', () => seen.length === 4, 15_000);
    expect(seen.slice(1).sort()).toEqual([
      'after',
      'delayed across the restart',
      'grouped across the restart',
    ]);
    await runner.close();
  }, 30_000);
});
