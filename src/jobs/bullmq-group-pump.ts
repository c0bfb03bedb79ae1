/**
 * Strict per-group FIFO on Redis (BullMQ OSS has no groups). Adding a grouped job pushes it onto
 * the group's list and adds a "pump" job to the queue's pump queue. A pump takes the group's lock
 * and works the list head by head: run the handler, pop only after the outcome is final, so a
 * crash leaves the item at the head to be run again (at-least-once: handlers must be idempotent).
 *
 * Invariant: while a list is non-empty some pump for it is waiting, delayed or holding the lock.
 * The holder releases only when the list is empty (atomically against pushes) or after delaying
 * its own pump job to when the head is due; a pump that finds the lock taken delays itself until
 * the lock would expire, so a killed holder's group is picked up once its lock lapses.
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, type RedisClient } from 'bullmq';
import { groupKeys, queueGroupKeys } from './bullmq-keys.ts';
import { runScript } from './bullmq-scripts.ts';
import { decideOutcome } from './job-policy.ts';
import type { DeadLetter, JobContext, QueueName } from './types.ts';

/** A grouped job as stored in its group's list (and as the value of its id key). */
export interface GroupItem {
  id: string;
  name: string;
  data: unknown;
  group: string;
  attempts: number;
  backoffMs: number;
  /** Epoch ms before which the item must not run (its delayMs). */
  notBefore: number;
  /** When it first became runnable, for the `completed` duration. */
  readyAt: number;
}

export interface PumpJobData {
  group: string;
}

export interface PumpDeps {
  prefix: string;
  queue: QueueName;
  /** The worker's own connection: it waits out Redis outages instead of failing. */
  client: RedisClient;
  lockMs: number;
  maxRetryLaters: number;
  /** Starts without an outcome (the worker died mid-run) before the item is dead-lettered. */
  maxCrashes: number;
  isClosing: () => boolean;
  run: (item: GroupItem, ctx: JobContext) => Promise<void>;
  deadLetter: (letter: DeadLetter) => Promise<void>;
  completed: (item: GroupItem) => void;
}

/** Margin past the holder's lock expiry before a waiting pump tries again. */
const LOCK_RETRY_MARGIN_MS = 25;

export async function pumpGroup(
  deps: PumpDeps,
  job: Job<PumpJobData>,
  token: string | undefined,
): Promise<void> {
  const { client, lockMs } = deps;
  const { group } = job.data;
  const keys = groupKeys(deps.prefix, deps.queue, group);
  const lockToken = randomUUID();
  const busyMs = Number(await runScript(client, 'hlLockAcquire', [keys.lock], [lockToken, lockMs]));
  if (busyMs > 0) return delayPump(job, token, Date.now() + busyMs + LOCK_RETRY_MARGIN_MS);

  const renewal = setInterval(() => {
    runScript(client, 'hlLockRenew', [keys.lock], [lockToken, lockMs]).catch(() => {
      // A lost renewal shows up as a lost lock when the head is popped.
    });
  }, lockMs / 3);
  renewal.unref();
  let dueAt: number;
  try {
    dueAt = await drain(deps, keys, group, lockToken);
  } finally {
    clearInterval(renewal);
    await runScript(client, 'hlLockRelease', [keys.lock], [lockToken]);
  }
  if (dueAt > 0) return delayPump(job, token, dueAt);
}

/** Works the list until it is empty (returns 0) or its head is not due yet (returns when it is). */
async function drain(deps: PumpDeps, keys: ReturnType<typeof groupKeys>, group: string, lockToken: string) {
  const { client } = deps;
  const queueKeys = queueGroupKeys(deps.prefix, deps.queue);
  for (;;) {
    const [raw] = await client.lrange(keys.items, 0, 0);
    if (raw === undefined) {
      const released = await runScript(
        client,
        'hlGroupReleaseIfEmpty',
        [keys.lock, keys.items, queueKeys.index, keys.tries],
        [lockToken, group],
      );
      if (released === -1) throw new Error(`lost the lock of group ${group} on ${deps.queue}`);
      if (released === 1) return 0;
      continue;
    }
    // Closing: hand the group over (the pump is re-queued at once) instead of starting another item.
    if (deps.isClosing()) return Date.now();
    const item = JSON.parse(raw) as GroupItem;
    const fields = ['made', 'later', 'at', 'started'].map((field) => `${item.id}|${field}`);
    const [made, later, retryAt, started] = (await client.hmget(keys.tries, ...fields)).map(Number);
    const due = Math.max(item.notBefore, retryAt);
    if (due > Date.now()) return due;
    const attempt = made + 1;
    const crashes = started - made - later;
    let letter: DeadLetter | undefined;
    if (crashes >= deps.maxCrashes) {
      letter = toLetter(
        deps.queue,
        item,
        attempt,
        `the worker stopped while running this job ${crashes} times`,
      );
    } else {
      await runScript(client, 'hlGroupCountStart', [keys.tries], [item.id]);
      try {
        await deps.run(item, {
          id: item.id,
          queue: deps.queue,
          name: item.name,
          attempt,
          final: attempt >= item.attempts,
        });
      } catch (err) {
        const outcome = decideOutcome(err, item, attempt, later, deps.maxRetryLaters);
        if (outcome.kind === 'dead') {
          letter = toLetter(deps.queue, item, attempt, outcome.error);
        } else {
          const field = outcome.kind === 'retry' ? 'made' : 'later';
          await runScript(
            client,
            'hlGroupRecordTry',
            [keys.tries],
            [item.id, field, Date.now() + outcome.delayMs],
          );
          continue;
        }
      }
    }
    if (letter) await deps.deadLetter(letter);
    const popped = await runScript(
      client,
      'hlGroupPop',
      [keys.lock, keys.items, queueKeys.size, keys.tries, queueKeys.id(item.id)],
      [lockToken, raw, item.id],
    );
    if (popped === -1)
      throw new Error(`lost the lock of group ${group} on ${deps.queue}; job ${item.id} will run again`);
    if (!letter) deps.completed(item);
  }
}

async function delayPump(job: Job, token: string | undefined, at: number): Promise<never> {
  await job.moveToDelayed(at, token);
  throw new DelayedError();
}

function toLetter(queue: QueueName, item: GroupItem, attempts: number, error: string): DeadLetter {
  return {
    queue,
    name: item.name,
    id: item.id,
    data: item.data,
    attempts,
    error,
    at: new Date().toISOString(),
  };
}
