/**
 * Work acknowledged while Redis was away, queued again from the process that has it as soon as
 * Redis is back: a web chat message stored and acked (inbound/accept.ts), and the jobs a ticket
 * change queues — its SLA timers and triage card (tickets/queued-listener.ts). One try every
 * `everyMs` until the queue takes it or `forMs` has passed, when it is left to the recovery sweeps
 * (30–90 s). It lives in memory only — a process that dies
 * leaves its work to the sweeps, which is what makes it durable.
 *
 * Tries run oldest first and a round stops at the first failure: while Redis is away, one command
 * a period asks whether it is back, not one per waiting item.
 */

export interface RequeueOptions {
  /** @defaultValue 1000 */
  everyMs?: number;
  /** After this long the sweep's turn. @defaultValue 120000 */
  forMs?: number;
  now?: () => number;
  /** Queued at last, after `ms` of waiting. For the log. */
  onQueued?: (key: string, ms: number) => void;
  /** Left to the recovery sweep. For the log. */
  onGaveUp?: (key: string, err: unknown) => void;
}

export interface Requeue {
  /** Tries `queue` again later, until it resolves; a key already waiting keeps its first try. */
  later(key: string, queue: () => Promise<unknown>): void;
  /** How many are waiting. */
  waiting(): number;
  /** Stops trying (shutdown); what is waiting is the sweep's. */
  stop(): void;
}

interface Waiting {
  queue: () => Promise<unknown>;
  since: number;
}

export function createRequeue(options: RequeueOptions = {}): Requeue {
  const everyMs = options.everyMs ?? 1000;
  const forMs = options.forMs ?? 120_000;
  const now = options.now ?? Date.now;
  const waiting = new Map<string, Waiting>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const schedule = () => {
    if (stopped || timer || waiting.size === 0) return;
    timer = setTimeout(round, everyMs);
    timer.unref();
  };

  async function round() {
    for (const [key, entry] of waiting) {
      if (stopped) return;
      try {
        await entry.queue();
        waiting.delete(key);
        options.onQueued?.(key, now() - entry.since);
      } catch (err) {
        // Redis is still away: the rest would fail the same way. Only the expired are let go.
        for (const [k, e] of waiting) {
          if (now() - e.since < forMs) continue;
          waiting.delete(k);
          options.onGaveUp?.(k, err);
        }
        break;
      }
    }
    timer = undefined;
    schedule();
  }

  return {
    later(key, queue) {
      if (stopped || waiting.has(key)) return;
      waiting.set(key, { queue, since: now() });
      schedule();
    },
    waiting: () => waiting.size,
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
