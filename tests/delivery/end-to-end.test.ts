/**
 * The delivery job on a real runner, with real time: ordering per channel, spacing at the rate
 * limit, parallelism across channels, and a rate limit shared by two workers through Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDeliveryHandler,
  type DeliveryHandlerOptions,
  enqueueDelivery,
} from '../../src/delivery/deliver-job.ts';
import { SqlDeliveryLog } from '../../src/delivery/delivery-log.ts';
import { DeliveryError } from '../../src/delivery/errors.ts';
import { DEFAULT_LIMITS, MemoryRateLimiter, RedisRateLimiter } from '../../src/delivery/rate-limit.ts';
import { BullmqRunner } from '../../src/jobs/bullmq-runner.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import type { JobRunner } from '../../src/jobs/types.ts';
import type { Database } from '../../src/store/database.ts';
import { eachBackend } from '../store/backends.ts';
import { describeRedis, TEST_REDIS_URL } from './redis.ts';
import { message, StandInDeliverer } from './stand-in.ts';
import { waitFor } from './wait.ts';

/** Slack at 5 messages a second per channel: the same code path as 1/s, five times faster. */
const FAST = { ...DEFAULT_LIMITS, slack: { channel: { perSecond: 5 } } };
const FAST_INTERVAL = 200;

/**
 * Posts `intervalMs` apart. Timestamps are taken in the stand-in, after the token, so a busy event
 * loop (load from parallel test files) delays single posts: each gap is allowed 40% of jitter, and
 * the whole run, whose length only the limiter decides, 30% of one interval.
 */
function expectSpaced(times: number[], intervalMs: number): void {
  const sorted = [...times].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(intervalMs * 0.6);
  }
  expect(sorted[sorted.length - 1] - sorted[0]).toBeGreaterThanOrEqual(
    (sorted.length - 1) * intervalMs - intervalMs * 0.3,
  );
}

async function worker(
  db: Database,
  options: Partial<DeliveryHandlerOptions> & Pick<DeliveryHandlerOptions, 'deliverers'>,
) {
  const runner = new InProcessRunner({ concurrency: 20, onError: () => {} });
  runner.register(
    'outbound',
    'deliver',
    createDeliveryHandler({ limiter: new MemoryRateLimiter(), log: new SqlDeliveryLog({ db }), ...options }),
  );
  await runner.start();
  return runner;
}

eachBackend('delivery end to end', (backend) => {
  describe('InProcessRunner', () => {
    const runners: JobRunner[] = [];
    const start = async (...args: Parameters<typeof worker>) => {
      const runner = await worker(...args);
      runners.push(runner);
      return runner;
    };
    const closeAll = () => Promise.all(runners.splice(0).map((r) => r.close()));

    it('Slack at its real 1 msg/s: three messages to one channel go in order, a second apart', async () => {
      const db = await backend.fresh();
      const slack = new StandInDeliverer('slack');
      const runner = await start(db, { deliverers: { slack } });
      for (let i = 1; i <= 3; i++) await enqueueDelivery(runner, message(i));
      await waitFor('3 messages', () => slack.posted.length === 3, 10_000);
      await closeAll();
      expect(slack.texts()).toEqual(['answer 1', 'answer 2', 'answer 3']);
      expectSpaced(slack.postedAt, 1000);
    }, 20_000);

    it('20 messages to one channel are delivered once each, in order, spaced at the rate', async () => {
      const db = await backend.fresh();
      const slack = new StandInDeliverer('slack');
      const runner = await start(db, { deliverers: { slack }, limits: FAST });
      const began = Date.now();
      for (let i = 1; i <= 20; i++) await enqueueDelivery(runner, message(i));
      // Enqueued twice (an at-least-once producer): still one post each.
      for (let i = 1; i <= 20; i++) await enqueueDelivery(runner, message(i));
      await waitFor('20 messages', () => slack.posted.length === 20, 15_000);
      await closeAll();
      expect(slack.texts()).toEqual(Array.from({ length: 20 }, (_, i) => `answer ${i + 1}`));
      expectSpaced(slack.postedAt, FAST_INTERVAL);
      expect(slack.postedAt[19] - began).toBeGreaterThanOrEqual(19 * FAST_INTERVAL - 60);
      expect(slack.calls).toBe(20);
    }, 30_000);

    it('20 messages to 20 channels go in parallel', async () => {
      const db = await backend.fresh();
      const slack = new StandInDeliverer('slack', { latencyMs: 100 });
      const runner = await start(db, { deliverers: { slack } });
      const began = Date.now();
      for (let i = 1; i <= 20; i++) await enqueueDelivery(runner, message(i, { channel: `C${i}` }));
      await waitFor('20 messages', () => slack.posted.length === 20);
      const took = Date.now() - began;
      await closeAll();
      expect(slack.maxInFlight).toBeGreaterThanOrEqual(10);
      // One after another would take 2 s (latency) — or 0 s of waiting for rate limits either way.
      expect(took).toBeLessThan(1500);
    });

    it('a failed send holds its channel: order survives a 503 retry', async () => {
      const db = await backend.fresh();
      const slack = new StandInDeliverer('slack').cue(
        'ok',
        new DeliveryError('unavailable', { status: 503 }),
      );
      const runner = await start(db, { deliverers: { slack }, limits: FAST });
      for (let i = 1; i <= 5; i++) await enqueueDelivery(runner, message(i), { backoffMs: 50 });
      await waitFor('5 messages', () => slack.posted.length === 5);
      await closeAll();
      expect(slack.texts()).toEqual(['answer 1', 'answer 2', 'answer 3', 'answer 4', 'answer 5']);
      expect(slack.calls).toBe(6);
    });
  });

  describeRedis('two InProcessRunner workers sharing the rate limit through Redis', (redis) => {
    it('messages to one channel from two workers are spaced at the channel rate', async () => {
      const db = await backend.fresh();
      const prefix = `${redis.prefix()}:`;
      const slack = new StandInDeliverer('slack');
      const workers: InProcessRunner[] = [];
      for (const connection of [redis.connect(), redis.connect()]) {
        const other: Database = workers.length === 0 ? db : await backend.sibling(db);
        workers.push(
          await worker(other, {
            deliverers: { slack },
            limits: FAST,
            limiter: new RedisRateLimiter({ redis: connection, prefix }),
          }),
        );
      }
      try {
        for (let i = 1; i <= 10; i++) await enqueueDelivery(workers[i % 2], message(i));
        await waitFor('10 messages', () => slack.posted.length === 10, 15_000);
      } finally {
        await Promise.all(workers.map((w) => w.close()));
      }
      expect(new Set(slack.texts()).size).toBe(10);
      expectSpaced(slack.postedAt, FAST_INTERVAL);
    }, 30_000);
  });

  describeRedis('two BullmqRunner workers', (redis) => {
    const runners: BullmqRunner[] = [];
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((r) => r.close()));
    });

    async function bullWorkers(db: Database, slack: StandInDeliverer, count = 2) {
      const prefix = redis.prefix();
      for (let i = 0; i < count; i++) {
        const runner = new BullmqRunner({
          connection: TEST_REDIS_URL,
          prefix,
          concurrency: 10,
          onError: () => {},
        });
        runners.push(runner);
        runner.register(
          'outbound',
          'deliver',
          createDeliveryHandler({
            deliverers: { slack },
            limits: FAST,
            limiter: new RedisRateLimiter({ redis: redis.connect(), prefix: `${prefix}:rate:` }),
            log: new SqlDeliveryLog({ db: i === 0 ? db : await backend.sibling(db) }),
          }),
        );
        await runner.start();
      }
      return runners;
    }

    it('one channel: in order, once each, spaced at the rate; other channels in parallel', async () => {
      const db = await backend.fresh();
      const slack = new StandInDeliverer('slack');
      const [a, b] = await bullWorkers(db, slack);
      for (let i = 1; i <= 8; i++) await enqueueDelivery(i % 2 ? a : b, message(i));
      // Redelivered by a producer: same job id, no second post.
      for (let i = 1; i <= 8; i++) await enqueueDelivery(i % 2 ? b : a, message(i));
      for (let i = 1; i <= 8; i++) await enqueueDelivery(a, message(`p${i}`, { channel: `P${i}` }));
      await waitFor('16 messages', () => slack.posted.length === 16, 20_000);
      const inC1 = slack.posted
        .map((m, i) => [m, slack.postedAt[i]] as const)
        .filter(([m]) => m.channel === 'C1');
      expect(inC1.map(([m]) => m.body.text)).toEqual(Array.from({ length: 8 }, (_, i) => `answer ${i + 1}`));
      expectSpaced(
        inC1.map(([, t]) => t),
        FAST_INTERVAL,
      );
      // The eight other channels were not held behind C1's spacing.
      const others = slack.postedAt.filter((_, i) => slack.posted[i].channel !== 'C1');
      expect(Math.max(...others) - Math.min(...others)).toBeLessThan(1000);
      expect(slack.calls).toBe(16);
    }, 40_000);
  });
});
