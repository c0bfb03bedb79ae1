/**
 * Picks the runner from configuration: BullMQ on Redis when REDIS_URL is set, the in-process
 * runner with its journal under HELPLINE_DATA otherwise (the embedded default). Redis is checked here, at start, so a wrong REDIS_URL
 * fails loudly with REDIS_UNAVAILABLE instead of on the first webhook.
 */
import { InProcessRunner } from './in-process-runner.ts';
import { JobJournal } from './job-journal.ts';
import type { OnJobError } from './job-policy.ts';
import type { JobRunner, JobRunnerEvents } from './types.ts';

export interface OpenJobRunnerOptions {
  /** REDIS_URL. @defaultValue unset: the in-process runner */
  redisUrl?: string;
  /** The in-process runner's journal file (`jobs.journal` under HELPLINE_DATA), which makes it durable. */
  journalPath: string;
  /** Redis key prefix (BullMQ only). @defaultValue 'helpline' */
  prefix?: string;
  /** Jobs run at once per queue (and process, with BullMQ). @defaultValue 4 */
  concurrency?: number;
  events?: JobRunnerEvents;
  /** @defaultValue logs to stderr */
  onError?: OnJobError;
  /** How long to wait for Redis to answer at open (BullMQ only). @defaultValue 5000 */
  connectTimeoutMs?: number;
  /** See BullmqRunnerOptions. @defaultValue 10000 */
  lockDurationMs?: number;
  /** See BullmqRunnerOptions. @defaultValue 5000 */
  stalledIntervalMs?: number;
}

export async function openJobRunner(options: OpenJobRunnerOptions): Promise<JobRunner> {
  const { redisUrl, connectTimeoutMs, journalPath, ...common } = options;
  if (!redisUrl) {
    return new InProcessRunner({
      concurrency: common.concurrency,
      events: common.events,
      onError: common.onError,
      journal: new JobJournal(journalPath),
    });
  }
  // BullMQ and ioredis are loaded only when Redis is configured (the embedded start does not pay for them).
  const { BullmqRunner } = await import('./bullmq-runner.ts');
  const runner = new BullmqRunner({ ...common, connection: redisUrl });
  await runner.connect(connectTimeoutMs);
  return runner;
}
