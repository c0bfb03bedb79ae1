/**
 * The producer side of grouped jobs (see ./bullmq-group-pump.ts for the worker side): pushing an
 * item onto its group's list with a deduped id, and removing a pending one.
 */
import type { RedisClient } from 'bullmq';
import type { GroupItem } from './bullmq-group-pump.ts';
import { groupKeys, queueGroupKeys } from './bullmq-keys.ts';
import { runScript } from './bullmq-scripts.ts';
import type { ResolvedJob } from './job-policy.ts';
import type { QueueName } from './types.ts';

/**
 * A grouped job id stays taken this long past its due time even if its group never drains
 * (a safety net: the key is deleted when the job finishes).
 */
export const GROUP_ID_TTL_MS = 24 * 60 * 60 * 1000;

/** Appends the job to its group; false if its id is already pending in this queue. */
export async function pushGrouped(
  client: RedisClient,
  prefix: string,
  queue: QueueName,
  job: ResolvedJob,
  group: string,
): Promise<boolean> {
  const notBefore = Date.now() + job.delayMs;
  const item: GroupItem = { ...job, group, notBefore, readyAt: notBefore };
  const ids = queueGroupKeys(prefix, queue);
  const keys = groupKeys(prefix, queue, group);
  const pushed = await runScript(
    client,
    'hlGroupPush',
    [ids.id(job.id), keys.items, ids.size, ids.index],
    [JSON.stringify(item), GROUP_ID_TTL_MS + job.delayMs, group],
  );
  return pushed === 1;
}

/** Removes a pending grouped job; a no-op if absent or running (the head of a locked group). */
export async function removeGrouped(
  client: RedisClient,
  prefix: string,
  queue: QueueName,
  id: string,
): Promise<void> {
  const ids = queueGroupKeys(prefix, queue);
  // The id key holds the item itself, which names the group and is what LREM must match.
  const raw = await client.get(ids.id(id));
  if (raw === null) return;
  const { group } = JSON.parse(raw) as GroupItem;
  const keys = groupKeys(prefix, queue, group);
  await runScript(
    client,
    'hlGroupRemove',
    [ids.id(id), keys.items, keys.lock, ids.size, ids.index, keys.tries],
    [raw, group, id],
  );
}
