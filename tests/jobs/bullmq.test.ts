import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BullmqRunner, type BullmqRunnerOptions } from '../../src/jobs/bullmq-runner.ts';
import { effectHandler, effectsKey, runsKey } from './fixtures/effect-handler.ts';
import { deleteKeys, openTestRedis, REDIS_URL, randomPrefix, requireRedis, type TestRedis } from './redis.ts';
import { describeJobRunnerContract } from './runner.contract.ts';
import { sleep, waitFor } from './wait.ts';

const reachable = await requireRedis();

/** Short locks so tests see stalled jobs recovered in about a second. */
const TEST_TIMINGS = { lockDurationMs: 2000, stalledIntervalMs: 1000 };

let redis: TestRedis;
let closeRedis = async () => {};
beforeAll(async () => {
  if (reachable) ({ redis, close: closeRedis } = await openTestRedis());
});
afterAll(() => closeRedis());

if (reachable) {
  describeJobRunnerContract('bullmq', async () => {
    const prefix = randomPrefix();
    return {
      create: (options) =>
        new BullmqRunner({ connection: REDIS_URL, prefix, onError: () => {}, ...TEST_TIMINGS, ...options }),
      cleanup: () => deleteKeys(redis, prefix),
    };
  });
}

// Skipped only on a machine without Redis; requireRedis() fails the run instead when CI is set.
describe.skipIf(!reachable)(
  `BullmqRunner across processes${reachable ? '' : ` — skipped: no Redis at ${REDIS_URL}; CI makes this fail`}`,
  () => {
    let prefix: string;
    let runners: BullmqRunner[];
    const create = (options: Partial<BullmqRunnerOptions> = {}) => {
      const runner = new BullmqRunner({
        connection: REDIS_URL,
        prefix,
        onError: () => {},
        ...TEST_TIMINGS,
        ...options,
      });
      runners.push(runner);
      return runner;
    };

    beforeAll(() => {
      runners = [];
    });
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((runner) => runner.close()));
      await deleteKeys(redis, prefix);
    });

    it('two runners on one prefix share the work, and a group stays ordered across them', async () => {
      prefix = randomPrefix();
      const ran = { a: 0, b: 0 };
      const order: number[] = [];
      const pair = { a: create({ concurrency: 2 }), b: create({ concurrency: 2 }) };
      for (const [label, runner] of Object.entries(pair) as Array<['a' | 'b', BullmqRunner]>) {
        runner.register('outbound', 'send', async () => {
          ran[label]++;
          await sleep(20);
        });
        runner.register<number>('inbound', 'turn', async (n) => {
          await sleep(1 + Math.floor(Math.random() * 5));
          order.push(n);
        });
        await runner.start();
      }
      for (let i = 0; i < 20; i++) await pair.a.add('outbound', { name: 'send', data: i });
      for (let n = 0; n < 30; n++)
        await (n % 2 ? pair.a : pair.b).add('inbound', { name: 'turn', data: n, group: 'shared' });
      await waitFor('all jobs', () => ran.a + ran.b === 20 && order.length === 30, 10_000);
      expect(ran.a).toBeGreaterThan(0);
      expect(ran.b).toBeGreaterThan(0);
      expect(order).toEqual(Array.from({ length: 30 }, (_, n) => n));
    });

    it('a producer-only runner adds, a worker runner processes', async () => {
      prefix = randomPrefix();
      const producer = create();
      const worker = create();
      const seen: unknown[] = [];
      worker.register('sla', 'breach', async (data) => void seen.push(data));
      await worker.start();
      await producer.add('sla', { name: 'breach', data: { ticket: 7 } });
      await producer.add('sla', { name: 'breach', data: { ticket: 8 }, group: 'ticket-8' });
      await waitFor('both jobs', () => seen.length === 2);
      expect(seen).toEqual(expect.arrayContaining([{ ticket: 7 }, { ticket: 8 }]));
      // The producer has no handlers: had it run a job, that job would be dead-lettered.
      expect(await producer.deadLetters()).toEqual([]);
    });

    it('a SIGKILLed worker: another worker runs its jobs again, effects happen once, the group keeps order', async () => {
      prefix = randomPrefix();
      const producer = create();
      await producer.add('outbound', { name: 'send', data: {}, id: 'msg-1' });
      for (const id of ['turn-1', 'turn-2', 'turn-3']) {
        await producer.add('inbound', { name: 'turn', data: {}, id, group: 'thread-9' });
      }
      const fixture = fileURLToPath(new URL('./fixtures/bullmq-worker.ts', import.meta.url));
      const child = fork(fixture, [REDIS_URL, prefix], {
        execArgv: [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const started = new Set<string>();
      child.on('message', (message: { started?: string }) => {
        if (message.started) started.add(message.started);
      });
      try {
        await waitFor(
          'the child running msg-1 and turn-1',
          () => started.has('msg-1') && started.has('turn-1'),
          10_000,
        );
      } finally {
        child.kill('SIGKILL');
      }
      await once(child, 'exit');
      expect([...started].sort()).toEqual(['msg-1', 'turn-1']);

      const survivor = create({ lockDurationMs: 1000, stalledIntervalMs: 500 });
      const handler = effectHandler(redis, prefix);
      survivor.register('outbound', 'send', handler);
      survivor.register('inbound', 'turn', handler);
      const killedAt = Date.now();
      await survivor.start();
      const runs = async (id: string) => Number(await redis.get(runsKey(prefix, id)));
      // The group is taken over once its lock lapses; the plain job needs two stalled checks.
      await waitFor(
        'both killed jobs run again and all queues idle',
        async () => {
          const counts = await survivor.counts();
          const idle =
            counts.inbound.waiting +
              counts.inbound.active +
              counts.outbound.waiting +
              counts.outbound.active ===
            0;
          return idle && (await runs('msg-1')) >= 2 && (await runs('turn-1')) >= 2;
        },
        15_000,
      );
      const recoveredIn = Date.now() - killedAt;
      const effects = await redis.lrange(effectsKey(prefix), 0, -1);
      expect(effects.filter((id) => id.startsWith('turn'))).toEqual(['turn-1', 'turn-2', 'turn-3']);
      expect(effects.filter((id) => id === 'msg-1')).toEqual(['msg-1']);
      expect(await runs('turn-2')).toBe(1);
      expect(await runs('turn-3')).toBe(1);
      expect(recoveredIn).toBeLessThan(10_000);
      expect(await survivor.deadLetters()).toEqual([]);
    }, 30_000);

    it('re-pumps a group whose pump was lost when a worker starts', async () => {
      prefix = randomPrefix();
      const producer = create();
      await producer.add('inbound', { name: 'turn', data: 'stranded', group: 'g' });
      // Simulate a producer that died between pushing the item and adding its pump.
      await deleteKeys(redis, `${prefix}:inbound-groups`);
      const worker = create();
      const seen: unknown[] = [];
      worker.register('inbound', 'turn', async (data) => void seen.push(data));
      await worker.start();
      await waitFor('the stranded turn', () => seen.length === 1);
    });
  },
);
