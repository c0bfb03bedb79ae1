/**
 * Fault: a worker is SIGKILLed in the middle of a turn (DESIGN §7 "a crash loses no accepted event",
 * "a retry never double-posts"). A web producer (runtime on BullMQ, workers not started) accepts a
 * message through the chat API; real `helpline worker` processes run the turn. The first worker is
 * killed while it waits for the model, a second one starts, and the employee must get exactly one
 * reply: the answer (not a fallback), stored once, delivered once under `reply:<message id>`.
 *
 * The model is the OpenAI stand-in (the one service that cannot run here): its first request
 * never returns, which is how the test knows the turn is running and holds it there.
 *
 * The second test kills at the worst moment instead: after the reply was handed to delivery (and
 * posted), before the turn job was acked. The retry must not post it again as a "late" answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FALLBACK_TEXT } from '../../src/assistant/fallback.ts';
import { loadConfig } from '../../src/config/load.ts';
import { BullmqRunner } from '../../src/jobs/bullmq-runner.ts';
import { channelsFromConfig } from '../../src/server/channels.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import { waitFor } from '../jobs/wait.ts';
import { type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.ts';
import {
  claimRedisDb,
  createThrowawayDatabase,
  deferCleanups,
  describeServices,
  type RedisDb,
  type ThrowawayDatabase,
} from './services.ts';
import { deliveries, emptyKb, pipelineIdle, silent, turnOutcomes, webChat } from './web.ts';
import { killAll, spawnWorker } from './worker-process.ts';

const QUESTION = 'How many days of annual leave do I get?';
const ANSWER = 'You get 5 days a year after 12 months of employment [1].';
/**
 * The watchdog deadline for this test: well past the recovery (worker start ≈ 4 s, plus the killed
 * worker's group lock lapsing, 10 s by default), so the fallback does not legitimately fire.
 */
const DEADLINE_MS = 60_000;

const defer = deferCleanups({ first: killAll });

/**
 * A throwaway database, a Redis database index, a data folder, and the web process, which accepts
 * and enqueues (its runner is a producer only).
 */
async function setup(deadlineMs = DEADLINE_MS) {
  const database: ThrowawayDatabase = await createThrowawayDatabase();
  defer(() => database.drop());
  const redis: RedisDb = await claimRedisDb();
  defer(() => redis.release());
  const dataDir = mkdtempSync(join(tmpdir(), 'helpline-fault-'));
  defer(async () => rmSync(dataDir, { recursive: true, force: true }));
  const db = await openDatabase({ url: database.url });
  const runner = new BullmqRunner({ connection: redis.url, onError: () => {} });
  await runner.connect();
  const config = loadConfig({ env: { REDIS_URL: redis.url, DATABASE_URL: database.url } });
  const web: Runtime = await createRuntime({
    config,
    opened: emptyKb(),
    logger: silent(),
    db,
    runner,
    replyDeadlineMs: deadlineMs,
    channels: (deps, store) => channelsFromConfig(config, deps, { store }),
  });
  defer(() => web.close());
  return { database, redis, dataDir, db, web, chat: webChat(web) };
}

describeServices('a worker SIGKILLed mid-turn', () => {
  it('the turn is retried by another worker and the employee gets exactly one reply', async () => {
    const { database, redis, dataDir, db, web, chat } = await setup();

    const model: OpenAiStandIn = await startOpenAiStandIn();
    let unblock = () => {};
    const held = new Promise<void>((resolve) => {
      unblock = resolve;
    });
    defer(async () => {
      unblock();
      await model.close();
    });
    model.reply = async () => {
      // The first request is the killed worker's: it never gets an answer.
      if (model.chatRequests().length === 1) await held;
      return ANSWER;
    };

    const env = {
      REDIS_URL: redis.url,
      DATABASE_URL: database.url,
      HELPLINE_DATA: dataDir,
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: 'test-key',
    };
    const first = spawnWorker(env);
    await first.ready;

    const { threadId, messageId } = await chat.send('emp-sigkill', QUESTION);
    await waitFor('the first worker to start the turn', () => model.chatRequests().length === 1, 20_000);
    // Mid-turn: the worker holds the turn and waits for the model; nothing has been answered.
    expect((await chat.messages(threadId)).map((m) => m.author)).toEqual(['user']);
    expect(await turnOutcomes(db, messageId)).toEqual([]);

    await first.kill();
    const killedAt = Date.now();
    const second = spawnWorker(env);
    await second.ready;

    const bot = await waitFor(
      'the reply from the second worker',
      async () => (await chat.messages(threadId)).find((m) => m.author === 'bot'),
      40_000,
    );
    const recoveredMs = Date.now() - killedAt;
    // The watchdog is removed once the answer is out; wait until nothing is left that could post.
    await waitFor('the pipeline to go idle', () => pipelineIdle(web), 15_000);

    const messages = await chat.messages(threadId);
    expect(
      messages.map((m) => m.author),
      second.output(),
    ).toEqual(['user', 'bot']);
    expect(bot.text).toBe(ANSWER);
    expect(bot.text).not.toBe(FALLBACK_TEXT.en);
    expect(bot.citations?.map((c) => c.source)).toEqual([expect.stringContaining('annual-leave')]);
    // The turn ran twice (the killed try and the retry); its effects happened once.
    expect(model.chatRequests()).toHaveLength(2);
    expect(await turnOutcomes(db, messageId)).toEqual([{ outcome: 'answered', reason: null }]);
    expect(await deliveries(db, `reply:${messageId}`)).toEqual([
      { key: `reply:${messageId}`, status: 'sent', attempts: 1 },
    ]);
    expect(await web.runner.deadLetters()).toEqual([]);
    expect(recoveredMs).toBeLessThan(DEADLINE_MS);
    console.info(`[faults] SIGKILL mid-turn: answered ${recoveredMs} ms after the kill`);
  }, 120_000);

  it('killed after the reply went to delivery but before the turn was acked: the retry posts nothing new', async () => {
    // The killed worker's delivery claim (≈ 50 s) keeps the retry from re-posting until it lapses; the
    // watchdog must not fire before that on a loaded machine, or it would apologise for an answer the
    // employee already has (a delivery whose "sent" was never recorded cannot be told from one never made).
    const { database, redis, dataDir, db, web, chat } = await setup(150_000);

    // Extractive answers (no model): the retry computes the same reply as the killed try.
    const env = { REDIS_URL: redis.url, DATABASE_URL: database.url, HELPLINE_DATA: dataDir };
    const first = spawnWorker(env, { args: ['tests/faults/fixtures/stall-after-reply-worker.ts'] });
    await first.ready;

    const { threadId, messageId } = await chat.send('emp-sigkill', QUESTION);
    await waitFor('the first worker to hand the reply over', () => /STALLED/.test(first.output()), 20_000);
    const answer = await waitFor(
      'the reply of the first worker in the thread',
      async () => (await chat.messages(threadId)).find((m) => m.author === 'bot'),
      20_000,
    );
    expect(first.output()).toContain(`STALLED watchdog:${messageId}`);
    // The reply's delivery recorded as sent (a kill between storing and recording it is a repeated
    // send, which the web deliverer's key-derived message id makes harmless: tests/adapters/web/send.test.ts).
    await waitFor(
      'the first worker to record the reply as sent',
      async () => (await deliveries(db, `reply:${messageId}`))[0]?.status === 'sent',
      20_000,
    );

    await first.kill();
    const second = spawnWorker(env);
    await second.ready;
    // The killed turn is run again once its group lock lapses; then the pipeline drains. The wait is
    // generous: on a loaded CI machine the second worker's start alone has taken tens of seconds.
    await waitFor('the retried turn to finish', () => pipelineIdle(web), 150_000).catch((error) => {
      throw new Error(`${error.message}\n${second.output()}`);
    });

    const messages = await chat.messages(threadId);
    expect(
      messages.map((m) => m.author),
      `${JSON.stringify(messages.map((m) => [m.id, m.text.slice(0, 80)]))}\n${second.output()}`,
    ).toEqual(['user', 'bot']);
    expect(messages[1].id).toBe(answer.id);
    expect(await turnOutcomes(db, messageId)).toEqual([{ outcome: 'answered', reason: null }]);
    expect(await deliveries(db, `reply:${messageId}`)).toEqual([
      { key: `reply:${messageId}`, status: 'sent', attempts: 1 },
    ]);
    expect(await web.runner.deadLetters()).toEqual([]);
  }, 240_000);
});
