import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { JobJournal } from '../../src/jobs/job-journal.ts';
import { PermanentFailure, RetryLater } from '../../src/jobs/types.ts';
import { describeJobRunnerContract } from './runner.contract.ts';
import { waitFor } from './wait.ts';

describeJobRunnerContract('in-process (journal under HELPLINE_DATA)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'helpline-journal-'));
  return {
    // Each runner opens the journal afresh, as a restarted process does.
    create: (options) =>
      new InProcessRunner({
        ...options,
        journal: new JobJournal(join(dir, 'jobs.journal')),
        onError: () => {},
      }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('InProcessRunner', () => {
  it('dead-letters a job that keeps answering RetryLater past the cap', async () => {
    const dead: string[] = [];
    const runner = new InProcessRunner({
      maxRetryLaters: 3,
      onError: () => {},
      events: { dead: (l) => dead.push(l.error) },
    });
    let tries = 0;
    runner.register('outbound', 'busy', async () => {
      tries++;
      throw new RetryLater(1);
    });
    await runner.start();
    await runner.add('outbound', { name: 'busy', data: null });
    await waitFor('dead letter', () => dead.length === 1);
    expect(tries).toBe(4);
    expect(dead[0]).toMatch(/retried later 3 times/);
    await runner.close();
  });

  it('keeps only the newest dead letters', async () => {
    const runner = new InProcessRunner({ maxDeadLetters: 2, onError: () => {} });
    runner.register('maintenance', 'fail', async () => {
      throw new PermanentFailure('no');
    });
    await runner.start();
    for (const id of ['a', 'b', 'c']) await runner.add('maintenance', { name: 'fail', data: null, id });
    await waitFor('three failures', async () => (await runner.counts()).maintenance.waiting === 0);
    await waitFor('letters', async () => (await runner.deadLetters()).length === 2);
    expect((await runner.deadLetters()).map((l) => l.id)).toEqual(['c', 'b']);
    expect((await runner.deadLetters(1)).map((l) => l.id)).toEqual(['c']);
    await runner.close();
  });

  it('dead-letters a job whose handler is not registered', async () => {
    const runner = new InProcessRunner({ onError: () => {} });
    await runner.start();
    await runner.add('inbound', { name: 'unknown', data: null, id: 'u1' });
    const letters = await waitFor('dead letter', async () => {
      const list = await runner.deadLetters();
      return list.length === 1 && list;
    });
    expect(letters[0]).toMatchObject({ id: 'u1', attempts: 1 });
    expect(letters[0].error).toMatch(/no handler registered for job "unknown"/);
    await runner.close();
  });

  it('reports event callback errors without changing the outcome', async () => {
    const errors: unknown[] = [];
    const runner = new InProcessRunner({
      onError: (err) => errors.push(err),
      events: {
        completed: () => {
          throw new Error('metrics down');
        },
      },
    });
    let runs = 0;
    runner.register('inbound', 'turn', async () => void runs++);
    await runner.start();
    await runner.add('inbound', { name: 'turn', data: null });
    await waitFor('error reported', () => errors.length === 1);
    expect(runs).toBe(1);
    expect(String(errors[0])).toMatch(/metrics down/);
    await runner.close();
  });
});
