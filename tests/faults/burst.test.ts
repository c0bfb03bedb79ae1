/**
 * Load fault: a burst of 1,000 web chat messages over 50 threads (20 per thread, each employee
 * sending the next as soon as the previous one is accepted). Every message must be answered
 * exactly once, and within a thread the answers must come in the order the messages were sent —
 * through the real pipeline: chat API → accept (store, queue) → event jobs grouped by conversation →
 * reply slot → outbound jobs grouped by channel → idempotent delivery → store.
 *
 * On BullMQ the web process is a producer only and two worker runtimes share its key prefix (all
 * in this process; one PostgreSQL database, a pool each). The assistant is a fast deterministic
 * echo ("answer to <text>") so the test measures the pipeline, not retrieval. The same burst also
 * runs on the in-process runner, for comparison. Durations and reply latencies are printed.
 */
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import type { Assistant } from '../../src/assistant/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { BullmqRunner } from '../../src/jobs/bullmq-runner.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import type { JobRunner } from '../../src/jobs/types.ts';
import { channelsFromConfig } from '../../src/server/channels.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import { waitFor } from '../jobs/wait.ts';
import { botReply } from '../web/fake-assistant.ts';
import {
  createThrowawayDatabase,
  deferCleanups,
  deleteMatching,
  describeServices,
  REDIS_URL,
  requireServices,
} from './services.ts';
import { deliveries, emptyKb, pipelineIdle, silent, webChat } from './web.ts';

const THREADS = 50;
const PER_THREAD = 20;
const TOTAL = THREADS * PER_THREAD;
/** No watchdog fires during the burst: this test is about the answers, not the fallback. */
const DEADLINE_MS = 300_000;

/** Answers "answer to <text>" and counts the turns it ran. */
function echo(): Assistant & { turns: number } {
  const assistant = {
    turns: 0,
    reply: async (turn: { text: string }) => {
      assistant.turns += 1;
      return botReply(`answer to ${turn.text}`);
    },
  };
  return assistant;
}

/** A runtime like `helpline serve`'s, with the echo as its assistant. */
function echoRuntime(
  runner: JobRunner,
  config: ReturnType<typeof loadConfig>,
  assistant: Assistant,
): Promise<Runtime> {
  return createRuntime({
    config,
    opened: emptyKb(),
    logger: silent(),
    runner,
    assistant: () => assistant,
    replyDeadlineMs: DEADLINE_MS,
    channels: (deps, store) => channelsFromConfig(config, deps, { store }),
  });
}

interface BurstResult {
  threads: string[];
  acceptMs: number;
  totalMs: number;
  latencies: number[];
}

/** THREADS employees at once, each sending PER_THREAD messages one after another. */
async function burst(web: Runtime, count: () => Promise<number>): Promise<BurstResult> {
  const chat = webChat(web);
  const started = Date.now();
  const threads = await Promise.all(
    Array.from({ length: THREADS }, async (_, t) => {
      let threadId: string | undefined;
      for (let m = 1; m <= PER_THREAD; m++) {
        ({ threadId } = await chat.send(`emp-${t}`, `t${t} m${m}`, threadId));
      }
      return threadId!;
    }),
  );
  const acceptMs = Date.now() - started;
  await waitFor(`${TOTAL} answers`, async () => (await count()) >= TOTAL, 120_000);
  const totalMs = Date.now() - started;
  await waitFor('the pipeline to go idle', () => pipelineIdle(web), 30_000);

  const latencies: number[] = [];
  for (const [t, threadId] of threads.entries()) {
    const messages = await chat.messages(threadId);
    const users = messages.filter((m) => m.author === 'user');
    // Under the burst some messages are first told they are queued (the busy notice), then answered.
    const notices = messages.filter((m) => m.author === 'bot' && m.text.startsWith("We're busy right now"));
    expect(notices.length).toBeLessThanOrEqual(PER_THREAD);
    const bots = messages.filter((m) => m.author === 'bot' && !notices.includes(m));
    const sent = Array.from({ length: PER_THREAD }, (_, i) => `t${t} m${i + 1}`);
    expect(users.map((m) => m.text)).toEqual(sent);
    // Exactly one answer each, in the order the messages were sent …
    expect(bots.map((m) => m.text)).toEqual(sent.map((text) => `answer to ${text}`));
    // … and each after its own message.
    for (const [i, bot] of bots.entries()) {
      expect(messages.indexOf(bot)).toBeGreaterThan(messages.indexOf(users[i]));
      latencies.push(Date.parse(bot.createdAt) - Date.parse(users[i].createdAt));
    }
  }
  return { threads, acceptMs, totalMs, latencies };
}

async function expectDeliveredOnce(runtime: Runtime): Promise<void> {
  const rows = await deliveries(runtime.db, 'reply:');
  expect(rows).toHaveLength(TOTAL);
  expect(rows.filter((r) => r.status !== 'sent' || r.key.endsWith(':late'))).toEqual([]);
  const outcomes = await runtime.db.query<{ outcome: string; n: number }>(
    'SELECT outcome, count(*)::int AS n FROM turn_outcomes GROUP BY outcome',
  );
  expect(outcomes).toEqual([{ outcome: 'answered', n: TOTAL }]);
  expect(await runtime.runner.deadLetters()).toEqual([]);
}

function report(runner: string, r: BurstResult): void {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  console.info(
    `[faults] burst on ${runner}: ${TOTAL} messages / ${THREADS} threads accepted in ${r.acceptMs} ms, ` +
      `all answered in ${r.totalMs} ms (${Math.round((TOTAL / r.totalMs) * 1000)} msg/s); ` +
      `reply latency p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted.at(-1)} ms`,
  );
}

const defer = deferCleanups({ timeoutMs: 30_000 });

async function botCount(runtime: Runtime): Promise<number> {
  const [row] = await runtime.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM messages WHERE author = 'bot'",
  );
  return row.n;
}

describeServices(`a burst of ${TOTAL} messages over ${THREADS} threads`, () => {
  it('on BullMQ (one web producer, two workers): each answered once, in order per thread', async () => {
    requireServices();
    const database = await createThrowawayDatabase();
    defer(() => database.drop());
    const prefix = `helpline-fault-burst-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    defer(async () => {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        await deleteMatching(redis, `${prefix}:*`);
      } finally {
        redis.disconnect();
      }
    });
    const config = loadConfig({ env: { REDIS_URL, DATABASE_URL: database.url } });

    const assistants = [echo(), echo(), echo()];
    const runtimes: Runtime[] = [];
    for (const assistant of assistants) {
      const runner = new BullmqRunner({ connection: REDIS_URL, prefix, onError: () => {} });
      await runner.connect();
      const runtime = await echoRuntime(runner, config, assistant);
      defer(() => runtime.close());
      runtimes.push(runtime);
    }
    const [web, ...workers] = runtimes;
    for (const worker of workers) await worker.startWorkers();

    const result = await burst(web, () => botCount(web));
    report('BullMQ (2 workers)', result);
    const turns = assistants.map((a) => a.turns);
    console.info(`[faults] turns run by the web process and the two workers: ${turns.join(' / ')}`);
    await expectDeliveredOnce(web);
    // The producer ran none; both workers took a share; no turn ran twice.
    expect(turns[0]).toBe(0);
    expect(Math.min(turns[1], turns[2])).toBeGreaterThan(0);
    expect(turns[1] + turns[2]).toBe(TOTAL);
    expect(result.totalMs).toBeLessThan(120_000);
  }, 240_000);

  it('on the in-process runner: each answered once, in order per thread', async () => {
    requireServices();
    const database = await createThrowawayDatabase();
    defer(() => database.drop());
    const config = loadConfig({ env: { DATABASE_URL: database.url } });
    const assistant = echo();
    const runtime = await echoRuntime(new InProcessRunner({ onError: () => {} }), config, assistant);
    defer(() => runtime.close());
    await runtime.startWorkers();

    const result = await burst(runtime, () => botCount(runtime));
    report('in-process runner', result);
    await expectDeliveredOnce(runtime);
    expect(assistant.turns).toBe(TOTAL);
  }, 240_000);
});
