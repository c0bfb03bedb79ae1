import { expect, it } from 'vitest';
import {
  createDeliveryHandler,
  type DeliveryHandlerOptions,
  enqueueDelivery,
} from '../../src/delivery/deliver-job.ts';
import { SqlDeliveryLog } from '../../src/delivery/delivery-log.ts';
import { DeliveryError, retryAfterFrom } from '../../src/delivery/errors.ts';
import { DEFAULT_LIMITS, MemoryRateLimiter } from '../../src/delivery/rate-limit.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { type JobContext, PermanentFailure, RetryLater } from '../../src/jobs/types.ts';
import type { Database } from '../../src/store/database.ts';
import { eachBackend } from '../store/backends.ts';
import { type FakeClock, fakeClock } from './clock.ts';
import { EditingStandIn, message, recordingMetrics, StandInDeliverer } from './stand-in.ts';
import { waitFor } from './wait.ts';

const ctx = (attempt = 1, final = false): JobContext => ({
  id: 'deliver:x',
  queue: 'outbound',
  name: 'deliver',
  attempt,
  final,
});

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

eachBackend('delivery handler', (backend) => {
  async function setup(
    overrides: Partial<DeliveryHandlerOptions> = {},
    db?: Database,
    clock: FakeClock = fakeClock(),
  ) {
    const database = db ?? (await backend.fresh());
    const slack = new StandInDeliverer('slack');
    const log = new SqlDeliveryLog({ db: database, now: clock.now });
    const seen = recordingMetrics();
    const options: DeliveryHandlerOptions = {
      deliverers: { slack },
      limiter: new MemoryRateLimiter({ now: clock.now }),
      log,
      metrics: seen.metrics,
      sleep: async (ms) => clock.advance(ms),
      ...overrides,
    };
    return { db: database, clock, slack, log, seen, handler: createDeliveryHandler(options) };
  }

  it('posts a message once and records its ref', async () => {
    const { slack, log, seen, handler } = await setup();
    await handler(message(1), ctx());
    expect(slack.texts()).toEqual(['answer 1']);
    expect(await log.get('reply:m1')).toMatchObject({
      status: 'sent',
      ref: 'C1:1',
      attempts: 1,
      platform: 'slack',
      channel: 'C1',
    });
    expect(seen.delivered).toEqual(['slack']);
  });

  it('a job run twice (redelivered) posts exactly once', async () => {
    const { slack, handler } = await setup();
    await handler(message(1), ctx());
    await handler(message(1), ctx());
    await handler(message(1), ctx(2));
    expect(slack.calls).toBe(1);
  });

  it('two workers running the same job at once post exactly once', async () => {
    const a = await setup();
    const other = await backend.sibling(a.db);
    const b = await setup({ deliverers: { slack: a.slack } }, other);
    const results = await Promise.allSettled([a.handler(message(1), ctx()), b.handler(message(1), ctx())]);
    expect(a.slack.calls).toBe(1);
    // The loser either saw it sent or was told to come back when the winner's claim is over.
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RetryLater);
    }
  });

  it('429 with Retry-After: 2 → RetryLater(2000), then sent once', async () => {
    const { slack, log, seen, clock, handler } = await setup();
    const limited = new DeliveryError('ratelimited', {
      status: 429,
      retryAfterMs: retryAfterFrom(new Headers({ 'Retry-After': '2' })),
    });
    slack.cue(limited);
    const err = await caught(handler(message(1), ctx()));
    expect(err).toBeInstanceOf(RetryLater);
    expect((err as RetryLater).delayMs).toBe(2000);
    expect(await log.get('reply:m1')).toMatchObject({ status: 'pending', error: 'HTTP 429: ratelimited' });
    expect(seen.retries).toEqual(['slack:rate_limited']);
    clock.advance(2000);
    await handler(message(1), ctx());
    expect(slack.texts()).toEqual(['answer 1']);
    expect(await log.get('reply:m1')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(seen.failures).toEqual([]);
  });

  it('429 without Retry-After → exponential backoff; dead after maxAttempts', async () => {
    const { slack, log, seen, clock, handler } = await setup({ maxAttempts: 3 });
    const limited = () => new DeliveryError('ratelimited', { status: 429 });
    slack.cue(limited, limited, limited);
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      delays.push(((await caught(handler(message(1), ctx()))) as RetryLater).delayMs);
      clock.advance(delays[i]);
    }
    expect(delays).toEqual([1000, 2000]);
    const last = await caught(handler(message(1), ctx()));
    expect(last).toBeInstanceOf(PermanentFailure);
    expect(await log.get('reply:m1')).toMatchObject({ status: 'dead', attempts: 3 });
    expect(seen.failures).toEqual(['slack:rate_limited']);
    expect(slack.posted).toEqual([]);
  });

  it('400 → no retry: dead-lettered, recorded and counted', async () => {
    const { slack, log, seen, handler } = await setup();
    slack.cue(new DeliveryError('channel_not_found', { status: 400, code: 'channel_not_found' }));
    const err = await caught(handler(message(1), ctx()));
    expect(err).toBeInstanceOf(PermanentFailure);
    expect(slack.calls).toBe(1);
    const dead = await log.listDead();
    expect(dead).toMatchObject([{ key: 'reply:m1', platform: 'slack', channel: 'C1', attempts: 1 }]);
    expect(dead[0].error).toBe('HTTP 400 channel_not_found: channel_not_found');
    expect(dead[0].message).toEqual(message(1));
    expect(seen.failures).toEqual(['slack:rejected']);
  });

  it('5xx and network errors are rethrown for the runner; the last try is dead-lettered', async () => {
    const { slack, log, seen, clock, handler } = await setup();
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    slack.cue(
      new DeliveryError('service_unavailable', { status: 503 }),
      reset,
      new DeliveryError('bad gateway', { status: 502 }),
    );
    expect(await caught(handler(message(1), ctx(1)))).toBeInstanceOf(DeliveryError);
    clock.advance(1000);
    expect(await caught(handler(message(1), ctx(2)))).toBe(reset);
    clock.advance(2000);
    expect(await log.get('reply:m1')).toMatchObject({
      status: 'pending',
      attempts: 2,
      error: 'Error ECONNRESET: socket hang up',
    });
    expect(seen.retries).toEqual(['slack:server_error', 'slack:network']);
    expect(seen.failures).toEqual([]);
    expect(await caught(handler(message(1), ctx(3, true)))).toBeInstanceOf(DeliveryError);
    expect(await log.get('reply:m1')).toMatchObject({
      status: 'dead',
      attempts: 3,
      error: 'HTTP 502: bad gateway',
    });
    expect(seen.failures).toEqual(['slack:server_error']);
  });

  it('waits its turn: the 2nd message to a Slack channel within a second is rescheduled', async () => {
    const { slack, clock, log, handler } = await setup();
    await handler(message(1), ctx());
    const err = await caught(handler(message(2), ctx()));
    expect(err).toBeInstanceOf(RetryLater);
    expect((err as RetryLater).delayMs).toBe(1000);
    // Held back by our own limit: no attempt counted, key free.
    expect(await log.get('reply:m2')).toMatchObject({ status: 'pending', attempts: 0 });
    // Another channel is not held up.
    await handler(message(3, { channel: 'C2' }), ctx());
    clock.advance(1000);
    await handler(message(2), ctx());
    expect(slack.texts()).toEqual(['answer 1', 'answer 3', 'answer 2']);
  });

  it('sleeps short waits (Lark app bucket) instead of rescheduling', async () => {
    const lark = new StandInDeliverer('lark');
    const slept: number[] = [];
    const clock = fakeClock();
    const { handler } = await setup({
      deliverers: { lark },
      limiter: new MemoryRateLimiter({ now: clock.now }),
      sleep: async (ms) => {
        slept.push(ms);
        clock.advance(ms);
      },
    });
    for (let i = 0; i < 5; i++) await handler(message(i, { platform: 'lark', channel: `oc_${i}` }), ctx());
    expect(lark.posted).toHaveLength(5);
    expect(slept).toEqual([20, 20, 20, 20]);
  });

  it('a platform with no deliverer configured is dead-lettered', async () => {
    const { log, seen, handler } = await setup();
    const err = await caught(handler(message(1, { platform: 'lark', channel: 'oc_1' }), ctx()));
    expect(err).toBeInstanceOf(PermanentFailure);
    expect(await log.get('reply:m1')).toMatchObject({
      status: 'dead',
      error: 'No deliverer for lark is configured',
    });
    expect(seen.failures).toEqual(['lark:no_deliverer']);
  });

  it('refuses a job that is not a message', async () => {
    const { handler } = await setup();
    const bad = { key: 'k', platform: 'fax', channel: 'x', body: { text: 'hi' } } as never;
    expect(await caught(handler(bad, ctx()))).toBeInstanceOf(PermanentFailure);
    expect(await caught(handler({ ...message(1), body: undefined } as never, ctx()))).toBeInstanceOf(
      PermanentFailure,
    );
  });

  it('edits a status card in place when the platform can; otherwise posts anew', async () => {
    const editing = new EditingStandIn('slack');
    const { log, clock, handler } = await setup({ deliverers: { slack: editing } });
    await handler(message('card', { key: 'status:t1:1' }), ctx());
    clock.advance(1000);
    await handler(message('card v2', { key: 'status:t1:2', updateOf: 'status:t1:1' }), ctx());
    expect(editing.posted).toHaveLength(1);
    expect(editing.updates).toMatchObject([{ ref: 'C1:1', msg: { body: { text: 'answer card v2' } } }]);
    expect(await log.sentRef('status:t1:2')).toBe('C1:1');
    clock.advance(1000);
    // The card it should edit was never delivered: post the new state.
    await handler(message('card v3', { key: 'status:t9:2', updateOf: 'status:t9:1' }), ctx());
    expect(editing.posted.map((m) => m.body.text)).toEqual(['answer card', 'answer card v3']);
  });

  it('after a crash between posting and recording, asks the deliverer before posting again', async () => {
    const { db, slack, clock, handler } = await setup();
    // A worker claimed the key, posted, and died before recording.
    await new SqlDeliveryLog({ db, now: clock.now }).claimSend(message(1));
    slack.posted.push(message(1));
    const lookups: string[] = [];
    const withLookup = Object.assign(slack, {
      lookup: async (msg: { key: string }) => {
        lookups.push(msg.key);
        return { ref: 'C1:1' };
      },
    });
    const { handler: later } = await setup({ deliverers: { slack: withLookup } }, db, clock);
    // Until the claim lapses the retry is told to wait.
    const busy = await caught(handler(message(1), ctx(2)));
    expect(busy).toBeInstanceOf(RetryLater);
    clock.advance(60_000);
    await later(message(1), ctx(2));
    expect(lookups).toEqual(['reply:m1']);
    expect(slack.calls).toBe(0);
    expect(await new SqlDeliveryLog({ db }).sentRef('reply:m1')).toBe('C1:1');
  });

  it('with the InProcessRunner: 503 is retried with backoff, then sent once', async () => {
    // No Slack channel limit here, so the timing shows the runner's backoff alone.
    const limits = { ...DEFAULT_LIMITS, slack: {} };
    const { slack, log, seen, handler } = await setup({ limiter: new MemoryRateLimiter(), limits });
    slack.cue(
      new DeliveryError('unavailable', { status: 503 }),
      new DeliveryError('unavailable', { status: 503 }),
    );
    const runner = new InProcessRunner({ onError: () => {} });
    runner.register('outbound', 'deliver', handler);
    await runner.start();
    const started = Date.now();
    await enqueueDelivery(runner, message(1), { backoffMs: 50 });
    await waitFor('the message to be sent', () => slack.posted.length === 1);
    // Backoff 50 ms, then 100 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1000);
    await runner.close();
    expect(slack.calls).toBe(3);
    expect(await log.get('reply:m1')).toMatchObject({ status: 'sent', attempts: 3 });
    expect(seen.retries).toEqual(['slack:server_error', 'slack:server_error']);
    expect(await runner.deadLetters()).toEqual([]);
  });

  it('with the InProcessRunner: 400 gets one try and lands in both dead-letter lists', async () => {
    const { slack, log, seen, handler } = await setup({ limiter: new MemoryRateLimiter() });
    slack.cue(new DeliveryError('invalid_blocks', { status: 400, code: 'invalid_blocks' }));
    const runner = new InProcessRunner({ onError: () => {} });
    runner.register('outbound', 'deliver', handler);
    await runner.start();
    await enqueueDelivery(runner, message(1), { backoffMs: 10 });
    await waitFor('a dead letter', async () => (await runner.deadLetters()).length === 1);
    await runner.close();
    expect(slack.calls).toBe(1);
    expect(await runner.deadLetters()).toMatchObject([
      { queue: 'outbound', name: 'deliver', id: 'deliver:reply:m1', attempts: 1 },
    ]);
    expect(await log.listDead()).toMatchObject([
      { key: 'reply:m1', error: 'HTTP 400 invalid_blocks: invalid_blocks' },
    ]);
    expect(seen.failures).toEqual(['slack:rejected']);
  });

  it('enqueueing the same message twice adds one job', async () => {
    const runner = new InProcessRunner({ onError: () => {} });
    expect(await enqueueDelivery(runner, message(1))).toEqual({ id: 'deliver:reply:m1', added: true });
    expect(await enqueueDelivery(runner, message(1))).toEqual({ id: 'deliver:reply:m1', added: false });
    await runner.close();
  });
});
