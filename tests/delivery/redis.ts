/**
 * A real Redis for the delivery tests: HELPLINE_TEST_REDIS_URL, default redis://127.0.0.1:6379.
 * Unreachable → the Redis suites are skipped locally and FAIL when CI is set. Every test works
 * under its own random key prefix and deletes its keys afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe } from 'vitest';
import { probeRedis, TEST_REDIS_URL } from '../support/redis-probe.ts';

export { TEST_REDIS_URL };

const redisProblem = await probeRedis();

export interface RedisContext {
  /** A new connection (a separate worker process, as far as Redis can tell). */
  connect(): Redis;
  /** A prefix no other test uses (no trailing colon); keys starting with it are deleted after the test. */
  prefix(): string;
}

/** `describe` that needs Redis: skipped when unreachable, unless CI is set (then it fails). */
export function describeRedis(title: string, body: (ctx: RedisContext) => void): void {
  const skip = redisProblem !== undefined && !process.env.CI;
  const suffix = skip
    ? ` — skipped: Redis unreachable at ${TEST_REDIS_URL} (${redisProblem}); CI makes this fail`
    : '';
  describe.skipIf(skip)(`${title}${suffix}`, () => {
    const connections: Redis[] = [];
    const prefixes: string[] = [];
    afterEach(async () => {
      for (const c of connections.splice(0)) c.disconnect();
      if (prefixes.length === 0 || redisProblem) return;
      const admin = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        for (const prefix of prefixes.splice(0)) {
          const keys = await admin.keys(`${prefix}*`);
          if (keys.length) await admin.del(...keys);
        }
      } finally {
        admin.disconnect();
      }
    });
    body({
      connect() {
        if (redisProblem)
          throw new Error(
            `Redis is required (CI is set) but unreachable at ${TEST_REDIS_URL}: ${redisProblem}`,
          );
        const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
        connections.push(redis);
        return redis;
      },
      prefix() {
        const prefix = `helpline-test-${randomUUID()}`;
        prefixes.push(prefix);
        return prefix;
      },
    });
  });
}
