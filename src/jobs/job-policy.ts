/**
 * What both runners decide the same way: spec defaults and validation, the backoff curve, and what
 * a handler's outcome means (retry, retry later, dead-letter). Keeping it here is what lets one
 * contract suite pass on both runners.
 */
import { randomUUID } from 'node:crypto';
import { type ErrorCode, HelplineError } from '../errors.ts';
import { type JobSpec, PermanentFailure, QUEUES, type QueueName, RetryLater } from './types.ts';

/** @defaultValue of JobSpec.attempts */
export const DEFAULT_ATTEMPTS = 5;
/** @defaultValue of JobSpec.backoffMs */
export const DEFAULT_BACKOFF_MS = 1000;
/**
 * RetryLater does not consume attempts, so a handler that always asks to retry later would never
 * end; after this many it is dead-lettered.
 */
export const DEFAULT_MAX_RETRY_LATERS = 100;
/**
 * A try that failed because a dependency is down (Redis, the job journal, the database) says
 * nothing about the job: it is retried later, waiting longer each time up to this, without spending
 * an attempt — a Redis restart must not use up a reply's three tries and drop it.
 */
const MAX_OUTAGE_DELAY_MS = 30_000;
const OUTAGE_CODES: readonly ErrorCode[] = ['REDIS_UNAVAILABLE', 'JOBS_UNAVAILABLE', 'DB_UNAVAILABLE'];
/** Dead letters kept (newest first); older ones are dropped. */
export const DEFAULT_MAX_DEAD_LETTERS = 1000;

/** Which job an error is about (absent for connection errors and the like). */
export interface JobRef {
  queue: QueueName;
  name: string;
  id: string;
  attempt: number;
}

/** Receives each failed try (the runner goes on) and errors outside any handler. */
export type OnJobError = (err: unknown, job?: JobRef) => void;

export const logJobError: OnJobError = (err, job) => {
  const where = job ? `job ${job.queue}/${job.name} ${job.id} try ${job.attempt}` : 'job runner';
  console.error(`[helpline] ${where} failed:`, err);
};

/** A JobSpec with its defaults filled in. */
/**
 * The runners' guard around caller code: a failing error reporter or event callback is reported
 * (or swallowed) and never changes a job's fate or stops the runner.
 */
export function callbackGuard(onError: OnJobError) {
  const report = (err: unknown, job?: JobRef): void => {
    try {
      onError(err, job);
    } catch {
      // A failing error reporter must not stop the runner.
    }
  };
  const emit = (callback: () => void, job: JobRef): void => {
    try {
      callback();
    } catch (err) {
      report(new Error(`job event callback failed: ${errorText(err)}`, { cause: err }), job);
    }
  };
  return { report, emit };
}

export interface ResolvedJob {
  id: string;
  name: string;
  data: unknown;
  delayMs: number;
  group?: string;
  attempts: number;
  backoffMs: number;
}

export function resolveJob(queue: QueueName, spec: JobSpec<unknown>): ResolvedJob {
  if (!QUEUES.includes(queue)) invalid(`unknown queue "${queue}"; use one of ${QUEUES.join(', ')}`);
  if (typeof spec.name !== 'string' || spec.name === '') invalid('a job needs a non-empty name');
  const id = spec.id ?? randomUUID();
  if (typeof id !== 'string' || id === '') invalid(`job id must be a non-empty string (job ${spec.name})`);
  if (spec.group !== undefined && (typeof spec.group !== 'string' || spec.group === '')) {
    invalid(`job group must be a non-empty string (job ${spec.name})`);
  }
  const attempts = spec.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1) {
    invalid(`attempts must be a positive integer, got ${attempts} (job ${spec.name})`);
  }
  const backoffMs = spec.backoffMs ?? DEFAULT_BACKOFF_MS;
  const delayMs = spec.delayMs ?? 0;
  for (const [label, value] of [
    ['backoffMs', backoffMs],
    ['delayMs', delayMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      invalid(`${label} must be a non-negative number, got ${value} (job ${spec.name})`);
    }
  }
  return { id, name: spec.name, data: spec.data, delayMs, group: spec.group, attempts, backoffMs };
}

/** Delay before the next try after `failures` failed tries: backoffMs, then doubling. */
export function backoffDelay(backoffMs: number, failures: number): number {
  return backoffMs * 2 ** Math.max(0, failures - 1);
}

export type Outcome =
  | { kind: 'retry-later'; delayMs: number }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'dead'; error: string };

/**
 * What to do after a handler threw on try `attempt` (1-based) of `job`, which has already been
 * retried later `retryLaters` times.
 */
export function decideOutcome(
  err: unknown,
  job: Pick<ResolvedJob, 'attempts' | 'backoffMs'>,
  attempt: number,
  retryLaters: number,
  maxRetryLaters: number,
): Outcome {
  if (err instanceof RetryLater) {
    if (retryLaters >= maxRetryLaters) {
      return { kind: 'dead', error: `retried later ${retryLaters} times, giving up: ${err.message}` };
    }
    return { kind: 'retry-later', delayMs: Math.max(0, err.delayMs) };
  }
  if (isOutage(err)) {
    if (retryLaters >= maxRetryLaters) {
      return {
        kind: 'dead',
        error: `still failing after ${retryLaters} waits for an outage: ${errorText(err)}`,
      };
    }
    const delayMs = Math.min(Math.max(job.backoffMs, 100) * 2 ** retryLaters, MAX_OUTAGE_DELAY_MS);
    return { kind: 'retry-later', delayMs };
  }
  if (err instanceof PermanentFailure || attempt >= job.attempts) {
    return { kind: 'dead', error: errorText(err) };
  }
  return { kind: 'retry', delayMs: backoffDelay(job.backoffMs, attempt) };
}

/** The error, or one it was caused by, is a dependency being down. */
function isOutage(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as Error).cause, depth++) {
    if (e instanceof HelplineError && OUTAGE_CODES.includes(e.code)) return true;
  }
  return false;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function invalid(message: string): never {
  throw new HelplineError('JOB_INVALID', message);
}
