/** Shared by the SLA timer tests: a recording job runner for the decision tests, tickets, policies. */
import type { JobHandler, JobRunner, JobSpec, QueueCounts, QueueName } from '../../src/jobs/types.ts';
import { BUILTIN_CALENDARS } from '../../src/sla/calendars/builtin.ts';
import { startClock } from '../../src/sla/clock.ts';
import { DEFAULT_SLA_POLICY } from '../../src/sla/policy.ts';
import type { Severity, SlaPolicy } from '../../src/sla/types.ts';
import type { SlaNotice } from '../../src/sla-timers/fire.ts';
import type { Ticket } from '../../src/tickets/types.ts';

export const CALENDARS = BUILTIN_CALENDARS;
export const POLICY = DEFAULT_SLA_POLICY;

/**
 * Holds jobs without running them: the timer tests assert which jobs exist and when they are due,
 * and run handlers themselves at chosen instants. Same id rules as the JobRunner contract: adding an
 * id that is held is a no-op, removing one that is not is a no-op.
 */
export class RecordingRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  readonly jobs = new Map<string, { queue: QueueName; spec: JobSpec<unknown> }>();
  readonly handlers = new Map<string, JobHandler<unknown>>();
  readonly log: string[] = [];

  register<T>(queue: QueueName, name: string, handler: JobHandler<T>): void {
    this.handlers.set(`${queue}/${name}`, handler as JobHandler<unknown>);
  }
  async add<T>(queue: QueueName, job: JobSpec<T>): Promise<{ id: string; added: boolean }> {
    const id = job.id ?? crypto.randomUUID();
    const key = `${queue}/${id}`;
    this.log.push(`add ${key}`);
    if (this.jobs.has(key)) return { id, added: false };
    this.jobs.set(key, { queue, spec: job as JobSpec<unknown> });
    return { id, added: true };
  }
  async remove(queue: QueueName, id: string): Promise<void> {
    this.log.push(`remove ${queue}/${id}`);
    this.jobs.delete(`${queue}/${id}`);
  }
  async start(): Promise<void> {}
  async close(): Promise<void> {}
  async counts(): Promise<Record<QueueName, QueueCounts>> {
    throw new Error('not used');
  }
  async deadLetters() {
    return [];
  }
  /** Jobs of a queue as `id → delayMs`. */
  delays(queue: QueueName = 'sla'): Record<string, number | undefined> {
    const out: Record<string, number | undefined> = {};
    for (const { queue: q, spec } of this.jobs.values()) if (q === queue) out[spec.id!] = spec.delayMs;
    return out;
  }
}

/** A ticket as the store would return it, with both clocks started at `openedAt`. */
export function ticketAt(
  openedAt: string,
  severity: Severity,
  overrides: Partial<Ticket> = {},
  policy: SlaPolicy = POLICY,
): Ticket {
  const at = new Date(openedAt);
  return {
    id: '0b0e7c5e-8d3f-4a57-9a3e-2f1d6c9b1a01',
    number: 'HL-1001',
    title: '打卡系统进不去',
    status: 'waiting_l2',
    severity,
    category: 'attendance',
    intent: 'incident',
    rationale: 'test',
    signals: [],
    sensitive: false,
    tier: 'L2',
    requesterId: 'emp1',
    threadId: 'web:th1',
    assigneeId: null,
    parentId: null,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    clocks: [
      startClock('first_response', severity, policy, CALENDARS, at),
      startClock('resolution', severity, policy, CALENDARS, at),
    ],
    sensitiveReason: null,
    reporters: 1,
    transcript: [],
    csat: null,
    resolvedAt: null,
    closedAt: null,
    version: 1,
    ...overrides,
  };
}

/** A notify that remembers what it was given, in a form easy to compare. */
export function recordingNotify() {
  const notices: SlaNotice[] = [];
  const notify = (n: SlaNotice) => {
    notices.push(n);
  };
  const summary = () =>
    notices.map((n) => ({
      kind: n.kind,
      clock: n.clock.kind,
      recipient: n.recipient,
      tier: n.ticket.tier,
      escalation: n.escalation && `${n.escalation.from}→${n.escalation.to}`,
    }));
  return { notices, notify, summary };
}

/** A settable clock. */
export function manualClock(start: string) {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    set(iso: string) {
      t = Date.parse(iso);
    },
    advance(ms: number) {
      t += ms;
    },
  };
}

/** Polls `cond` every 5 ms (real time); fails naming `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The runner with every handler wrapped to note when it starts, so a test can tell how late a timer
 * fired apart from how long the work after it took (database round trips on a busy machine).
 */
export function timedRunner<R extends JobRunner>(
  runner: R,
): { runner: JobRunner; starts: Map<string, number[]> } {
  const starts = new Map<string, number[]>();
  const timed: JobRunner = {
    kind: runner.kind,
    register<T>(queue: QueueName, name: string, handler: JobHandler<T>) {
      runner.register<T>(queue, name, (data, ctx) => {
        starts.set(ctx.id, [...(starts.get(ctx.id) ?? []), Date.now()]);
        return handler(data, ctx);
      });
    },
    add: (queue, job) => runner.add(queue, job),
    remove: (queue, id) => runner.remove(queue, id),
    start: () => runner.start(),
    close: () => runner.close(),
    counts: () => runner.counts(),
    deadLetters: (limit) => runner.deadLetters(limit),
  };
  return { runner: timed, starts };
}
