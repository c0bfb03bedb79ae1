/**
 * Throwaway backing services for a benchmark run, each removed afterwards: a PostgreSQL database
 * created for the run, an empty Redis database index claimed for the run, and a temporary folder.
 * Nothing that was there before is touched.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface Throwaway<T> {
  value: T;
  /** Removes it; safe to call twice. */
  drop(): Promise<void>;
}

export function tempDir(label: string): Throwaway<string> {
  const dir = mkdtempSync(join(tmpdir(), `helpline-bench-${label}-`));
  return {
    value: dir,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Creates database `helpline_bench_<random>` through `adminUrl` (any database the user may connect
 * to, e.g. postgres://postgres@127.0.0.1:5432/postgres) and gives back its URL; drop() removes it,
 * closing connections left open (PostgreSQL 13+).
 */
export async function throwawayPostgres(adminUrl: string): Promise<Throwaway<string>> {
  const name = `helpline_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await admin(`CREATE DATABASE "${name}"`);
  } catch (err) {
    throw new Error(
      `Could not create a throwaway database through ${redact(adminUrl)}: ${(err as Error).message}. ` +
        'Pass --pg-url with a user allowed to CREATE DATABASE, or --runner embedded.',
      { cause: err },
    );
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    value: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** Marks the claimed Redis database so a second bench run does not claim it too. */
const CLAIM_KEY = 'helpline-bench:claim';
/** The claim outlives any sane run but not a crashed one forever. */
const CLAIM_TTL_S = 3600;
/** Keys a Helpline server writes (BullMQ prefix `helpline`, rate buckets `helpline:rate:`) and the claim. */
const OUR_KEYS = 'helpline*';

/**
 * An empty database index (1–15, tried in random order) on the Redis at `baseUrl`, claimed with a
 * marker key; the URL given back selects it. drop() deletes the keys a Helpline server writes
 * there (`helpline*`) and the claim, and nothing else.
 */
export async function throwawayRedisDb(baseUrl: string): Promise<Throwaway<string>> {
  const base = new URL(baseUrl);
  const redis = new Redis(baseUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `Redis is not reachable at ${redact(baseUrl)}: ${(err as Error).message}. Start it, pass --redis-url, or --runner embedded.`,
      { cause: err },
    );
  }
  const order = Array.from({ length: 15 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
  let db: number | undefined;
  for (const i of order) {
    await redis.select(i);
    if ((await redis.dbsize()) !== 0) continue;
    if ((await redis.set(CLAIM_KEY, String(process.pid), 'EX', CLAIM_TTL_S, 'NX')) === 'OK') {
      db = i;
      break;
    }
  }
  if (db === undefined) {
    redis.disconnect();
    throw new Error(
      `No empty database index (1–15) on the Redis at ${redact(baseUrl)}; free one or pass another --redis-url.`,
    );
  }
  base.pathname = `/${db}`;
  let dropped = false;
  return {
    value: base.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      try {
        let cursor = '0';
        // Bounded: a scan visits each key once; the cap only guards against a Redis gone wrong.
        for (let rounds = 0; rounds < 100_000; rounds++) {
          const [next, keys] = await redis.scan(cursor, 'MATCH', OUR_KEYS, 'COUNT', 1000);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
          if (cursor === '0') break;
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
