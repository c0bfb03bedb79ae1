/**
 * The phases of bench/jobs.bench.ts against one running server: the HTTP floor (GET /healthz), the
 * web-chat ack (POST → 202), draining the turn backlog, and message-to-reply over SSE. Every wait
 * is bounded in count and time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type CpuUse, cpuSnapshot, cpuUse } from './cpu-meter.ts';
import { httpClient, openLoop, type SseStream, sseStream } from './http-load.ts';
import { type Latency, latency } from './measure.ts';
import { delta, histogramDelta, histogramQuantile, type Scrape, sum } from './prom-text.ts';
import type { ServerProcess } from './server-process.ts';

/** A request that has not answered in this long counts as an error. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Connections the POST load may use at once (a web front or webhook sender holds a pool too). */
const MAX_SOCKETS = 128;
/** Users posting in the ack phase; each keeps one thread, as employees do. */
const ACK_USERS = 500;
/** How often a drain looks at /metrics. */
const DRAIN_POLL_MS = 250;
/** The watchdog answers every turn within 15 s; a reply later than this is missing. */
const REPLY_WAIT_MS = 20_000;

export interface PhaseContext {
  server: ServerProcess;
  questions: string[];
  cores: number;
}

export interface ServerSide {
  /** From the server's histogram (helpline_ack_seconds / helpline_reply_seconds), ms, interpolated. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** The quantile fell in the top (+Inf) bucket: the true value is above the figure. */
  aboveTop: boolean;
  count: number;
}

export interface EventLoop {
  /** Server event-loop delay over the phase, ms (monitorEventLoopDelay via prom-client). */
  p99Ms: number;
  maxMs: number;
}

/** SLA sweeps (maintenance job 'sla-sweep', every 60 s) that finished in a window. */
export interface Sweeps {
  count: number;
  /** Their run time added up. */
  seconds: number;
}

export interface LoadResult {
  rate: number;
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  /** Error kinds (status codes or messages) with counts. */
  errorKinds: Record<string, number>;
  latency: Latency;
  sendLag: Latency;
  cpu: CpuUse;
  eventLoop: EventLoop;
  sweeps: Sweeps;
}

export interface AckResult extends LoadResult {
  server: ServerSide;
  /** Turns the workers finished while the requests came in. */
  turnsDuringPhase: number;
  drain: DrainResult;
}

export interface DrainResult {
  seconds: number;
  /** Turns finished during the drain ÷ its duration (only meaningful when there was a backlog). */
  turnsPerSecond: number;
  complete: boolean;
  sweeps: Sweeps;
}

export interface ReplyResult extends LoadResult {
  threads: number;
  replied: number;
  missing: number;
  /** Bot messages that matched no pending user message (late answers after a fallback). */
  unmatchedReplies: number;
  server: ServerSide;
  outcomes: Record<string, number>;
  drain: DrainResult;
}

const OUTCOMES = ['answered', 'declined', 'ticketed', 'greeted', 'fallback'];

function serverSide(before: Scrape, after: Scrape, name: string): ServerSide {
  const h = histogramDelta(before, after, name, { platform: 'web' });
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

export function eventLoop(after: Scrape): EventLoop {
  return {
    p99Ms: sum(after, 'helpline_nodejs_eventloop_lag_p99_seconds') * 1000,
    maxMs: sum(after, 'helpline_nodejs_eventloop_lag_max_seconds') * 1000,
  };
}

export const turnsDone = (s: Scrape) => sum(s, 'helpline_turns_total');

export function sweeps(before: Scrape, after: Scrape): Sweeps {
  const h = histogramDelta(before, after, 'helpline_job_seconds', {
    queue: 'maintenance',
    name: 'sla-sweep',
  });
  return { count: h.count, seconds: h.sum };
}

export function kindOf(err: unknown): string {
  return err instanceof Error ? err.message.replace(/\d+/g, 'N').slice(0, 80) : String(err);
}

/**
 * Waits until the workers have finished `expected` more turns than at `since`, no turn or delivery
 * waits or runs, and the count has stopped moving, for at most `maxMs`.
 */
export async function drain(
  server: ServerProcess,
  since: Scrape,
  expected: number,
  maxMs: number,
): Promise<DrainResult> {
  const started = performance.now();
  const first = await server.metrics();
  let last = first;
  const busy = (s: Scrape) =>
    ['waiting', 'active'].reduce(
      (n, state) =>
        n +
        sum(s, 'helpline_queue_depth', { queue: 'inbound', state }) +
        sum(s, 'helpline_queue_depth', { queue: 'outbound', state }),
      0,
    );
  let complete = false;
  let previous: Scrape | undefined;
  for (let round = 0; round < Math.ceil(maxMs / DRAIN_POLL_MS) + 1; round++) {
    // Also still for one poll: requests the client gave up on may still be handled and add turns.
    const still = previous !== undefined && turnsDone(previous) === turnsDone(last);
    if (turnsDone(last) - turnsDone(since) >= expected && busy(last) === 0 && still) {
      complete = true;
      break;
    }
    if (performance.now() - started > maxMs) break;
    await sleep(DRAIN_POLL_MS);
    previous = last;
    last = await server.metrics();
  }
  const seconds = (performance.now() - started) / 1000;
  const drained = turnsDone(last) - turnsDone(first);
  return {
    seconds,
    turnsPerSecond: seconds > 0.5 ? drained / seconds : Number.NaN,
    complete,
    sweeps: sweeps(first, last),
  };
}

interface Tally {
  ok: number;
  errors: number;
  errorKinds: Record<string, number>;
  samples: number[];
}

function tally(): Tally {
  return { ok: 0, errors: 0, errorKinds: {}, samples: [] };
}

function fail(t: Tally, kind: string): void {
  t.errors++;
  t.errorKinds[kind] = (t.errorKinds[kind] ?? 0) + 1;
}

/** Fires `count` requests open-loop and waits (bounded) for all of them to settle. */
export async function runOpenLoop(
  count: number,
  rate: number,
  send: (i: number, scheduledAt: number) => Promise<void>,
): Promise<{ fired: number; sendLagMs: number[] }> {
  const inFlight = new Set<Promise<void>>();
  const loop = await openLoop(count, rate, (count / rate) * 1000 + 5000, (i, at) => {
    const p = send(i, at).finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  // Every request has its own timeout; this bound only guards against a stuck socket layer.
  await Promise.race([Promise.allSettled([...inFlight]), sleep(REQUEST_TIMEOUT_MS + 5000)]);
  return { fired: loop.fired, sendLagMs: loop.sendLagMs };
}

/** GET /healthz at the ack rate: what loopback HTTP, the server's HTTP layer and this client cost. */
export async function floorPhase(ctx: PhaseContext, rate: number, seconds: number): Promise<LoadResult> {
  const client = httpClient(ctx.server.url, { maxSockets: MAX_SOCKETS, timeoutMs: REQUEST_TIMEOUT_MS });
  const t = tally();
  const count = Math.round(rate * seconds);
  const before = await ctx.server.metrics(); // also resets the event-loop monitor
  const cpu0 = cpuSnapshot(ctx.server.pid);
  const loop = await runOpenLoop(count, rate, async (_i, at) => {
    try {
      const res = await client.request('GET', '/healthz');
      if (res.status !== 200) return fail(t, `HTTP ${res.status}`);
      t.ok++;
      t.samples.push(performance.now() - at);
    } catch (err) {
      fail(t, kindOf(err));
    }
  });
  const cpu = cpuUse(cpu0, cpuSnapshot(ctx.server.pid), ctx.cores);
  const after = await ctx.server.metrics();
  client.close();
  return {
    rate,
    seconds,
    sent: loop.fired,
    ...t,
    latency: latency(t.samples),
    sendLag: latency(loop.sendLagMs),
    cpu,
    eventLoop: eventLoop(after),
    sweeps: sweeps(before, after),
  };
}

/**
 * POST /api/chat/messages open-loop: 500 users, each continuing its own thread once it has one
 * (its first message opens it), questions from the KB's front matter in turn. The turns it
 * enqueues run in the server meanwhile, as they would in production; then the backlog is drained.
 */
export async function ackPhase(
  ctx: PhaseContext,
  rate: number,
  seconds: number,
  drainMaxMs: number,
  userPrefix: string,
): Promise<AckResult> {
  const client = httpClient(ctx.server.url, { maxSockets: MAX_SOCKETS, timeoutMs: REQUEST_TIMEOUT_MS });
  const threads = new Map<string, string>();
  const t = tally();
  const count = Math.round(rate * seconds);
  const before = await ctx.server.metrics();
  const cpu0 = cpuSnapshot(ctx.server.pid);
  const loop = await runOpenLoop(count, rate, async (i, at) => {
    const userId = `${userPrefix}${i % ACK_USERS}`;
    const threadId = threads.get(userId);
    const text = ctx.questions[i % ctx.questions.length];
    try {
      const res = await client.request('POST', '/api/chat/messages', { userId, text, threadId });
      if (res.status !== 202) return fail(t, `HTTP ${res.status}`);
      t.ok++;
      t.samples.push(performance.now() - at);
      const body = res.body as { threadId?: string };
      if (body.threadId) threads.set(userId, body.threadId);
    } catch (err) {
      fail(t, kindOf(err));
    }
  });
  const cpu = cpuUse(cpu0, cpuSnapshot(ctx.server.pid), ctx.cores);
  const after = await ctx.server.metrics();
  client.close();
  const drained = await drain(ctx.server, before, t.ok, drainMaxMs);
  return {
    rate,
    seconds,
    sent: loop.fired,
    ...t,
    latency: latency(t.samples),
    sendLag: latency(loop.sendLagMs),
    cpu,
    eventLoop: eventLoop(after),
    sweeps: sweeps(before, after),
    server: serverSide(before, after, 'helpline_ack_seconds'),
    turnsDuringPhase: turnsDone(after) - turnsDone(before),
    drain: drained,
  };
}

interface ThreadState {
  id: string;
  /** Ids of this thread's user messages (from the stream) not answered yet, oldest first. */
  pending: string[];
  botSeen: number;
  stream?: SseStream;
}

/**
 * Message to reply: `threadCount` threads, each opened with a first message and followed on its SSE
 * stream (GET /api/chat/threads/:id/events); once every thread has its first answer, messages go
 * round-robin to the threads open-loop. A bot message answers the oldest unanswered user message of
 * its thread (turns of one thread run in order); latency = bot message seen here − scheduled send.
 */
export async function replyPhase(
  ctx: PhaseContext,
  rate: number,
  seconds: number,
  threadCount: number,
  drainMaxMs: number,
  userPrefix: string,
): Promise<ReplyResult> {
  const client = httpClient(ctx.server.url, { maxSockets: MAX_SOCKETS, timeoutMs: REQUEST_TIMEOUT_MS });
  const threads: ThreadState[] = [];
  const replyAt = new Map<string, number>();
  let armed = false;
  let unmatchedReplies = 0;
  const streamErrors: string[] = [];

  try {
    // Open the threads, one first message each, and follow them.
    for (let k = 0; k < threadCount; k++) {
      const res = await client.request('POST', '/api/chat/messages', {
        userId: `${userPrefix}${k}`,
        text: ctx.questions[k % ctx.questions.length],
      });
      if (res.status !== 202) throw new Error(`opening thread ${k}: HTTP ${res.status}`);
      const state: ThreadState = { id: (res.body as { threadId: string }).threadId, pending: [], botSeen: 0 };
      state.stream = sseStream(
        `${ctx.server.url}/api/chat/threads/${state.id}/events`,
        (e) => {
          if (e.event !== 'message') return;
          const m = JSON.parse(e.data) as { id: string; author: string };
          if (m.author === 'user') {
            if (armed) state.pending.push(m.id);
          } else if (m.author === 'bot') {
            state.botSeen++;
            if (!armed) return;
            const answered = state.pending.shift();
            if (answered === undefined) unmatchedReplies++;
            else replyAt.set(answered, performance.now());
          }
        },
        (err) => streamErrors.push(err.message),
      );
      threads.push(state);
    }
    await Promise.all(threads.map((s) => s.stream?.opened));
    for (let round = 0; round < REPLY_WAIT_MS / 50 && threads.some((s) => s.botSeen === 0); round++)
      await sleep(50);
    if (threads.some((s) => s.botSeen === 0))
      throw new Error(`some threads had no answer to their first message within ${REPLY_WAIT_MS} ms`);
    armed = true;

    const t = tally();
    const scheduled = new Map<string, number>();
    const count = Math.round(rate * seconds);
    const before = await ctx.server.metrics();
    const cpu0 = cpuSnapshot(ctx.server.pid);
    const loop = await runOpenLoop(count, rate, async (i, at) => {
      const k = i % threadCount;
      try {
        const res = await client.request('POST', '/api/chat/messages', {
          userId: `${userPrefix}${k}`,
          text: ctx.questions[(i + threadCount) % ctx.questions.length],
          threadId: threads[k].id,
        });
        if (res.status !== 202) return fail(t, `HTTP ${res.status}`);
        t.ok++;
        scheduled.set((res.body as { messageId: string }).messageId, at);
      } catch (err) {
        fail(t, kindOf(err));
      }
    });
    for (
      let round = 0;
      round < REPLY_WAIT_MS / 50 && [...scheduled.keys()].some((id) => !replyAt.has(id));
      round++
    )
      await sleep(50);
    // CPU over sending plus the replies' tail, not the idle wait for missing ones.
    const cpu = cpuUse(cpu0, cpuSnapshot(ctx.server.pid), ctx.cores);
    const after = await ctx.server.metrics();
    for (const [id, at] of scheduled) {
      const seen = replyAt.get(id);
      if (seen !== undefined) t.samples.push(seen - at);
    }
    const drained = await drain(ctx.server, before, t.ok, Math.max(0, drainMaxMs));
    const outcomes: Record<string, number> = {};
    for (const outcome of OUTCOMES)
      outcomes[outcome] = delta(before, after, 'helpline_turns_total', { outcome });
    if (streamErrors.length > 0) t.errorKinds[`event stream: ${streamErrors[0]}`] = streamErrors.length;
    return {
      rate,
      seconds,
      sent: loop.fired,
      ...t,
      threads: threadCount,
      replied: t.samples.length,
      missing: scheduled.size - t.samples.length,
      unmatchedReplies,
      latency: latency(t.samples),
      sendLag: latency(loop.sendLagMs),
      cpu,
      eventLoop: eventLoop(after),
      sweeps: sweeps(before, after),
      server: serverSide(before, after, 'helpline_reply_seconds'),
      outcomes,
      drain: drained,
    };
  } finally {
    for (const s of threads) s.stream?.close();
    client.close();
  }
}
