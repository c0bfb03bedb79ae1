/**
 * Names in Redis for the BullMQ runner. BullMQ owns `${prefix}:${bullQueueName}:*`; our own keys use
 * top-level kinds no BullMQ queue is named after, and each kind is `${kind}:${queue}:${rest}` so
 * keys of different kinds never collide, whatever a group name or job id contains.
 */
import type { QueueName } from './types.ts';

/** BullMQ queue that carries the group pump jobs of `queue` (kept apart so counts stay honest). */
export const pumpQueueName = (queue: QueueName): string => `${queue}-groups`;

/**
 * BullMQ rejects custom ids that contain ':' or look like integers; ours may do both
 * (`slack:T1:Ev9`, `42`). A fixed prefix and escaping keep the mapping one-to-one.
 */
export function bullJobId(id: string): string {
  return `j_${id.replaceAll('%', '%25').replaceAll(':', '%3A')}`;
}

export function deadKey(prefix: string): string {
  return `${prefix}:dead`;
}

export interface GroupKeys {
  /** List of pending items (JSON), head first. */
  items: string;
  /** Who is processing the group: a token, with a TTL so a killed worker's lock expires. */
  lock: string;
  /** Hash of per-item try counters (`${id}|made` …), kept across pump jobs. */
  tries: string;
}

export function groupKeys(prefix: string, queue: QueueName, group: string): GroupKeys {
  return {
    items: `${prefix}:group-items:${queue}:${group}`,
    lock: `${prefix}:group-lock:${queue}:${group}`,
    tries: `${prefix}:group-tries:${queue}:${group}`,
  };
}

export interface QueueGroupKeys {
  /** Set of groups with pending items, to re-pump them on start (a crash between push and pump). */
  index: string;
  /** Number of grouped items pending in the queue (for counts). */
  size: string;
  /** Dedupe key of a grouped job id; its value is the item, so remove() can find it. */
  id: (id: string) => string;
}

export function queueGroupKeys(prefix: string, queue: QueueName): QueueGroupKeys {
  return {
    index: `${prefix}:group-index:${queue}`,
    size: `${prefix}:group-size:${queue}`,
    id: (id) => `${prefix}:group-id:${queue}:${id}`,
  };
}
