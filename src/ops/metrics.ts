/**
 * The process's Prometheus metrics (DESIGN §7, §8): one Registry, created once at start and served
 * at GET /metrics. Fields are typed by their label values so a typo in a label is a compile error,
 * and every label set is bounded (platforms, queues, codes) — never user text, ids or names.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DeadLetter, JobRunnerEvents, QueueCounts, QueueName } from '../jobs/types.ts';
import type { Severity } from '../sla/types.ts';
import type { Category } from '../triage/types.ts';
import { withTimeout } from './with-timeout.ts';

export type PlatformLabel = 'slack' | 'lark' | 'web';
export type QueueState = keyof QueueCounts;

import type { TurnOutcome } from '../inbound/reply-slots.ts';

export type { TurnOutcome };
/** error: the assistant failed; timeout: the watchdog answered; enqueue: a stored message waited for the recovery sweep. */
export type TurnFailureReason = 'error' | 'timeout' | 'enqueue';
export type WebhookRejectReason = 'signature' | 'timestamp' | 'token' | 'malformed';
export type SlaEventKind = 'warning' | 'breach';

/** A counter whose label values are checked at compile time (a prom-client Counter satisfies it). */
export interface CounterOf<L extends Record<string, string>> {
  inc(labels: L, value?: number): void;
}

/** A histogram whose label values are checked at compile time; values are in seconds. */
export interface HistogramOf<L extends Record<string, string>> {
  observe(labels: L, seconds: number): void;
  /** Starts a timer; calling the returned function observes the elapsed seconds and returns them. */
  startTimer(labels: L): () => number;
}

export interface Metrics {
  readonly registry: Registry;
  /** The Content-Type of `render()`'s output (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** The text exposition of every metric, queue depths read now. */
  render(): Promise<string>;
  /** Sets (or replaces) the function queue depths are read from on each scrape. */
  watchQueues(counts: QueueCountsSource): void;
  /** Sets the readiness checks run on each scrape to fill `helpline_ready` (health.ts does it). */
  watchReadiness(source: ReadinessSource): void;

  /** Webhook request → HTTP ack, per platform; the §8 target is p99 < 50 ms. */
  readonly ackSeconds: HistogramOf<{ platform: PlatformLabel }>;
  /** Message accepted to reply handed to delivery (target p95 < 0.3 without an LLM). */
  readonly replySeconds: HistogramOf<{ platform: PlatformLabel }>;
  /** One job's run time, from runnable to done, per queue and handler name. */
  readonly jobSeconds: HistogramOf<{ queue: QueueName; name: string }>;
  /** Assistant turns by how they ended. */
  readonly turns: CounterOf<{ outcome: TurnOutcome }>;
  /** Tickets opened, by severity and category. */
  readonly tickets: CounterOf<{ severity: Severity; category: Category }>;
  /** SLA warnings and breaches fired, by severity. */
  readonly slaEvents: CounterOf<{ kind: SlaEventKind; severity: Severity }>;
  /** Outbound messages that could not be delivered; `reason` is a short stable code, never free text. */
  readonly deliveryFailures: CounterOf<{ platform: PlatformLabel; reason: string }>;
  /** Jobs that exhausted their tries or failed permanently, per queue. */
  readonly deadLetters: CounterOf<{ queue: QueueName }>;
  /** Webhook requests answered 401/400 before any work, by platform and check that failed. */
  readonly webhookRejected: CounterOf<{ platform: PlatformLabel; reason: WebhookRejectReason }>;
  /** Turns that ended in the fallback reply because something failed, by cause. */
  readonly turnFailures: CounterOf<{ reason: TurnFailureReason }>;
  /** Inbound events dropped as redeliveries of an event already seen, per platform. */
  readonly eventsDeduplicated: CounterOf<{ platform: PlatformLabel }>;
}

/** Each readiness check's result (true: ok), as /readyz computes them. */
export type ReadinessSource = () => Promise<Record<string, boolean>>;

/** Queue depths per queue, as `JobRunner.counts()` returns them. */
export type QueueCountsSource = () => Promise<Partial<Record<QueueName, QueueCounts>>>;

export interface MetricsOptions {
  /** Read on every scrape to fill `helpline_queue_depth`; can also be set later with `watchQueues`. */
  counts?: QueueCountsSource;
  /** A scrape waits this long for `counts()` before reporting no depths. @defaultValue 1000 */
  countsTimeoutMs?: number;
  /** Node process metrics (CPU, RSS, heap, event loop lag, GC) as `helpline_process_*`, `helpline_nodejs_*`. @defaultValue true */
  processMetrics?: boolean;
}

export const METRIC_PREFIX = 'helpline_';

/** Acks are a verify + dedupe + enqueue: 1–100 ms matters, with 50 ms (the p99 target) a bucket edge. */
export const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1];
/** Jobs range from a 5 ms delivery to a multi-second LLM turn; 0.3 s is the event-to-reply p95 target. */
export const JOB_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 1, 2.5, 5, 10, 30, 60];

const QUEUE_STATES: readonly QueueState[] = ['waiting', 'active', 'delayed', 'failed'];
const TURN_OUTCOMES: readonly TurnOutcome[] = [
  'answered',
  'declined',
  'ticketed',
  'greeted',
  'fallback',
  'relayed',
  'prompted',
];
const TURN_FAILURE_REASONS: readonly TurnFailureReason[] = ['error', 'timeout', 'enqueue'];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const countsTimeoutMs = options.countsTimeoutMs ?? 1000;
  let counts = options.counts;
  const registers = [registry];
  const name = (s: string) => `${METRIC_PREFIX}${s}`;

  const ackSeconds = new Histogram({
    name: name('ack_seconds'),
    help: 'Webhook request to HTTP ack, in seconds (target p99 < 0.05).',
    labelNames: ['platform'] as const,
    buckets: ACK_BUCKETS,
    registers,
  });
  const replySeconds = new Histogram({
    name: name('reply_seconds'),
    help: 'Message accepted to reply handed to delivery, in seconds (target p95 < 0.3 without an LLM).',
    labelNames: ['platform'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 15, 30],
    registers,
  });
  // Depths are read once per scrape; the error counter waits for that read so it reports this
  // scrape's failure, not the previous one's (the registry collects metrics concurrently).
  let depthRead: Promise<void> = Promise.resolve();
  const readDepths = async () => {
    // Reset first: a failed read must not leave stale depths that look healthy.
    queueDepth.reset();
    if (!counts) return;
    let read: Partial<Record<QueueName, QueueCounts>>;
    try {
      read = await withTimeout(counts(), countsTimeoutMs);
    } catch {
      queueScrapeErrors.inc();
      return;
    }
    for (const [queue, c] of Object.entries(read)) {
      if (!c) continue;
      for (const state of QUEUE_STATES) queueDepth.set({ queue, state }, c[state]);
    }
  };
  const queueDepth: Gauge<'queue' | 'state'> = new Gauge({
    name: name('queue_depth'),
    help: 'Jobs per queue and state (waiting, active, delayed, failed), read from the job runner on each scrape.',
    labelNames: ['queue', 'state'] as const,
    registers,
    collect() {
      depthRead = readDepths();
      return depthRead;
    },
  });
  const queueScrapeErrors = new Counter({
    name: name('queue_depth_scrape_errors_total'),
    help: 'Scrapes where queue depths could not be read (job store unreachable or slow); helpline_queue_depth is empty then.',
    registers,
    collect: () => depthRead,
  });
  let readiness: ReadinessSource | undefined;
  // Prometheus cannot read /readyz's JSON: the same checks, run per scrape, as a gauge per check.
  const ready: Gauge<'check'> = new Gauge({
    name: name('ready'),
    help: 'Readiness checks of this process at scrape time (1 ok, 0 failing), per check, as GET /readyz runs them.',
    labelNames: ['check'] as const,
    registers,
    async collect() {
      ready.reset();
      if (!readiness) return;
      for (const [check, ok] of Object.entries(await readiness())) ready.set({ check }, ok ? 1 : 0);
    },
  });
  const jobSeconds = new Histogram({
    name: name('job_seconds'),
    help: 'Job run time from runnable to done, in seconds, per queue and handler.',
    labelNames: ['queue', 'name'] as const,
    buckets: JOB_BUCKETS,
    registers,
  });
  const turns = new Counter({
    name: name('turns_total'),
    help: 'Assistant turns by outcome (answered, declined, ticketed, greeted, fallback).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const tickets = new Counter({
    name: name('tickets_total'),
    help: 'Tickets opened, by severity and category.',
    labelNames: ['severity', 'category'] as const,
    registers,
  });
  const slaEvents = new Counter({
    name: name('sla_events_total'),
    help: 'SLA warnings and breaches fired, by kind and severity.',
    labelNames: ['kind', 'severity'] as const,
    registers,
  });
  const deliveryFailures = new Counter({
    name: name('delivery_failures_total'),
    help: 'Outbound messages that could not be delivered (recorded, not dropped), by platform and reason.',
    labelNames: ['platform', 'reason'] as const,
    registers,
  });
  const deadLetters = new Counter({
    name: name('dead_letters_total'),
    help: 'Jobs dead-lettered after their last try or a permanent failure, per queue.',
    labelNames: ['queue'] as const,
    registers,
  });
  const webhookRejected = new Counter({
    name: name('webhook_rejected_total'),
    help: 'Webhook requests rejected before any work, by platform and failed check (signature, timestamp, token, malformed).',
    labelNames: ['platform', 'reason'] as const,
    registers,
  });
  const turnFailures = new Counter({
    name: name('turn_failures_total'),
    help: 'Turns that ended in the fallback reply because of a failure, by reason (error, timeout, enqueue, store).',
    labelNames: ['reason'] as const,
    registers,
  });
  const eventsDeduplicated = new Counter({
    name: name('events_deduplicated_total'),
    help: 'Inbound events dropped as redeliveries of an event already seen, per platform.',
    labelNames: ['platform'] as const,
    registers,
  });

  // Known label sets start at 0 so rate() and "absent" alerts work before the first event.
  for (const outcome of TURN_OUTCOMES) turns.inc({ outcome }, 0);
  for (const reason of TURN_FAILURE_REASONS) turnFailures.inc({ reason }, 0);
  queueScrapeErrors.inc(0);

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    watchQueues(source) {
      counts = source;
    },
    watchReadiness(source) {
      readiness = source;
    },
    ackSeconds,
    replySeconds,
    jobSeconds,
    turns,
    tickets,
    slaEvents,
    deliveryFailures,
    deadLetters,
    webhookRejected,
    turnFailures,
    eventsDeduplicated,
  };
}

/** JobRunner events that feed `helpline_job_seconds` and `helpline_dead_letters_total`. */
export function jobRunnerEvents(
  metrics: Pick<Metrics, 'jobSeconds' | 'deadLetters'>,
): Required<JobRunnerEvents> {
  return {
    completed: (queue: QueueName, name: string, ms: number) =>
      metrics.jobSeconds.observe({ queue, name }, ms / 1000),
    dead: (letter: DeadLetter) => metrics.deadLetters.inc({ queue: letter.queue }),
  };
}

/** English questions searched by meaning, or by their words alone because the encoder was rationed or busy. */
export function meaningMetrics(registry: Registry): CounterOf<{ outcome: 'meaning' | 'words_only' }> {
  const questions = new Counter({
    name: `${METRIC_PREFIX}meaning_questions_total`,
    help: 'English questions searched by meaning with the shipped encoder (meaning), or by their words alone because its thread was busy or had spent its share (words_only).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  questions.inc({ outcome: 'meaning' }, 0);
  questions.inc({ outcome: 'words_only' }, 0);
  return questions;
}

/**
 * The turn queue's backlog (src/inbound/backlog.ts) as metrics: the wait a message accepted now can
 * expect, the drain rate, and busy notices sent. An infinite wait (nothing drained while events wait) is
 * (nothing drained while events wait) is exported as +Inf.
 */
export function backlogMetrics(
  registry: Registry,
  report: () => { pending: number; drainPerSecond?: number; estimatedWaitMs: number },
): { busyNotices: CounterOf<{ platform: PlatformLabel }> } {
  const registers = [registry];
  new Gauge({
    name: `${METRIC_PREFIX}turn_backlog_wait_seconds`,
    help: 'Estimated wait for its turn of a message accepted now: inbound events pending ÷ drain rate.',
    registers,
    collect() {
      this.set(report().estimatedWaitMs / 1000);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}turn_drain_per_second`,
    help: 'Inbound events the queue finished per second over the last few seconds (turns per second this deployment drains).',
    registers,
    collect() {
      this.set(report().drainPerSecond ?? 0);
    },
  });
  const busyNotices = new Counter({
    name: `${METRIC_PREFIX}busy_notices_total`,
    help: 'Messages told "busy, you are in the queue" at once because their expected wait exceeded the busy threshold.',
    labelNames: ['platform'] as const,
    registers,
  });
  return { busyNotices };
}
