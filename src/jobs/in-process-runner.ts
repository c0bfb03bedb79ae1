/**
 * The embedded job runner (no REDIS_URL): jobs run in this process. Same contract as the BullMQ
 * runner (tests/jobs/runner.contract.ts). With a journal (production: `jobs.journal` under
 * HELPLINE_DATA) every job is on disk before `add` resolves and the open ones run again after a
 * restart, crash included (job-journal.ts); without one, jobs live in memory only.
 */
import { HelplineError } from '../errors.ts';
import { DeadLetterList } from './dead-letters.ts';
import { HandlerRegistry } from './handler-registry.ts';
import type { JobJournal } from './job-journal.ts';
import {
  callbackGuard,
  DEFAULT_MAX_DEAD_LETTERS,
  DEFAULT_MAX_RETRY_LATERS,
  decideOutcome,
  logJobError,
  type OnJobError,
  type ResolvedJob,
  resolveJob,
} from './job-policy.ts';
import {
  type DeadLetter,
  type JobHandler,
  type JobRunner,
  type JobRunnerEvents,
  type JobSpec,
  QUEUES,
  type QueueCounts,
  type QueueName,
} from './types.ts';

export interface InProcessRunnerOptions {
  /** Jobs (or groups) running at once, per queue. @defaultValue 4 */
  concurrency?: number;
  /**
   * Clock for timestamps, `completed` durations and due times. Waiting still uses real timers,
   * so tests keep delays short rather than faking this. @defaultValue Date.now
   */
  now?: () => number;
  /** Receives each failed try and any error thrown by an event callback. @defaultValue logs to stderr */
  onError?: OnJobError;
  events?: JobRunnerEvents;
  /** RetryLater answers allowed per job before it is dead-lettered. @defaultValue 100 */
  maxRetryLaters?: number;
  /** Dead letters kept in memory, newest first. @defaultValue 1000 */
  maxDeadLetters?: number;
  /**
   * Where jobs are kept across restarts. Its open jobs are restored here, to run once `start` is
   * called. @defaultValue none: jobs live in memory only
   */
  journal?: JobJournal;
}

interface Entry {
  queue: QueueName;
  job: ResolvedJob;
  /** Failed tries so far (RetryLater does not count). */
  failures: number;
  retryLaters: number;
  /** When the job may run next (epoch ms, from `now`). */
  dueAt: number;
  /** When it first became runnable, for the `completed` duration. */
  readyAt: number;
  active: boolean;
  /** A timer is pending for it or it sits in the ready list. */
  scheduled: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** One queue's state. */
interface Lane {
  entries: Map<string, Entry>;
  ready: Entry[];
  /** Each group's entries in add order; only the head may be scheduled or active. */
  groups: Map<string, Entry[]>;
  active: number;
}

export class InProcessRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  readonly #concurrency: number;
  readonly #now: () => number;
  readonly #guard: ReturnType<typeof callbackGuard>;
  readonly #events: JobRunnerEvents;
  readonly #maxRetryLaters: number;
  readonly #dead: DeadLetterList;
  readonly #handlers = new HandlerRegistry();
  readonly #lanes = new Map<QueueName, Lane>();
  readonly #journal: JobJournal | undefined;
  #started = false;
  #closing = false;
  #idleWaiters: Array<() => void> = [];

  constructor(options: InProcessRunnerOptions = {}) {
    const concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    this.#concurrency = concurrency;
    this.#now = options.now ?? Date.now;
    this.#guard = callbackGuard(options.onError ?? logJobError);
    this.#events = options.events ?? {};
    this.#maxRetryLaters = options.maxRetryLaters ?? DEFAULT_MAX_RETRY_LATERS;
    this.#dead = new DeadLetterList(options.maxDeadLetters ?? DEFAULT_MAX_DEAD_LETTERS);
    for (const queue of QUEUES)
      this.#lanes.set(queue, { entries: new Map(), ready: [], groups: new Map(), active: 0 });
    this.#journal = options.journal;
    for (const saved of this.#journal?.open() ?? []) {
      const lane = this.#lanes.get(saved.queue);
      if (!lane || lane.entries.has(saved.job.id)) continue;
      this.#insert(lane, { ...saved, readyAt: saved.dueAt, active: false, scheduled: false });
    }
  }

  register<T>(queue: QueueName, name: string, handler: JobHandler<T>): void {
    this.#handlers.register(queue, name, handler);
  }

  async add<T>(queue: QueueName, spec: JobSpec<T>): Promise<{ id: string; added: boolean }> {
    if (this.#closing)
      throw new HelplineError('JOBS_CLOSED', `the job runner is closed; job "${spec.name}" was not added`);
    const job = resolveJob(queue, spec);
    const lane = this.#lane(queue);
    if (lane.entries.has(job.id)) return { id: job.id, added: false };
    const dueAt = this.#now() + job.delayMs;
    // On disk before it is taken: a failed write refuses the job (the caller does not ack).
    this.#journal?.added(queue, job, dueAt);
    this.#insert(lane, {
      queue,
      job,
      failures: 0,
      retryLaters: 0,
      dueAt,
      readyAt: dueAt,
      active: false,
      scheduled: false,
    });
    return { id: job.id, added: true };
  }

  #insert(lane: Lane, entry: Entry): void {
    const { job } = entry;
    lane.entries.set(job.id, entry);
    if (job.group === undefined) {
      this.#schedule(lane, entry);
    } else {
      const members = lane.groups.get(job.group) ?? [];
      members.push(entry);
      lane.groups.set(job.group, members);
      if (members.length === 1) this.#schedule(lane, entry);
    }
  }

  async remove(queue: QueueName, id: string): Promise<void> {
    const lane = this.#lane(queue);
    const entry = lane.entries.get(id);
    if (!entry || entry.active) return;
    clearTimeout(entry.timer);
    const at = lane.ready.indexOf(entry);
    if (at >= 0) lane.ready.splice(at, 1);
    lane.entries.delete(id);
    this.#journal?.finished(queue, id);
    const group = entry.job.group;
    if (group !== undefined) {
      const members = lane.groups.get(group)!;
      const wasHead = members[0] === entry;
      members.splice(members.indexOf(entry), 1);
      if (wasHead) this.#scheduleGroupHead(lane, group);
    }
  }

  async start(): Promise<void> {
    if (this.#closing)
      throw new HelplineError('JOBS_CLOSED', 'the job runner is closed and cannot start again');
    this.#started = true;
    for (const lane of this.#lanes.values()) this.#pump(lane);
  }

  async close(): Promise<void> {
    this.#closing = true;
    for (const lane of this.#lanes.values()) {
      for (const entry of lane.entries.values()) clearTimeout(entry.timer);
    }
    while (this.#activeTotal() > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    this.#journal?.close();
  }

  /**
   * Resolves once no job is running or due now (delayed jobs may remain): lets tests and tools
   * wait for the work they caused without sleeping.
   */
  async idle(): Promise<void> {
    for (;;) {
      const now = this.#now();
      let busy = this.#activeTotal() > 0;
      for (const lane of this.#lanes.values()) {
        for (const entry of lane.entries.values()) if (entry.dueAt <= now) busy = true;
      }
      if (!busy) return;
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
  }

  async counts(): Promise<Record<QueueName, QueueCounts>> {
    const now = this.#now();
    const result = {} as Record<QueueName, QueueCounts>;
    for (const [queue, lane] of this.#lanes) {
      const counts = { waiting: 0, active: 0, delayed: 0, failed: this.#dead.count(queue) };
      for (const entry of lane.entries.values()) {
        if (entry.active) counts.active++;
        else if (entry.dueAt > now) counts.delayed++;
        else counts.waiting++;
      }
      result[queue] = counts;
    }
    return result;
  }

  async deadLetters(limit?: number): Promise<DeadLetter[]> {
    return this.#dead.list(limit);
  }

  #lane(queue: QueueName): Lane {
    const lane = this.#lanes.get(queue);
    if (!lane)
      throw new HelplineError('JOB_INVALID', `unknown queue "${queue}"; use one of ${QUEUES.join(', ')}`);
    return lane;
  }

  /** Puts an entry in the ready list now or when it is due. */
  #schedule(lane: Lane, entry: Entry): void {
    if (this.#closing) return;
    entry.scheduled = true;
    const wait = entry.dueAt - this.#now();
    if (wait <= 0) {
      lane.ready.push(entry);
      this.#pump(lane);
      return;
    }
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      lane.ready.push(entry);
      this.#pump(lane);
    }, wait);
    // A pending timer must not keep a CLI process alive; the runner is not durable anyway.
    entry.timer.unref?.();
  }

  #scheduleGroupHead(lane: Lane, group: string): void {
    const head = lane.groups.get(group)?.[0];
    if (!head) {
      lane.groups.delete(group);
      return;
    }
    if (!head.active && !head.scheduled) this.#schedule(lane, head);
  }

  #pump(lane: Lane): void {
    if (!this.#started || this.#closing) return;
    while (lane.active < this.#concurrency && lane.ready.length > 0) {
      const entry = lane.ready.shift()!;
      entry.scheduled = false;
      // Count it active now, start it on the next turn of the event loop: a backlog of jobs must
      // not keep the process from reading its sockets.
      entry.active = true;
      lane.active++;
      setImmediate(() => void this.#run(lane, entry));
    }
  }

  async #run(lane: Lane, entry: Entry): Promise<void> {
    const { queue, job } = entry;
    const attempt = entry.failures + 1;
    const ctx = { id: job.id, queue, name: job.name, attempt, final: attempt >= job.attempts };
    let finished = true;
    try {
      await this.#handlers.get(queue, job.name)(job.data, ctx);
      this.#guard.emit(() => this.#events.completed?.(queue, job.name, this.#now() - entry.readyAt), ctx);
    } catch (err) {
      this.#guard.report(err, ctx);
      const outcome = decideOutcome(err, job, attempt, entry.retryLaters, this.#maxRetryLaters);
      if (outcome.kind === 'dead') {
        const letter: DeadLetter = {
          queue,
          name: job.name,
          id: job.id,
          data: job.data,
          attempts: attempt,
          error: outcome.error,
          at: new Date(this.#now()).toISOString(),
        };
        this.#dead.push(letter);
        this.#guard.emit(() => this.#events.dead?.(letter), ctx);
      } else {
        if (outcome.kind === 'retry') entry.failures++;
        else entry.retryLaters++;
        entry.dueAt = this.#now() + outcome.delayMs;
        finished = false;
      }
    }
    entry.active = false;
    lane.active--;
    this.#record(entry, finished);
    if (finished) {
      lane.entries.delete(job.id);
      if (job.group !== undefined) lane.groups.get(job.group)!.shift();
    }
    // A retried group head stays first, so the group waits for it: strict order over throughput.
    if (job.group !== undefined) this.#scheduleGroupHead(lane, job.group);
    else if (!finished) this.#schedule(lane, entry);
    this.#pump(lane);
    if (this.#activeTotal() === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Tells the journal how a try ended; a journal that cannot be written is reported, not thrown. */
  #record(entry: Entry, finished: boolean): void {
    const journal = this.#journal;
    if (!journal) return;
    try {
      if (finished) journal.finished(entry.queue, entry.job.id);
      else journal.rescheduled(entry);
      if (journal.wantsRewrite(this.#openTotal())) {
        journal.rewrite([...this.#lanes.values()].flatMap((lane) => [...lane.entries.values()]));
      }
    } catch (err) {
      this.#guard.report(err, {
        id: entry.job.id,
        queue: entry.queue,
        name: entry.job.name,
        attempt: entry.failures + 1,
      });
    }
  }

  #openTotal(): number {
    let total = 0;
    for (const lane of this.#lanes.values()) total += lane.entries.size;
    return total;
  }

  #activeTotal(): number {
    let total = 0;
    for (const lane of this.#lanes.values()) total += lane.active;
    return total;
  }
}
