/**
 * In-process job runner for assistant turns. Jobs that share a key (a thread id) run one after
 * another in the order they were enqueued; different keys run in parallel up to `concurrency`.
 * A BullMQ runner will implement the same `JobQueue` shape when REDIS_URL is set.
 */

export type Job = () => Promise<void>;

export interface JobQueue {
  /** Accepts a job; resolves once it is accepted (not when it has run). */
  enqueue(key: string, job: Job): Promise<void>;
  /** Resolves when no job is queued or running, including jobs enqueued while draining. */
  drain(): Promise<void>;
  /** Jobs queued or running. */
  readonly size: number;
}

export interface InProcessQueueOptions {
  /** Keys processed at the same time. @defaultValue 4 */
  concurrency?: number;
  /** Receives every error a job throws or rejects with; the queue carries on. @defaultValue logs to stderr */
  onError?: (err: unknown, key: string) => void;
}

export class InProcessQueue implements JobQueue {
  readonly #concurrency: number;
  readonly #onError: (err: unknown, key: string) => void;
  /** Pending jobs per key; a key is present while it has pending or running work. */
  readonly #pending = new Map<string, Job[]>();
  /** Keys with pending jobs that are not running, in the order they became ready. */
  readonly #ready: string[] = [];
  readonly #running = new Set<string>();
  #size = 0;
  #idleWaiters: Array<() => void> = [];

  constructor(options: InProcessQueueOptions = {}) {
    const concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    this.#concurrency = concurrency;
    this.#onError =
      options.onError ?? ((err, key) => console.error(`[helpline] job for key ${key} failed:`, err));
  }

  get size(): number {
    return this.#size;
  }

  async enqueue(key: string, job: Job): Promise<void> {
    let jobs = this.#pending.get(key);
    if (!jobs) {
      jobs = [];
      this.#pending.set(key, jobs);
    }
    jobs.push(job);
    this.#size++;
    if (!this.#running.has(key) && jobs.length === 1) this.#ready.push(key);
    this.#pump();
  }

  drain(): Promise<void> {
    if (this.#size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#running.size < this.#concurrency && this.#ready.length > 0) {
      const key = this.#ready.shift()!;
      const job = this.#pending.get(key)!.shift()!;
      this.#running.add(key);
      void this.#run(key, job);
    }
  }

  async #run(key: string, job: Job): Promise<void> {
    try {
      // Called inside the try so a job that throws synchronously is reported like a rejection.
      await job();
    } catch (err) {
      try {
        this.#onError(err, key);
      } catch {
        // An error reporter that fails must not stop the queue.
      }
    }
    this.#running.delete(key);
    this.#size--;
    const rest = this.#pending.get(key)!;
    if (rest.length > 0)
      this.#ready.push(key); // to the back: other threads get their turn
    else this.#pending.delete(key);
    this.#pump();
    if (this.#size === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
