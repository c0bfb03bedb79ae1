/**
 * The JobRunner contract: one suite every runner passes (in-process.test.ts, bullmq.test.ts).
 * Timing assertions use real time, so delays and backoffs are kept to tens of milliseconds except
 * the one-second delay check.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HelplineError, isHelplineError } from '../../src/errors.ts';
import {
  type DeadLetter,
  type JobContext,
  type JobRunner,
  type JobRunnerEvents,
  PermanentFailure,
  QUEUES,
  RetryLater,
} from '../../src/jobs/types.ts';
import { gate, sleep, waitFor } from './wait.ts';

export interface RunnerOptions {
  events?: JobRunnerEvents;
  concurrency?: number;
}

/** A fresh world per test (BullMQ: a new key prefix), and what to clean up afterwards. */
export interface ContractWorld {
  create(options?: RunnerOptions): JobRunner;
  cleanup(): Promise<void>;
}

/** Grouped jobs take a different path in the BullMQ runner, so most cases run both ways. */
const MODES = [
  { label: 'ungrouped', group: undefined },
  { label: 'grouped', group: 'thread-1' },
] as const;

export function describeJobRunnerContract(name: string, setup: () => Promise<ContractWorld>): void {
  describe(`JobRunner contract: ${name}`, () => {
    let world: ContractWorld;
    let runners: JobRunner[];

    const create = (options?: RunnerOptions): JobRunner => {
      const runner = world.create(options);
      runners.push(runner);
      return runner;
    };

    beforeEach(async () => {
      world = await setup();
      runners = [];
    });

    afterEach(async () => {
      await Promise.all(runners.map((runner) => runner.close()));
      await world.cleanup();
    });

    it('runs a handler with its data and context, and reports completion', async () => {
      const completed: Array<[string, string, number]> = [];
      const runner = create({
        events: { completed: (queue, jobName, ms) => completed.push([queue, jobName, ms]) },
      });
      const seen: Array<[unknown, JobContext]> = [];
      runner.register<{ text: string }>('inbound', 'turn', async (data, ctx) => {
        seen.push([data, ctx]);
      });
      await runner.start();
      expect(await runner.add('inbound', { name: 'turn', data: { text: '你好' }, id: 'evt-1' })).toEqual({
        id: 'evt-1',
        added: true,
      });
      const random = await runner.add('inbound', { name: 'turn', data: { text: 'hi' } });
      expect(random.id).toMatch(/.+/);
      await waitFor('both jobs', () => seen.length === 2 && completed.length === 2);
      const first = seen.find(([, ctx]) => ctx.id === 'evt-1')!;
      expect(first).toEqual([
        { text: '你好' },
        { id: 'evt-1', queue: 'inbound', name: 'turn', attempt: 1, final: false },
      ]);
      expect(completed[0][0]).toBe('inbound');
      expect(completed[0][1]).toBe('turn');
      expect(completed[0][2]).toBeGreaterThanOrEqual(0);
    });

    it('keeps handlers of different queues apart', async () => {
      const runner = create();
      const seen: string[] = [];
      runner.register('inbound', 'x', async () => void seen.push('inbound'));
      runner.register('outbound', 'x', async () => void seen.push('outbound'));
      await runner.start();
      await runner.add('outbound', { name: 'x', data: null });
      await waitFor('outbound job', () => seen.length === 1);
      await sleep(50);
      expect(seen).toEqual(['outbound']);
    });

    for (const { label, group } of MODES) {
      it(`dedupes a deterministic id while the job is waiting or running, not after (${label})`, async () => {
        const runner = create();
        const hold = gate();
        let runs = 0;
        runner.register('outbound', 'send', async () => {
          runs++;
          if (runs === 1) await hold.promise;
        });
        expect((await runner.add('outbound', { name: 'send', data: 1, id: 'msg-1', group })).added).toBe(
          true,
        );
        expect((await runner.add('outbound', { name: 'send', data: 2, id: 'msg-1', group })).added).toBe(
          false,
        );
        await runner.start();
        await waitFor('first run', () => runs === 1);
        expect((await runner.add('outbound', { name: 'send', data: 3, id: 'msg-1', group })).added).toBe(
          false,
        );
        hold.open();
        await waitFor('job gone', async () => (await runner.counts()).outbound.active === 0);
        await sleep(50);
        expect(runs).toBe(1);
        expect((await runner.add('outbound', { name: 'send', data: 4, id: 'msg-1', group })).added).toBe(
          true,
        );
        await waitFor('second run', () => runs === 2);
      });
    }

    it('runs a 1 s delayed job after 1 s and within 1.5 s', async () => {
      const runner = create();
      let ranAt = 0;
      runner.register('sla', 'breach', async () => {
        ranAt = Date.now();
      });
      await runner.start();
      const addedAt = Date.now();
      await runner.add('sla', { name: 'breach', data: {}, delayMs: 1000 });
      await waitFor('delayed job', () => ranAt > 0, 3000);
      // Timers may fire a millisecond or two "early" against the wall clock; never more.
      expect(ranAt - addedAt).toBeGreaterThanOrEqual(998);
      expect(ranAt - addedAt).toBeLessThan(1500);
    });

    it('runs each group strictly in add order while different groups run in parallel', async () => {
      const runner = create({ concurrency: 4 });
      const order = new Map<string, number[]>();
      const activeByGroup = new Map<string, number>();
      let activeGroups = 0;
      let maxActiveGroups = 0;
      let overlapWithinGroup = false;
      runner.register<{ group: string; n: number }>('inbound', 'turn', async ({ group, n }) => {
        const active = (activeByGroup.get(group) ?? 0) + 1;
        activeByGroup.set(group, active);
        if (active > 1) overlapWithinGroup = true;
        activeGroups++;
        maxActiveGroups = Math.max(maxActiveGroups, activeGroups);
        await sleep(1 + Math.floor(Math.random() * 8));
        order.set(group, [...(order.get(group) ?? []), n]);
        activeGroups--;
        activeByGroup.set(group, active - 1);
      });
      const groups = ['t-a', 't-b', 't-c'];
      for (let n = 0; n < 30; n++) {
        for (const group of groups) await runner.add('inbound', { name: 'turn', data: { group, n }, group });
      }
      await runner.start();
      await waitFor('90 turns', () => groups.every((group) => order.get(group)?.length === 30), 15_000);
      const expected = Array.from({ length: 30 }, (_, n) => n);
      for (const group of groups) expect(order.get(group)).toEqual(expected);
      expect(overlapWithinGroup).toBe(false);
      expect(maxActiveGroups).toBeGreaterThanOrEqual(2);
    });

    it('holds a group behind a head that is being retried', async () => {
      const runner = create();
      const log: string[] = [];
      let firstTries = 0;
      runner.register<string>('inbound', 'turn', async (data) => {
        if (data === 'first' && ++firstTries === 1) {
          log.push('first failed');
          throw new Error('flaky');
        }
        log.push(data);
      });
      await runner.start();
      await runner.add('inbound', { name: 'turn', data: 'first', group: 'g', backoffMs: 100 });
      await runner.add('inbound', { name: 'turn', data: 'second', group: 'g' });
      await waitFor('both turns', () => log.length === 3);
      expect(log).toEqual(['first failed', 'first', 'second']);
    });

    for (const { label, group } of MODES) {
      it(`retries with exponential backoff, then succeeds (${label})`, async () => {
        const runner = create();
        const tries: Array<{ at: number; attempt: number; final: boolean }> = [];
        runner.register('outbound', 'send', async (_data, ctx) => {
          tries.push({ at: Date.now(), attempt: ctx.attempt, final: ctx.final });
          if (ctx.attempt < 3) throw new Error('503 from Slack');
        });
        await runner.start();
        await runner.add('outbound', { name: 'send', data: {}, attempts: 3, backoffMs: 100, group });
        await waitFor('three tries', () => tries.length === 3);
        expect(tries.map((t) => [t.attempt, t.final])).toEqual([
          [1, false],
          [2, false],
          [3, true],
        ]);
        expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(95);
        expect(tries[2].at - tries[1].at).toBeGreaterThanOrEqual(195);
        await sleep(50);
        expect(await runner.deadLetters()).toEqual([]);
      });

      it(`dead-letters a job that exhausts its attempts, with the error (${label})`, async () => {
        const dead: DeadLetter[] = [];
        const runner = create({ events: { dead: (letter) => dead.push(letter) } });
        let tries = 0;
        runner.register('outbound', 'send', async () => {
          tries++;
          throw new Error('boom');
        });
        await runner.start();
        await runner.add('outbound', {
          name: 'send',
          data: { to: 'U1' },
          id: 'out-1',
          attempts: 2,
          backoffMs: 20,
          group,
        });
        await waitFor('dead letter', () => dead.length === 1);
        const letter = {
          queue: 'outbound',
          name: 'send',
          id: 'out-1',
          data: { to: 'U1' },
          attempts: 2,
          error: 'boom',
        };
        expect(dead[0]).toMatchObject(letter);
        expect(Number.isNaN(Date.parse(dead[0].at))).toBe(false);
        expect(tries).toBe(2);
        const stored = await waitFor(
          'stored dead letter',
          async () => (await runner.deadLetters()).length === 1 && runner.deadLetters(),
        );
        expect(stored[0]).toMatchObject(letter);
        expect((await runner.counts()).outbound).toMatchObject({
          failed: 1,
          waiting: 0,
          active: 0,
          delayed: 0,
        });
      });

      it(`dead-letters a PermanentFailure at once, without retrying (${label})`, async () => {
        const dead: DeadLetter[] = [];
        const runner = create({ events: { dead: (letter) => dead.push(letter) } });
        let tries = 0;
        runner.register('outbound', 'send', async () => {
          tries++;
          throw new PermanentFailure('400 channel_not_found');
        });
        await runner.start();
        await runner.add('outbound', {
          name: 'send',
          data: {},
          id: 'out-2',
          attempts: 5,
          backoffMs: 10,
          group,
        });
        await waitFor('dead letter', () => dead.length === 1);
        await sleep(100);
        expect(tries).toBe(1);
        expect(dead[0]).toMatchObject({ id: 'out-2', attempts: 1, error: '400 channel_not_found' });
      });

      it(`RetryLater reschedules without consuming an attempt (${label})`, async () => {
        const runner = create();
        const tries: Array<{ at: number; attempt: number }> = [];
        runner.register('outbound', 'send', async (_data, ctx) => {
          tries.push({ at: Date.now(), attempt: ctx.attempt });
          if (tries.length < 3) throw new RetryLater(80, '429 Retry-After');
        });
        await runner.start();
        await runner.add('outbound', { name: 'send', data: {}, attempts: 1, group });
        await waitFor('three tries', () => tries.length === 3);
        expect(tries.map((t) => t.attempt)).toEqual([1, 1, 1]);
        expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(75);
        await sleep(50);
        expect(await runner.deadLetters()).toEqual([]);
      });

      it(`a try that failed on an outage (Redis, the database) is retried later without consuming an attempt (${label})`, async () => {
        const runner = create();
        const tries: number[] = [];
        runner.register('inbound', 'event', async (_data, ctx) => {
          tries.push(ctx.attempt);
          if (tries.length === 1) throw new HelplineError('REDIS_UNAVAILABLE', 'Redis is restarting');
          if (tries.length === 2)
            throw new Error('the reply was not handed to delivery', {
              cause: new HelplineError('DB_UNAVAILABLE', 'PostgreSQL is restarting'),
            });
        });
        await runner.start();
        await runner.add('inbound', { name: 'event', data: {}, attempts: 1, backoffMs: 10, group });
        await waitFor('three tries', () => tries.length === 3);
        expect(tries).toEqual([1, 1, 1]);
        await sleep(50);
        expect(await runner.deadLetters()).toEqual([]);
      });

      it(`remove() cancels a delayed job (${label})`, async () => {
        const runner = create();
        const ran: string[] = [];
        runner.register<string>('sla', 'timer', async (data) => void ran.push(data));
        await runner.start();
        // Removed well before it is due (a loaded CI machine once took longer than a 200 ms delay
        // between add and remove); the kept timer, due after it, shows it would have run by then.
        await runner.add('sla', { name: 'timer', data: 'cancelled', id: 'sla-1', delayMs: 1000, group });
        await runner.remove('sla', 'sla-1');
        await runner.add('sla', { name: 'timer', data: 'kept', id: 'sla-2', delayMs: 1100 });
        await runner.remove('sla', 'no-such-job');
        await waitFor('kept timer', () => ran.includes('kept'));
        await sleep(50);
        expect(ran).toEqual(['kept']);
        // The id is free again once removed.
        expect((await runner.add('sla', { name: 'timer', data: 'again', id: 'sla-1', group })).added).toBe(
          true,
        );
        await waitFor('re-added timer', () => ran.includes('again'));
      });

      it(`close() waits for the running job, then nothing else runs (${label})`, async () => {
        const runner = create();
        const events: string[] = [];
        runner.register<string>('inbound', 'turn', async (data) => {
          events.push(`start ${data}`);
          await sleep(300);
          events.push(`end ${data}`);
        });
        await runner.start();
        await runner.add('inbound', { name: 'turn', data: 'a', group });
        await waitFor('job a running', () => events.length === 1);
        await runner.add('inbound', { name: 'turn', data: 'b', group, delayMs: group ? 0 : 100 });
        const closing = runner.close();
        await expect(runner.add('inbound', { name: 'turn', data: 'c' })).rejects.toSatisfy((err) =>
          isHelplineError(err, 'JOBS_CLOSED'),
        );
        await closing;
        expect(events).toEqual(['start a', 'end a']);
        await sleep(300);
        expect(events).toEqual(['start a', 'end a']);
      });
    }

    it('counts waiting, active, delayed and failed jobs per queue', async () => {
      const runner = create({ concurrency: 1 });
      const hold = gate();
      runner.register('inbound', 'turn', () => hold.promise);
      runner.register('maintenance', 'fail', async () => {
        throw new PermanentFailure('no');
      });
      await runner.add('inbound', { name: 'turn', data: 1 });
      await runner.add('inbound', { name: 'turn', data: 2 });
      await runner.add('inbound', { name: 'turn', data: 3, group: 'g' });
      await runner.add('inbound', { name: 'turn', data: 4, delayMs: 60_000, id: 'later' });
      const before = await runner.counts();
      expect(Object.keys(before).sort()).toEqual([...QUEUES].sort());
      expect(before.inbound).toEqual({ waiting: 3, active: 0, delayed: 1, failed: 0 });
      expect(before.outbound).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
      await runner.start();
      const running = await waitFor('a running job', async () => {
        const counts = await runner.counts();
        return counts.inbound.active >= 1 && counts;
      });
      expect(running.inbound.waiting + running.inbound.active).toBe(3);
      hold.open();
      await runner.add('maintenance', { name: 'fail', data: null });
      await waitFor('settled', async () => {
        const counts = await runner.counts();
        return (
          counts.inbound.waiting === 0 &&
          counts.inbound.active === 0 &&
          counts.inbound.delayed === 1 &&
          counts.maintenance.failed === 1
        );
      });
      await runner.remove('inbound', 'later');
      expect((await runner.counts()).inbound.delayed).toBe(0);
    });

    it('keeps jobs across a restart: the ones not yet run run after it, a group still in order', async () => {
      const before = create();
      await before.add('inbound', { name: 'kept', id: 'k1', group: 'thread-1', data: 1 });
      await before.add('inbound', { name: 'kept', id: 'k2', group: 'thread-1', data: 2 });
      await before.add('outbound', { name: 'kept', id: 'k3', delayMs: 200, data: 3 });
      await before.close();

      const after = create();
      const seen: number[] = [];
      for (const queue of ['inbound', 'outbound'] as const)
        after.register<number>(queue, 'kept', async (n) => {
          seen.push(n);
        });
      await after.start();
      await waitFor('the kept jobs', () => seen.length === 3);
      expect(seen.indexOf(1)).toBeLessThan(seen.indexOf(2));
      expect(seen.sort()).toEqual([1, 2, 3]);
    });

    it('rejects a bad job spec with a coded error', async () => {
      const runner = create();
      await expect(runner.add('inbound', { name: 'x', data: null, attempts: 0 })).rejects.toSatisfy((err) =>
        isHelplineError(err, 'JOB_INVALID'),
      );
      await expect(runner.add('nope' as 'inbound', { name: 'x', data: null })).rejects.toSatisfy((err) =>
        isHelplineError(err, 'JOB_INVALID'),
      );
    });
  });
}
