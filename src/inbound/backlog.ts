/**
 * How far behind the turn queue is: inbound events waiting or running, sampled once a second, and
 * the rate the queue has drained them over the last few seconds. From these, the wait a message
 * accepted now can expect — what `accept` uses to tell an employee honestly, at once, that we are
 * busy (rather than the never-silent fallback at the deadline), and what /readyz and /metrics show.
 */
import type { QueueCounts, QueueName } from '../jobs/types.ts';

export interface BacklogOptions {
  /** The runner's queue counts. */
  counts: () => Promise<Record<QueueName, QueueCounts>>;
  /** @defaultValue 1000 */
  everyMs?: number;
  /** Drain rate is measured over this window. @defaultValue 5000 */
  windowMs?: number;
  now?: () => number;
}

interface Sample {
  at: number;
  arrivals: number;
  pending: number;
  waiting: number;
  /** The estimate as it stood right after this sample. */
  estimatedWaitMs: number;
}

export interface BacklogReport {
  /** Inbound events waiting or running. */
  pending: number;
  /** Of those, waiting for a worker: the queue ahead of a message accepted now. */
  waiting: number;
  /** Events drained per second over the window (undefined until two samples exist). */
  drainPerSecond?: number;
  /** How long a message accepted now can expect to wait for its turn. */
  estimatedWaitMs: number;
  /**
   * The least of this estimate and those at the last two samples: long only when the queue has
   * been long for a second or two, not for a burst the queue is about to absorb.
   */
  sustainedWaitMs: number;
}

export class Backlog {
  readonly #options: BacklogOptions;
  readonly #samples: Sample[] = [];
  #arrivals = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: BacklogOptions) {
    this.#options = options;
  }

  /** One more event queued (called by accept). */
  arrived(): void {
    this.#arrivals++;
  }

  /** Samples now and then every `everyMs` until `stop`. */
  start(): void {
    if (this.#timer) return;
    void this.sample();
    this.#timer = setInterval(() => void this.sample(), this.#options.everyMs ?? 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reads the queue once (start() does it on a timer; tests call it directly). */
  async sample(): Promise<void> {
    let counts: Record<QueueName, QueueCounts>;
    try {
      counts = await this.#options.counts();
    } catch {
      return; // the queue cannot be read now: the last estimate stands
    }
    const now = (this.#options.now ?? Date.now)();
    const pending = counts.inbound.waiting + counts.inbound.active;
    const sample = {
      at: now,
      arrivals: this.#arrivals,
      pending,
      waiting: counts.inbound.waiting,
      estimatedWaitMs: 0,
    };
    this.#samples.push(sample);
    const windowMs = this.#options.windowMs ?? 5000;
    while (this.#samples.length > 3 && now - this.#samples[1].at >= windowMs) this.#samples.shift();
    sample.estimatedWaitMs = this.report().estimatedWaitMs;
  }

  report(): BacklogReport {
    const last = this.#samples.at(-1);
    if (!last) return { pending: 0, waiting: 0, estimatedWaitMs: 0, sustainedWaitMs: 0 };
    // Events queued since the last sample are ahead of a message accepted now as well.
    const since = this.#arrivals - last.arrivals;
    const pending = last.pending + since;
    const waiting = last.waiting + since;
    const first = this.#samples[0];
    if (first === last) return { pending, waiting, estimatedWaitMs: 0, sustainedWaitMs: 0 };
    const seconds = (last.at - first.at) / 1000;
    const drained = last.arrivals - first.arrivals - (last.pending - first.pending);
    const drainPerSecond = Math.max(0, drained / seconds);
    // Only a queue means a wait: turns running now (a slow one, or the first after a quiet spell)
    // drain nothing until they finish, which says nothing about the next message.
    const estimatedWaitMs =
      waiting === 0 ? 0 : drainPerSecond > 0 ? (waiting / drainPerSecond) * 1000 : Number.POSITIVE_INFINITY;
    const recent = this.#samples.slice(-2).map((x) => x.estimatedWaitMs);
    const sustainedWaitMs = Math.min(estimatedWaitMs, ...(recent.length === 2 ? recent : [0]));
    return { pending, waiting, drainPerSecond, estimatedWaitMs, sustainedWaitMs };
  }
}
