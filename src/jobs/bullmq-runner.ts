/**
 * The job runner on Redis (REDIS_URL set): BullMQ queues shared by any number of web and worker
 * processes. Producers only add; `start()` creates workers, so a web-only process has none.
 *
 * Delivery is at-least-once: a job whose worker dies (SIGKILL, OOM) is run again by another worker
 * once its lock lapses (lockDurationMs, then the next stalled check), so handlers must be
 * idempotent (key effects by job id). Grouped jobs are in ./bullmq-group-pump.ts.
 */
import { DelayedError, type Job, Queue, type RedisClient, UnrecoverableError, Worker } from 'bullmq';
import { HelplineError } from '../errors.ts';
import { type PumpDeps, type PumpJobData, pumpGroup } from './bullmq-group-pump.ts';
import { pushGrouped, removeGrouped } from './bullmq-groups.ts';
import { bullJobId, deadKey, pumpQueueName, queueGroupKeys } from './bullmq-keys.ts';
import { runScript } from './bullmq-scripts.ts';
import { HandlerRegistry } from './handler-registry.ts';
import {
  callbackGuard,
  DEFAULT_MAX_DEAD_LETTERS,
  DEFAULT_MAX_RETRY_LATERS,
  decideOutcome,
  errorText,
  type JobRef,
  logJobError,
  type OnJobError,
  type ResolvedJob,
  resolveJob,
} from './job-policy.ts';
import { redisUnavailable, withRedis } from './redis-errors.ts';
import type {
  DeadLetter,
  JobHandler,
  JobRunner,
  JobRunnerEvents,
  JobSpec,
  QueueCounts,
  QueueName,
} from './types.ts';
import { QUEUES } from './types.ts';

export interface BullmqRunnerOptions {
  /** Redis URL (REDIS_URL), e.g. redis://:password@host:6379/0. */
  connection: string;
  /** Key prefix; runners with the same prefix share queues. @defaultValue 'helpline' */
  prefix?: string;
  /** Jobs run at once per queue and process, and as many groups again. @defaultValue 4 */
  concurrency?: number;
  /** Called in the process that ran the job. */
  events?: JobRunnerEvents;
  /** Failed tries and Redis connection errors. @defaultValue logs to stderr */
  onError?: OnJobError;
  /**
   * Life of a job's (and a group's) lock without renewal: a killed worker's job is picked up this
   * long after, at the next stalled check. Keep it well above event-loop stalls. @defaultValue 10000
   */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock lapsed. @defaultValue 5000 */
  stalledIntervalMs?: number;
  /** RetryLater answers allowed per job before it is dead-lettered. @defaultValue 100 */
  maxRetryLaters?: number;
  /** Dead letters kept in `${prefix}:dead`, newest first. @defaultValue 1000 */
  maxDeadLetters?: number;
  /** How long add(), remove() and counts() wait for Redis before REDIS_UNAVAILABLE. @defaultValue 5000 */
  commandTimeoutMs?: number;
}

/** A plain job's BullMQ data: our id (BullMQ's is escaped) and the payload. */
interface Envelope {
  id: string;
  data: unknown;
}

/** Failed BullMQ jobs kept for inspection; our dead letters are the record that matters. */
const KEEP_FAILED = 1000;
/** Runs of a grouped job that ended with its worker gone before it is dead-lettered. */
const MAX_GROUP_CRASHES = 3;
/**
 * Pump failures are Redis or lock troubles, never the item's (its tries are counted apart), so
 * pumps retry steadily and long. A pump lost anyway is re-added by the next start().
 */
const PUMP_JOB_OPTIONS = {
  attempts: 1000,
  backoff: { type: 'fixed', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { count: 100 },
};

export class BullmqRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  readonly #url: string;
  readonly #prefix: string;
  readonly #concurrency: number;
  readonly #events: JobRunnerEvents;
  readonly #guard: ReturnType<typeof callbackGuard>;
  readonly #lockMs: number;
  readonly #stalledMs: number;
  readonly #maxRetryLaters: number;
  readonly #maxDeadLetters: number;
  readonly #timeoutMs: number;
  readonly #handlers = new HandlerRegistry();
  readonly #queues = new Map<QueueName, Queue>();
  readonly #pumps = new Map<QueueName, Queue>();
  readonly #workers: Worker[] = [];
  #started = false;
  #closing = false;
  #closed?: Promise<void>;

  constructor(options: BullmqRunnerOptions) {
    this.#url = options.connection;
    this.#prefix = options.prefix ?? 'helpline';
    this.#concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${this.#concurrency}`);
    }
    this.#events = options.events ?? {};
    this.#guard = callbackGuard(options.onError ?? logJobError);
    this.#lockMs = options.lockDurationMs ?? 10_000;
    this.#stalledMs = options.stalledIntervalMs ?? 5_000;
    this.#maxRetryLaters = options.maxRetryLaters ?? DEFAULT_MAX_RETRY_LATERS;
    this.#maxDeadLetters = options.maxDeadLetters ?? DEFAULT_MAX_DEAD_LETTERS;
    this.#timeoutMs = options.commandTimeoutMs ?? 5_000;
    // Producers fail fast while Redis is down (the webhook answers 5xx and the platform redelivers)
    // instead of queueing commands in memory that a crash would lose.
    const connection = { url: this.#url, enableOfflineQueue: false };
    for (const queue of QUEUES) {
      this.#queues.set(queue, this.#listen(new Queue(queue, { connection, prefix: this.#prefix })));
      this.#pumps.set(
        queue,
        this.#listen(new Queue(pumpQueueName(queue), { connection, prefix: this.#prefix })),
      );
    }
  }

  /** Waits until Redis answers; REDIS_UNAVAILABLE (and the runner closed) if it does not in time. */
  async connect(timeoutMs = this.#timeoutMs): Promise<void> {
    try {
      await withRedis(this.#url, 'connecting', timeoutMs, () =>
        Promise.all(
          [...this.#queues.values(), ...this.#pumps.values()].map((queue) => queue.waitUntilReady()),
        ),
      );
    } catch (err) {
      await this.close();
      throw err instanceof HelplineError ? err : redisUnavailable(this.#url, 'connecting', err);
    }
  }

  register<T>(queue: QueueName, name: string, handler: JobHandler<T>): void {
    this.#handlers.register(queue, name, handler);
  }

  async add<T>(queue: QueueName, spec: JobSpec<T>): Promise<{ id: string; added: boolean }> {
    if (this.#closing)
      throw new HelplineError('JOBS_CLOSED', `the job runner is closed; job "${spec.name}" was not added`);
    const job = resolveJob(queue, spec);
    return withRedis(this.#url, `adding job ${job.name}`, this.#timeoutMs, () =>
      job.group === undefined ? this.#addPlain(queue, job) : this.#addGrouped(queue, job, job.group),
    );
  }

  async remove(queue: QueueName, id: string): Promise<void> {
    await withRedis(this.#url, `removing job ${id}`, this.#timeoutMs, async () => {
      const bullQueue = this.#queue(queue);
      const jobId = bullJobId(id);
      const state = await bullQueue.getJobState(jobId);
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
        await bullQueue.remove(jobId);
      }
      await removeGrouped(await bullQueue.client, this.#prefix, queue, id);
    });
  }

  async start(): Promise<void> {
    if (this.#closing)
      throw new HelplineError('JOBS_CLOSED', 'the job runner is closed and cannot start again');
    if (this.#started) return;
    this.#started = true;
    const options = {
      connection: { url: this.#url },
      prefix: this.#prefix,
      concurrency: this.#concurrency,
      lockDuration: this.#lockMs,
      stalledInterval: this.#stalledMs,
    };
    for (const queue of QUEUES) {
      const worker: Worker = new Worker(
        queue,
        (job: Job<Envelope>, token) => this.#process(queue, worker, job, token),
        {
          ...options,
          maxStalledCount: 2,
        },
      );
      const pump: Worker = new Worker(
        pumpQueueName(queue),
        async (job: Job<PumpJobData>, token) => pumpGroup(await this.#pumpDeps(queue, pump), job, token),
        // A stalled pump is a crashed worker mid-item; the item counts its own crashes.
        { ...options, maxStalledCount: 1000 },
      );
      this.#workers.push(this.#listen(worker), this.#listen(pump));
    }
    await Promise.all(this.#workers.map((worker) => worker.waitUntilReady()));
    // Re-pump groups left with items (a producer that died between push and pump, a lost pump).
    for (const queue of QUEUES) {
      const client = await this.#queue(queue).client;
      for (const group of await client.smembers(queueGroupKeys(this.#prefix, queue).index)) {
        await this.#pumps.get(queue)!.add('pump', { group }, PUMP_JOB_OPTIONS);
      }
    }
  }

  close(): Promise<void> {
    this.#closing = true;
    this.#closed ??= (async () => {
      // Worker.close() waits for running jobs; a group pump hands its group over after the current item.
      await Promise.all(this.#workers.map((worker) => worker.close()));
      await Promise.all([...this.#queues.values(), ...this.#pumps.values()].map((queue) => queue.close()));
    })();
    return this.#closed;
  }

  async counts(): Promise<Record<QueueName, QueueCounts>> {
    return withRedis(this.#url, 'counting jobs', this.#timeoutMs, async () => {
      const letters = await this.deadLetters(this.#maxDeadLetters);
      const result = {} as Record<QueueName, QueueCounts>;
      for (const queue of QUEUES) {
        const bullQueue = this.#queue(queue);
        const client = await bullQueue.client;
        const [plain, pumps, size] = await Promise.all([
          bullQueue.getJobCounts('waiting', 'prioritized', 'paused', 'active', 'delayed'),
          this.#pumps.get(queue)!.getJobCounts('active'),
          client.get(queueGroupKeys(this.#prefix, queue).size),
        ]);
        // Grouped jobs count as waiting, or active while a pump holds their group (delays not shown).
        const grouped = Number(size ?? 0);
        const groupedActive = Math.min(pumps.active ?? 0, grouped);
        result[queue] = {
          waiting:
            (plain.waiting ?? 0) + (plain.prioritized ?? 0) + (plain.paused ?? 0) + grouped - groupedActive,
          active: (plain.active ?? 0) + groupedActive,
          delayed: plain.delayed ?? 0,
          failed: letters.filter((letter) => letter.queue === queue).length,
        };
      }
      return result;
    });
  }

  async deadLetters(limit = this.#maxDeadLetters): Promise<DeadLetter[]> {
    if (limit < 1) return [];
    return withRedis(this.#url, 'reading dead letters', this.#timeoutMs, async () => {
      const client = await this.#queue('inbound').client;
      const raw = await client.lrange(deadKey(this.#prefix), 0, limit - 1);
      return raw.map((letter) => JSON.parse(letter) as DeadLetter);
    });
  }

  #queue(queue: QueueName): Queue {
    const bullQueue = this.#queues.get(queue);
    if (!bullQueue)
      throw new HelplineError('JOB_INVALID', `unknown queue "${queue}"; use one of ${QUEUES.join(', ')}`);
    return bullQueue;
  }

  async #addPlain(queue: QueueName, job: ResolvedJob): Promise<{ id: string; added: boolean }> {
    const bullQueue = this.#queue(queue);
    const jobId = bullJobId(job.id);
    // BullMQ silently ignores a known id; look first to answer `added`, and free the id of a job
    // that already finished (kept failed jobs would otherwise block re-adding it).
    const state = await bullQueue.getJobState(jobId);
    if (state === 'completed' || state === 'failed') await bullQueue.remove(jobId);
    else if (state !== 'unknown') return { id: job.id, added: false };
    const envelope: Envelope = { id: job.id, data: job.data };
    await bullQueue.add(job.name, envelope, {
      jobId,
      delay: job.delayMs,
      attempts: job.attempts,
      backoff: { type: 'exponential', delay: job.backoffMs },
      // Completed jobs are deleted so a deterministic id can be used again (an SLA timer re-armed).
      removeOnComplete: true,
      removeOnFail: { count: KEEP_FAILED },
    });
    return { id: job.id, added: true };
  }

  async #addGrouped(
    queue: QueueName,
    job: ResolvedJob,
    group: string,
  ): Promise<{ id: string; added: boolean }> {
    const client = await this.#queue(queue).client;
    const pushed = await pushGrouped(client, this.#prefix, queue, job, group);
    // A pump even for a duplicate: the first add may have died between push and pump.
    const delay = pushed ? job.delayMs : 0;
    await this.#pumps.get(queue)!.add('pump', { group }, { ...PUMP_JOB_OPTIONS, delay });
    return { id: job.id, added: pushed };
  }

  async #process(
    queue: QueueName,
    worker: Worker,
    job: Job<Envelope>,
    token: string | undefined,
  ): Promise<void> {
    const { id, data } = job.data;
    const attempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    // Starts that ended neither done nor failed: RetryLater answers (and stalls).
    const retryLaters = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
    const ctx = { id, queue, name: job.name, attempt, final: attempt >= attempts };
    try {
      await this.#handlers.get(queue, job.name)(data, ctx);
    } catch (err) {
      this.#guard.report(err, ctx);
      const backoff = job.opts.backoff;
      const backoffMs = typeof backoff === 'object' ? (backoff.delay ?? 0) : (backoff ?? 0);
      const outcome = decideOutcome(err, { attempts, backoffMs }, attempt, retryLaters, this.#maxRetryLaters);
      if (outcome.kind === 'retry-later') {
        // Documented BullMQ pattern: move to delayed without spending an attempt, then tell the worker.
        await job.moveToDelayed(Date.now() + outcome.delayMs, token);
        throw new DelayedError();
      }
      if (outcome.kind === 'retry') throw err instanceof Error ? err : new Error(errorText(err));
      const letter = {
        queue,
        name: job.name,
        id,
        data,
        attempts: attempt,
        error: outcome.error,
        at: new Date().toISOString(),
      };
      await this.#deadLetter(await worker.client, letter, ctx);
      throw new UnrecoverableError(outcome.error);
    }
    const readyAt = job.timestamp + (job.opts.delay ?? 0);
    this.#guard.emit(() => this.#events.completed?.(queue, job.name, Date.now() - readyAt), ctx);
  }

  async #pumpDeps(queue: QueueName, worker: Worker): Promise<PumpDeps> {
    const client = await worker.client;
    return {
      prefix: this.#prefix,
      queue,
      client,
      lockMs: this.#lockMs,
      maxRetryLaters: this.#maxRetryLaters,
      maxCrashes: MAX_GROUP_CRASHES,
      isClosing: () => this.#closing,
      run: async (item, ctx) => {
        try {
          await this.#handlers.get(queue, item.name)(item.data, ctx);
        } catch (err) {
          this.#guard.report(err, ctx);
          throw err;
        }
      },
      deadLetter: (letter) => this.#deadLetter(client, letter, { ...letter, attempt: letter.attempts }),
      completed: (item) => {
        const ref = { queue, name: item.name, id: item.id, attempt: 0 };
        this.#guard.emit(() => this.#events.completed?.(queue, item.name, Date.now() - item.readyAt), ref);
      },
    };
  }

  async #deadLetter(client: RedisClient, letter: DeadLetter, ref: JobRef): Promise<void> {
    await runScript(
      client,
      'hlDeadLetter',
      [deadKey(this.#prefix)],
      [JSON.stringify(letter), this.#maxDeadLetters],
    );
    this.#guard.emit(() => this.#events.dead?.(letter), ref);
  }

  /** BullMQ emits connection trouble as 'error' events; unhandled, they would crash the process. */
  #listen<T extends Queue | Worker>(emitter: T): T {
    (emitter as Queue).on('error', (err: Error) => this.#guard.report(err));
    return emitter;
  }
}
