/**
 * The engines a runtime stands on, chosen by configuration (DESIGN §5 "embedded defaults, real
 * engines at scale"): the database (PGlite under HELPLINE_DATA, or PostgreSQL), the job runner (the
 * in-process one with its journal, or BullMQ on Redis), and what else Redis carries when it is there
 * (event dedupe, delivery rate limits). Tests may pass their own database or runner.
 */
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter } from '../delivery/rate-limit.ts';
import { type EventDeduper, MemoryDeduper, RedisDeduper } from '../idempotency/dedupe.ts';
import { openJobRunner } from '../jobs/open-runner.ts';
import type { JobRunner } from '../jobs/types.ts';
import { createMetrics, jobRunnerEvents, type Metrics } from '../ops/metrics.ts';
import type { Database } from '../store/database.ts';
import { describeDatabase } from '../store/open-database.ts';
import { openConfiguredDatabase } from './configured-database.ts';

export interface Infrastructure {
  db: Database;
  runner: JobRunner;
  metrics: Metrics;
  deduper: EventDeduper;
  limiter: RateLimiter;
  /** What the banner says of the database. */
  databaseLabel: string;
  /** Stops taking jobs and waits for the running ones (graceful shutdown). */
  drain(): Promise<void>;
  /** Closes Redis and the database (after `drain`). */
  close(): Promise<void>;
}

export interface InfrastructureOptions {
  config: Config;
  logger: Logger;
  db?: Database;
  /** The configured database, already being opened (serve starts it first, to overlap the rest). */
  opening?: Promise<Database>;
  runner?: JobRunner;
  metrics?: Metrics;
}

export async function openInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const { config, logger } = options;
  const dataDir = resolve(config.data.dir);
  const where = { url: config.database.url, dataDir };
  const db = options.db ?? (await (options.opening ?? openConfiguredDatabase(config, logger)));
  const metrics = options.metrics ?? createMetrics();
  const runner =
    options.runner ??
    (await openJobRunner({
      redisUrl: config.redis.url,
      journalPath: join(dataDir, 'jobs.journal'),
      events: jobRunnerEvents(metrics),
      onError: (err, job) => logger.warn({ err, job }, 'job failed'),
    }));
  metrics.watchQueues(() => runner.counts());
  const redis = config.redis.url
    ? new (await import('ioredis')).Redis(config.redis.url, { maxRetriesPerRequest: 2 })
    : undefined;
  // Unheard, ioredis prints every failed reconnect to stderr, past the logger's masking.
  redis?.on('error', (err) => logger.warn({ err }, 'Redis connection failed'));
  return {
    db,
    runner,
    metrics,
    deduper: redis ? new RedisDeduper({ redis }) : new MemoryDeduper(),
    limiter: redis ? new RedisRateLimiter({ redis }) : new MemoryRateLimiter(),
    databaseLabel: options.db ? `given (${db.kind})` : describeDatabase(where),
    drain: () => runner.close(),
    async close() {
      await redis?.quit().catch(() => {});
      await db.close();
    },
  };
}
