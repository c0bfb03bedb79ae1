/** The one Redis reachability probe the Redis-backed suites share. */
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.HELPLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis at `url` cannot be used, or undefined when it answers PING. */
export async function probeRedis(url = TEST_REDIS_URL): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    redis.disconnect();
  }
}

/**
 * Whether the Redis suites can run: a laptop without Redis skips them (the suite title says why),
 * CI fails instead — the machine has Redis, so nothing that needs it may go unrun there.
 */
export async function requireRedis(url = TEST_REDIS_URL): Promise<boolean> {
  const problem = await probeRedis(url);
  if (problem !== undefined && process.env.CI)
    throw new Error(`Redis is required in CI but not usable at ${url}: ${problem}`);
  return problem === undefined;
}
