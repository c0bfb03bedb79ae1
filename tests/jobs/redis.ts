/**
 * Real-Redis helpers for job tests: a random key prefix per test, deleting that prefix's keys
 * afterwards, and a raw PING for polling a Redis that is starting. Whether Redis is there at all
 * (skip locally, fail in CI) is tests/support/redis-probe.ts's `requireRedis`, shared by every suite.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Queue, type RedisClient } from 'bullmq';

import { TEST_REDIS_URL as REDIS_URL } from '../support/redis-probe.ts';

export { requireRedis } from '../support/redis-probe.ts';
export { REDIS_URL };

/** The few ioredis commands tests use beyond BullMQ's typed client (the object is ioredis). */
export interface TestRedis extends RedisClient {
  incr(key: string): Promise<number>;
  rpush(key: string, ...values: string[]): Promise<number>;
  set(
    key: string,
    value: string | number,
    options?: { PX?: number; EX?: number } | 'NX',
  ): Promise<string | null>;
}

export function randomPrefix(): string {
  return `hltest-${randomUUID().slice(0, 8)}`;
}

/** Whether a Redis answers PING at `url` (a raw socket: no client left behind). */
export function redisReachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => done(/^(\+PONG|-NOAUTH)/.test(chunk.toString())));
  });
}

/** A plain client, borrowed from a BullMQ queue object (told not to write its meta key). */
export async function openTestRedis(
  url = REDIS_URL,
): Promise<{ redis: TestRedis; close: () => Promise<void> }> {
  const prefix = randomPrefix();
  const holder = new Queue('test-client', { connection: { url }, prefix, skipMetasUpdate: true });
  const redis = (await holder.client) as TestRedis;
  return {
    redis,
    close: async () => {
      await deleteKeys(redis, prefix);
      await holder.close();
    },
  };
}

export async function deleteKeys(redis: RedisClient, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, { MATCH: `${prefix}:*`, COUNT: 500 });
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
