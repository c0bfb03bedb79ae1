/**
 * A real Redis for tests (CONVENTIONS: real services where the code talks to them). Each test gets
 * a random key prefix; every key under it is deleted and every client closed after the test, so
 * parallel files and runs never see each other's keys.
 *
 * Redis comes from HELPLINE_TEST_REDIS_URL, default redis://127.0.0.1:6379. When it is unreachable
 * the Redis suites are skipped locally, and FAIL when CI is set.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe } from 'vitest';
import { probeRedis, TEST_REDIS_URL } from '../support/redis-probe.ts';

export { TEST_REDIS_URL };

export const redisProblem = await probeRedis();

export interface RedisContext {
  /** A random prefix for this test's keys (ends with ':'). */
  prefix(): string;
  /** A new client to the test Redis; closed after the test. */
  client(): Redis;
}

function redisContext(): RedisContext {
  let prefix: string | undefined;
  const clients: Redis[] = [];
  afterEach(async () => {
    const used = prefix;
    prefix = undefined;
    if (used) {
      const admin = new Redis(TEST_REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await admin.scan(cursor, 'MATCH', `${used}*`, 'COUNT', 500);
          if (keys.length > 0) await admin.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        await admin.quit();
      }
    }
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  });
  return {
    prefix() {
      prefix ??= `helpline-test:${process.pid}:${randomBytes(6).toString('hex')}:`;
      return prefix;
    },
    client() {
      if (redisProblem) {
        throw new Error(
          `Redis is required (CI is set) but unreachable at ${TEST_REDIS_URL}: ${redisProblem}`,
        );
      }
      const client = new Redis(TEST_REDIS_URL);
      clients.push(client);
      return client;
    },
  };
}

/** `describe(title [redis])` with a context; skipped locally when Redis is unreachable, failing under CI. */
export function describeRedis(title: string, body: (ctx: RedisContext) => void): void {
  const skip = redisProblem !== undefined && !process.env.CI;
  const suffix = skip
    ? ` — skipped: Redis unreachable at ${TEST_REDIS_URL} (${redisProblem}); CI makes this fail`
    : '';
  describe.skipIf(skip)(`${title} [redis]${suffix}`, () => body(redisContext()));
}
