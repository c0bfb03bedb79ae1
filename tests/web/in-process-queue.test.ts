import { describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../src/jobs/in-process-queue.ts';
import { sleep } from './fake-assistant.ts';

describe('InProcessQueue', () => {
  it('runs jobs with the same key one after another, in order', async () => {
    const queue = new InProcessQueue();
    const events: string[] = [];
    const job = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
    };
    await queue.enqueue('t1', job('a', 30));
    await queue.enqueue('t1', job('b', 1));
    await queue.enqueue('t1', job('c', 10));
    await queue.drain();
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('runs different keys in parallel', async () => {
    const queue = new InProcessQueue();
    const started = Date.now();
    for (const key of ['a', 'b', 'c', 'd']) await queue.enqueue(key, () => sleep(50));
    expect(queue.size).toBe(4);
    await queue.drain();
    expect(Date.now() - started).toBeLessThan(150);
    expect(queue.size).toBe(0);
  });

  it('never runs more keys at once than its concurrency', async () => {
    const queue = new InProcessQueue({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 6; i++) {
      await queue.enqueue(`k${i}`, async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(10);
        running--;
      });
    }
    await queue.drain();
    expect(peak).toBe(2);
  });

  it('does not let one busy key starve the others', async () => {
    const queue = new InProcessQueue({ concurrency: 1 });
    const order: string[] = [];
    const job = (name: string) => async () => {
      await sleep(2);
      order.push(name);
    };
    // Enqueued in one synchronous burst: busy0 starts, busy1, busy2 and other wait for the slot.
    void queue.enqueue('busy', job('busy0'));
    void queue.enqueue('busy', job('busy1'));
    void queue.enqueue('busy', job('busy2'));
    void queue.enqueue('other', job('other'));
    await queue.drain();
    expect(order).toEqual(['busy0', 'other', 'busy1', 'busy2']);
  });

  it('reports errors from rejected and synchronously throwing jobs and carries on', async () => {
    const errors: Array<[unknown, string]> = [];
    const queue = new InProcessQueue({ onError: (err, key) => errors.push([err, key]) });
    const ran: string[] = [];
    await queue.enqueue('t', async () => {
      throw new Error('async boom');
    });
    await queue.enqueue('t', (() => {
      throw new Error('sync boom');
    }) as () => Promise<void>);
    await queue.enqueue('t', async () => void ran.push('after'));
    await queue.drain();
    expect(errors.map(([e, k]) => [(e as Error).message, k])).toEqual([
      ['async boom', 't'],
      ['sync boom', 't'],
    ]);
    expect(ran).toEqual(['after']);
  });

  it('survives an onError callback that throws', async () => {
    const queue = new InProcessQueue({
      onError: () => {
        throw new Error('reporter down');
      },
    });
    const ran: string[] = [];
    await queue.enqueue('t', async () => {
      throw new Error('x');
    });
    await queue.enqueue('t', async () => void ran.push('next'));
    await queue.drain();
    expect(ran).toEqual(['next']);
  });

  it('drain waits for jobs enqueued by running jobs, and resolves at once when idle', async () => {
    const queue = new InProcessQueue();
    await queue.drain();
    const ran: string[] = [];
    await queue.enqueue('t', async () => {
      await sleep(5);
      await queue.enqueue('u', async () => {
        await sleep(5);
        ran.push('child');
      });
      ran.push('parent');
    });
    await queue.drain();
    expect(ran).toEqual(['parent', 'child']);
    expect(queue.size).toBe(0);
  });

  it('rejects a concurrency that is not a positive integer', () => {
    expect(() => new InProcessQueue({ concurrency: 0 })).toThrow(/positive integer/);
  });
});
