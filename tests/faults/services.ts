/**
 * The real services the fault tests break: the shared Redis and PostgreSQL (HELPLINE_TEST_REDIS_URL,
 * HELPLINE_TEST_DATABASE_URL; defaults 127.0.0.1). Unreachable → the suites are skipped locally and
 * FAIL when CI is set. Every test gets a throwaway database (child processes only take a
 * DATABASE_URL) and, where `helpline worker` children use the default key prefix, a Redis database
 * index of its own; both are removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, describe } from 'vitest';
import { probeRedis as probeSharedRedis, TEST_REDIS_URL } from '../support/redis-probe.ts';

export const REDIS_URL = TEST_REDIS_URL;
export const DATABASE_URL =
  process.env.HELPLINE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probeRedis(): Promise<string | undefined> {
  const problem = await probeSharedRedis(REDIS_URL);
  return problem && `Redis at ${REDIS_URL}: ${problem}`;
}

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL at ${DATABASE_URL}: ${(err as Error).message || String(err)}`;
  } finally {
    await client.end().catch(() => {});
  }
}

const problems = (await Promise.all([probeRedis(), probePostgres()])).filter(Boolean);
export const servicesProblem = problems.length ? problems.join('; ') : undefined;

/** Fails the test with the reason when a service is missing (reached only when CI is set). */
export function requireServices(): void {
  if (servicesProblem)
    throw new Error(`Real Redis and PostgreSQL are required (CI is set): ${servicesProblem}`);
}

/** `describe` that needs the shared Redis and PostgreSQL: skipped locally without them, failing in CI. */
export function describeServices(title: string, body: () => void): void {
  const skip = servicesProblem !== undefined && !process.env.CI;
  describe.skipIf(skip)(`${title}${skip ? ` — skipped: ${servicesProblem}; CI makes this fail` : ''}`, body);
}

export interface ThrowawayDatabase {
  /** DATABASE_URL of the new, empty database. */
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A new PostgreSQL database on the test server; `drop()` disconnects whoever is left and drops it. */
export async function createThrowawayDatabase(): Promise<ThrowawayDatabase> {
  requireServices();
  const name = `helpline_fault_${process.pid}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

export interface RedisDb {
  /** REDIS_URL naming the database index. */
  url: string;
  /** Deletes every key of the index (it was empty and claimed by us). */
  release(): Promise<void>;
}

const CLAIM_KEY = 'helpline-fault-test:claim';

/**
 * An empty Redis database index (1–15) on the shared Redis, claimed with a marker key so parallel
 * runs do not pick the same one: for `helpline worker` children, which use the default key prefix.
 */
export async function claimRedisDb(): Promise<RedisDb> {
  requireServices();
  const base = new URL(REDIS_URL);
  const order = Array.from({ length: 15 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
  for (const index of order) {
    const url = new URL(base);
    url.pathname = `/${index}`;
    const redis = new Redis(url.toString(), { maxRetriesPerRequest: 1 });
    let claimed = false;
    try {
      if ((await redis.dbsize()) !== 0) continue;
      claimed = (await redis.set(CLAIM_KEY, `${process.pid}`, 'EX', 600, 'NX')) === 'OK';
      if (claimed && (await redis.dbsize()) !== 1) {
        await redis.del(CLAIM_KEY);
        claimed = false;
      }
    } finally {
      redis.disconnect();
    }
    if (claimed) {
      return {
        url: url.toString(),
        release: async () => {
          const client = new Redis(url.toString(), { maxRetriesPerRequest: 1 });
          try {
            await deleteMatching(client, '*');
          } finally {
            client.disconnect();
          }
        },
      };
    }
  }
  throw new Error(`no empty Redis database index is free at ${REDIS_URL}; free one (FLUSHDB) and retry`);
}

/** Deletes the keys matching `pattern` (SCAN, so the server is never blocked). */
export async function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * Registers an afterEach that runs the cleanups a test deferred, last first, each bounded in time
 * so one that hangs (a close on a dead Redis) cannot keep the others (drop the database, kill the
 * servers) from running; `first` runs before them all. Returns `defer`.
 */
export function deferCleanups(
  options: { first?: () => Promise<unknown>; timeoutMs?: number } = {},
): (cleanup: () => Promise<unknown>) => void {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    const due = cleanups.splice(0).reverse();
    for (const cleanup of options.first ? [options.first, ...due] : due) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([cleanup().catch(() => {}), timeout]);
      clearTimeout(timer);
    }
  }, 120_000);
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}
