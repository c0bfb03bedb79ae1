/**
 * requeue (src/jobs/requeue.ts): work the queue refused (a stored message's job, a ticket's timers
 * or card) is queued again as soon as the queue takes it, oldest first, one try per period while it
 * is away, and left to the recovery sweeps after `forMs`.
 */
import { describe, expect, it } from 'vitest';
import { createRequeue } from '../../src/jobs/requeue.ts';
import { waitFor } from './wait.ts';

/** A queue that is down until `up()`; records what it took. */
function queueDownUntilUp() {
  let up = false;
  const tried: string[] = [];
  const taken: string[] = [];
  const queue = (key: string) => async () => {
    tried.push(key);
    if (!up) throw new Error('Connection is closed.');
    taken.push(key);
  };
  return { queue, tried, taken, tries: () => tried.length, up: () => (up = true) };
}

describe('requeue', () => {
  it('queues what waited, oldest first, once the queue is back', async () => {
    const q = queueDownUntilUp();
    const queued: string[] = [];
    const requeue = createRequeue({ everyMs: 5, onQueued: (key) => queued.push(key) });
    requeue.later('a', q.queue('a'));
    requeue.later('b', q.queue('b'));
    await waitFor('a few failed rounds', () => q.tries() >= 3, 2000);
    expect(requeue.waiting()).toBe(2);
    q.up();
    await waitFor('both queued', () => requeue.waiting() === 0, 2000);
    expect(q.taken).toEqual(['a', 'b']);
    expect(queued).toEqual(['a', 'b']);
    requeue.stop();
  });

  it('while the queue is away, one try per round, not one per waiting message', async () => {
    const q = queueDownUntilUp();
    const requeue = createRequeue({ everyMs: 5 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) requeue.later(key, q.queue(key));
    await waitFor('several failed rounds', () => q.tries() >= 4, 2000);
    requeue.stop();
    // Each round asked about the oldest only, and stopped there.
    expect(new Set(q.tried)).toEqual(new Set(['a']));
  });

  it('a key already waiting is not added twice', async () => {
    const q = queueDownUntilUp();
    const requeue = createRequeue({ everyMs: 5 });
    requeue.later('a', q.queue('a'));
    requeue.later('a', q.queue('a'));
    expect(requeue.waiting()).toBe(1);
    q.up();
    await waitFor('queued', () => requeue.waiting() === 0, 2000);
    expect(q.taken).toEqual(['a']);
    requeue.stop();
  });

  it('after forMs a message is left to the recovery sweep', async () => {
    let now = 0;
    const q = queueDownUntilUp();
    const gaveUp: string[] = [];
    const requeue = createRequeue({
      everyMs: 5,
      forMs: 1000,
      now: () => now,
      onGaveUp: (key) => gaveUp.push(key),
    });
    requeue.later('old', q.queue('old'));
    now = 500;
    requeue.later('young', q.queue('young'));
    await waitFor('a failed round', () => q.tries() >= 1, 2000);
    expect(gaveUp).toEqual([]);
    now = 1200;
    await waitFor('the old one let go', () => gaveUp.length === 1, 2000);
    expect(gaveUp).toEqual(['old']);
    expect(requeue.waiting()).toBe(1);
    q.up();
    await waitFor('the young one queued', () => requeue.waiting() === 0, 2000);
    expect(q.taken).toEqual(['young']);
    requeue.stop();
  });

  it('stop() stops trying; later() after it is ignored', async () => {
    const q = queueDownUntilUp();
    const requeue = createRequeue({ everyMs: 5 });
    requeue.later('a', q.queue('a'));
    requeue.stop();
    requeue.later('b', q.queue('b'));
    q.up();
    await new Promise((r) => setTimeout(r, 50));
    expect(q.taken).toEqual([]);
    expect(requeue.waiting()).toBe(1);
  });
});
