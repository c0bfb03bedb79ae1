/**
 * The webhook phases of bench/webhooks.bench.ts against one running server: signed Slack Events
 * API callbacks (POST /slack/events) or encrypted, signed Lark events (POST /lark/events) sent
 * open-loop, each a real question from a different employee's DM; then a drain until every answer
 * has reached the platform stand-ins (lib/stand-ins-child.ts), and a tally of what they received.
 * Every wait is bounded in count and time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type CpuUse, cpuSnapshot, cpuUse, processSeconds } from './cpu-meter.ts';
import {
  type EventLoop,
  eventLoop,
  kindOf,
  type LoadResult,
  runOpenLoop,
  type ServerSide,
  type Sweeps,
  sweeps,
  turnsDone,
} from './jobs-phases.ts';
import { type Latency, latency } from './measure.ts';
import { delta, histogramDelta, histogramQuantile, type Scrape, sum } from './prom-text.ts';
import type { ServerProcess } from './server-process.ts';
import type { DeliveryTally, StandIns } from './stand-ins-process.ts';
import {
  type LarkSetup,
  larkMessageRequest,
  rawClient,
  type SlackSetup,
  slackMessageRequest,
  type WebhookRequest,
} from './webhook-requests.ts';

/** A request that has not answered in this long counts as an error. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Connections the webhook senders may use at once (the platforms' senders hold pools too). */
const MAX_SOCKETS = 128;
/** Slack retries an event not acked within 3 s; Lark wants its answer within 3 s as well. */
export const PLATFORM_TIMEOUT_MS = 3000;
/** How often a drain looks at /metrics and the stand-ins. */
const DRAIN_POLL_MS = 500;

export type Platform = 'slack' | 'lark';

export const WEBHOOK_PATH: Record<Platform, string> = { slack: '/slack/events', lark: '/lark/events' };

export interface WebhookContext {
  server: ServerProcess;
  standIns: StandIns;
  questions: string[];
  cores: number;
  /** Employees sending; request i comes from employee i mod users (each in their own DM). */
  users: number;
  slack: SlackSetup;
  lark: LarkSetup;
}

export interface WebhookDrain {
  seconds: number;
  complete: boolean;
  /** Bot messages the stand-ins received during the drain ÷ its duration. */
  answersPerSecond: number;
  turnsPerSecond: number;
  sweeps: Sweeps;
  /** Inbound and outbound jobs still waiting, running or delayed when the drain ended (0 when complete). */
  backlogLeft: number;
}

export interface WebhookAckResult extends LoadResult {
  platform: Platform;
  /**
   * Latency from the moment the request actually went out (after building it) rather than its
   * scheduled moment: the difference is the generator's own lateness. Diagnostic only.
   */
  fromSend: Latency;
  /** helpline_ack_seconds{platform} over the phase. */
  server: ServerSide;
  /** Acks slower than 3 s: the platform would have given up and redelivered. */
  overPlatformTimeout: number;
  /** helpline_webhook_rejected_total{platform} over the phase, by reason (should be empty). */
  rejected: Record<string, number>;
  /** helpline_events_deduplicated_total{platform} over the phase (should be 0: every id is new). */
  deduplicated: number;
  turnsDuringPhase: number;
  /** Bot messages the platform's stand-in received while the requests came in. */
  answersDuringPhase: number;
  standInsCores: number;
  drain: WebhookDrain;
  /** Answers to the requests acked 2xx: every one must be answered, none twice. */
  delivery: DeliveryTally;
  /** Requests the client gave up on (error or timeout) that the server answered anyway. */
  unackedAnswered: number;
  /** From the phase's start to the drain's end: helpline_delivery_failures_total{platform}. */
  deliveryFailures: number;
  /** helpline_turn_failures_total by reason (turns that ended in the fallback reply because something failed). */
  turnFailures: Record<string, number>;
  /** helpline_dead_letters_total (jobs out of tries). */
  deadLetters: number;
}

function serverSide(before: Scrape, after: Scrape, platform: Platform): ServerSide {
  const h = histogramDelta(before, after, 'helpline_ack_seconds', { platform });
  const q = (p: number) => histogramQuantile(h, p);
  const [p50, p95, p99] = [q(0.5), q(0.95), q(0.99)];
  return {
    p50Ms: p50.seconds * 1000,
    p95Ms: p95.seconds * 1000,
    p99Ms: p99.seconds * 1000,
    aboveTop: p99.aboveTop,
    count: h.count,
  };
}

function rejectedBy(before: Scrape, after: Scrape, platform: Platform): Record<string, number> {
  const out: Record<string, number> = {};
  for (const reason of ['signature', 'timestamp', 'token', 'malformed']) {
    const n = delta(before, after, 'helpline_webhook_rejected_total', { platform, reason });
    if (n > 0) out[reason] = n;
  }
  return out;
}

/** A counter's increase between two scrapes per value of one label (values that grew only). */
function byLabel(before: Scrape, after: Scrape, name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  const values = new Set(after.filter((x) => x.name === name).map((x) => x.labels[label]));
  for (const v of values) {
    const n = delta(before, after, name, { [label]: v });
    if (n > 0) out[v] = n;
  }
  return out;
}

/** Jobs waiting, running or delayed (rate-limited deliveries, watchdogs) on the turn path. */
function backlog(s: Scrape): number {
  let n = 0;
  for (const queue of ['inbound', 'outbound'])
    for (const state of ['waiting', 'active', 'delayed'])
      n += sum(s, 'helpline_queue_depth', { queue, state });
  return n;
}

const answersOf = (p: { slackMessages: number; larkMessages: number }, platform: Platform) =>
  platform === 'slack' ? p.slackMessages : p.larkMessages;

/**
 * Waits until no job waits, runs or is delayed on the inbound and outbound queues and the
 * stand-ins received nothing new for one poll, for at most `maxMs`.
 */
async function drainDeliveries(
  ctx: WebhookContext,
  platform: Platform,
  maxMs: number,
): Promise<{ drain: WebhookDrain; last: Scrape }> {
  const started = performance.now();
  const first = await ctx.server.metrics();
  const firstAnswers = answersOf(await ctx.standIns.progress(), platform);
  let last = first;
  let answers = firstAnswers;
  let quietPolls = 0;
  let complete = false;
  for (let round = 0; round < Math.ceil(maxMs / DRAIN_POLL_MS) + 1; round++) {
    if (performance.now() - started > maxMs) break;
    await sleep(DRAIN_POLL_MS);
    const [scrape, progress] = await Promise.all([ctx.server.metrics(), ctx.standIns.progress()]);
    const now = answersOf(progress, platform);
    quietPolls = backlog(scrape) === 0 && now === answers ? quietPolls + 1 : 0;
    last = scrape;
    answers = now;
    if (quietPolls >= 2) {
      complete = true;
      break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const drain: WebhookDrain = {
    seconds,
    complete,
    answersPerSecond: seconds > 0.5 ? (answers - firstAnswers) / seconds : Number.NaN,
    turnsPerSecond: seconds > 0.5 ? (turnsDone(last) - turnsDone(first)) / seconds : Number.NaN,
    sweeps: sweeps(first, last),
    backlogLeft: backlog(last),
  };
  return { drain, last };
}

/**
 * `rate`/s × `seconds` webhook requests of one platform, open loop: request i is a new question
 * (`questions[(i + offset) mod n]`) from employee i mod users in their DM with the bot, with event
 * id `${prefix}${i}`. Then the drain, then the stand-ins' tally of the answers.
 */
export async function webhookAckPhase(
  ctx: WebhookContext,
  platform: Platform,
  rate: number,
  seconds: number,
  drainMaxMs: number,
  prefix: string,
  offset = 0,
): Promise<WebhookAckResult> {
  const client = rawClient(ctx.server.url, { maxSockets: MAX_SOCKETS, timeoutMs: REQUEST_TIMEOUT_MS });
  const build = (i: number): WebhookRequest => {
    const user = i % ctx.users;
    const text = ctx.questions[(i + offset) % ctx.questions.length];
    return platform === 'slack'
      ? slackMessageRequest(ctx.slack, user, text, `Ev${prefix}${i}`)
      : larkMessageRequest(ctx.lark, user, text, `${prefix}${i}`);
  };
  const t = { ok: 0, errors: 0, errorKinds: {} as Record<string, number>, samples: [] as number[] };
  const fromSend: number[] = [];
  const fail = (kind: string) => {
    t.errors++;
    t.errorKinds[kind] = (t.errorKinds[kind] ?? 0) + 1;
  };
  const acked: string[] = [];
  const unacked: string[] = [];
  const count = Math.round(rate * seconds);
  const before = await ctx.server.metrics(); // also resets the server's event-loop monitor
  const progress0 = await ctx.standIns.progress();
  const cpu0 = cpuSnapshot(ctx.server.pid);
  const standIns0 = processSeconds(ctx.standIns.pid) ?? 0;
  const loop = await runOpenLoop(count, rate, async (i, at) => {
    // Built when it is due: timestamps and signatures are those of the moment it is sent.
    const req = build(i);
    const sentAt = performance.now();
    try {
      const res = await client.post(req);
      if (res.status < 200 || res.status >= 300) {
        unacked.push(req.threadRef);
        return fail(`HTTP ${res.status}`);
      }
      t.ok++;
      const end = performance.now();
      t.samples.push(end - at);
      fromSend.push(end - sentAt);
      acked.push(req.threadRef);
    } catch (err) {
      unacked.push(req.threadRef);
      fail(kindOf(err));
    }
  });
  const cpu: CpuUse = cpuUse(cpu0, cpuSnapshot(ctx.server.pid), ctx.cores);
  const standInsCores =
    cpu.wallSeconds > 0 ? ((processSeconds(ctx.standIns.pid) ?? 0) - standIns0) / cpu.wallSeconds : 0;
  cpu.otherCores = Math.max(0, cpu.otherCores - standInsCores);
  const after = await ctx.server.metrics();
  const progress1 = await ctx.standIns.progress();
  client.close();
  const { drain, last } = await drainDeliveries(ctx, platform, drainMaxMs);
  const delivery = await ctx.standIns.tally(platform, acked);
  const late = unacked.length > 0 ? await ctx.standIns.tally(platform, unacked) : undefined;
  const ev: EventLoop = eventLoop(after);
  return {
    platform,
    rate,
    seconds,
    sent: loop.fired,
    ...t,
    latency: latency(t.samples),
    sendLag: latency(loop.sendLagMs),
    fromSend: latency(fromSend),
    cpu,
    eventLoop: ev,
    sweeps: sweeps(before, after),
    server: serverSide(before, after, platform),
    overPlatformTimeout: t.samples.filter((ms) => ms > PLATFORM_TIMEOUT_MS).length,
    rejected: rejectedBy(before, after, platform),
    deduplicated: delta(before, after, 'helpline_events_deduplicated_total', { platform }),
    turnsDuringPhase: turnsDone(after) - turnsDone(before),
    answersDuringPhase: answersOf(progress1, platform) - answersOf(progress0, platform),
    standInsCores,
    drain,
    delivery,
    unackedAnswered: late?.answered ?? 0,
    deliveryFailures: delta(before, last, 'helpline_delivery_failures_total', { platform }),
    turnFailures: byLabel(before, last, 'helpline_turn_failures_total', 'reason'),
    deadLetters: delta(before, last, 'helpline_dead_letters_total'),
  };
}
