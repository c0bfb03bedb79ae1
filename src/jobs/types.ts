/**
 * The job seam (DESIGN §5, §7): one interface, two runners — in-process (embedded default) and
 * BullMQ on Redis (REDIS_URL). Jobs are data (name + JSON payload) so either runner can carry them
 * across processes; handlers are registered by name.
 */

/** inbound: assistant turns · outbound: deliveries · sla: timers · maintenance: sweeps, re-index. */
export type QueueName = 'inbound' | 'outbound' | 'sla' | 'maintenance';
export const QUEUES: readonly QueueName[] = ['inbound', 'outbound', 'sla', 'maintenance'];

export interface JobSpec<T = unknown> {
  /** Handler name, registered with `register`. */
  name: string;
  /** JSON-serializable payload. */
  data: T;
  /**
   * Deterministic id: adding a job whose id is already waiting, delayed or running is a no-op
   * (at-least-once producers, exactly-once jobs). @defaultValue a random id
   */
  id?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /**
   * Jobs of one group run one at a time, in the order they were added (a thread's turns);
   * different groups run in parallel.
   */
  group?: string;
  /** Tries before the job is dead-lettered. @defaultValue 5 */
  attempts?: number;
  /** First retry delay; doubles each try. @defaultValue 1000 */
  backoffMs?: number;
}

export interface JobContext {
  id: string;
  queue: QueueName;
  name: string;
  /** 1 on the first try. */
  attempt: number;
  /** Whether this is the last try (the caller may want to send a fallback now). */
  final: boolean;
}

export type JobHandler<T = unknown> = (data: T, ctx: JobContext) => Promise<void>;

/** Thrown by a handler to retry after a given delay without counting as a failure (e.g. 429 Retry-After). */
export class RetryLater extends Error {
  readonly delayMs: number;
  constructor(delayMs: number, reason = 'retry later') {
    super(reason);
    this.name = 'RetryLater';
    this.delayMs = delayMs;
  }
}

/** Thrown by a handler for an error retrying cannot fix (a 4xx): dead-lettered at once. */
export class PermanentFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentFailure';
  }
}

export interface DeadLetter {
  queue: QueueName;
  name: string;
  id: string;
  data: unknown;
  attempts: number;
  error: string;
  at: string;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface JobRunnerEvents {
  /** A job finished; `ms` from when it became runnable to completion. */
  completed?: (queue: QueueName, name: string, ms: number) => void;
  /** A job exhausted its tries or failed permanently. */
  dead?: (letter: DeadLetter) => void;
}

export interface JobRunner {
  readonly kind: 'in-process' | 'bullmq';
  register<T>(queue: QueueName, name: string, handler: JobHandler<T>): void;
  add<T>(queue: QueueName, job: JobSpec<T>): Promise<{ id: string; added: boolean }>;
  /** Removes a waiting or delayed job (rescheduling a timer); no-op if absent or running. */
  remove(queue: QueueName, id: string): Promise<void>;
  /** Starts processing (a web-only process may add jobs without starting workers). */
  start(): Promise<void>;
  /** Stops taking jobs and waits for running ones to finish (graceful shutdown). */
  close(): Promise<void>;
  counts(): Promise<Record<QueueName, QueueCounts>>;
  deadLetters(limit?: number): Promise<DeadLetter[]>;
}
