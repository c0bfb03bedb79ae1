import { expect, it } from 'vitest';
import { SqlDeliveryLog } from '../../src/delivery/delivery-log.ts';
import type { OutboundMessage } from '../../src/inbound/ports.ts';
import { eachBackend } from '../store/backends.ts';
import { fakeClock } from './clock.ts';

const target: OutboundMessage = {
  key: 'reply:m1',
  platform: 'slack',
  channel: 'C1',
  thread: '1700000000.000100',
  body: {
    text: '请假流程见 [1]',
    citations: [{ n: 1, source: 'hr/leave.md', title: '休假', heading: '流程' }],
  },
};

eachBackend('SqlDeliveryLog', (ctx) => {
  it('claims a new key, records it sent, and never lets it be claimed again', async () => {
    const db = await ctx.fresh();
    const log = new SqlDeliveryLog({ db, now: fakeClock().now });
    expect(await log.sentRef(target.key)).toBeUndefined();
    expect(await log.claimSend(target)).toEqual({ state: 'claimed', attempts: 1, uncertain: false });
    await log.recordSent(target.key, 'C1:1700000000.000100');
    expect(await log.sentRef(target.key)).toBe('C1:1700000000.000100');
    expect(await log.claimSend(target)).toEqual({ state: 'sent', ref: 'C1:1700000000.000100' });
    expect(await log.get(target.key)).toMatchObject({
      status: 'sent',
      attempts: 1,
      ref: 'C1:1700000000.000100',
    });
  });

  it('counts attempts across released failures and keeps the last error', async () => {
    const db = await ctx.fresh();
    const log = new SqlDeliveryLog({ db, now: fakeClock().now });
    await log.claimSend(target);
    await log.release(target.key, 'HTTP 503: service_unavailable');
    expect(await log.claimSend(target)).toEqual({ state: 'claimed', attempts: 2, uncertain: false });
    expect(await log.get(target.key)).toMatchObject({
      status: 'pending',
      attempts: 2,
      error: 'HTTP 503: service_unavailable',
    });
  });

  it('holds a claimed key against a second worker until released or lapsed, then says the outcome is unknown', async () => {
    const db = await ctx.fresh();
    const other = await ctx.sibling(db);
    const c = fakeClock();
    const log = new SqlDeliveryLog({ db, now: c.now, claimMs: 30_000 });
    const second = new SqlDeliveryLog({ db: other, now: c.now, claimMs: 30_000 });
    expect((await log.claimSend(target)).state).toBe('claimed');
    c.advance(10_000);
    expect(await second.claimSend(target)).toEqual({ state: 'busy', retryInMs: 20_000 });
    c.advance(20_000);
    // The first worker died without recording anything: the key is free, the outcome unknown.
    expect(await second.claimSend(target)).toEqual({ state: 'claimed', attempts: 2, uncertain: true });
  });

  it('unclaim frees the key without counting the attempt (it never reached the platform)', async () => {
    const db = await ctx.fresh();
    const log = new SqlDeliveryLog({ db, now: fakeClock().now });
    await log.claimSend(target);
    await log.unclaim(target.key);
    expect(await log.get(target.key)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await log.claimSend(target)).toEqual({ state: 'claimed', attempts: 1, uncertain: false });
  });

  it('lets exactly one of many simultaneous claims win', async () => {
    const db = await ctx.fresh();
    const logs = [db, await ctx.sibling(db), await ctx.sibling(db)].map(
      (d) => new SqlDeliveryLog({ db: d, now: fakeClock().now }),
    );
    const results = await Promise.all([...logs, ...logs].map((l) => l.claimSend(target)));
    expect(results.filter((r) => r.state === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.state === 'busy')).toHaveLength(5);
  });

  it('records dead letters, lists them newest first, and revives a replayed key', async () => {
    const db = await ctx.fresh();
    const c = fakeClock();
    const log = new SqlDeliveryLog({ db, now: c.now });
    await log.claimSend(target);
    await log.recordDead(target, 'HTTP 400 channel_not_found: no such channel');
    c.advance(1000);
    // Dead without ever being tried (no deliverer for the platform).
    await log.recordDead(
      { key: 'reply:m2', platform: 'lark', channel: 'oc_9', body: { text: 'hi' } },
      'No deliverer for lark',
    );
    const dead = await log.listDead();
    expect(dead.map((d) => [d.key, d.platform, d.channel, d.attempts, d.error])).toEqual([
      ['reply:m2', 'lark', 'oc_9', 0, 'No deliverer for lark'],
      ['reply:m1', 'slack', 'C1', 1, 'HTTP 400 channel_not_found: no such channel'],
    ]);
    expect(dead[1].createdAt).toBe('2025-03-03T09:00:00.000Z');
    // The whole message is kept, so it can be inspected and replayed.
    expect(dead[1].message).toEqual(target);
    expect(dead[0].updatedAt).toBe('2025-03-03T09:00:01.000Z');
    expect(await log.listDead(1)).toHaveLength(1);
    // An operator replays it: tried again, and once sent it leaves the dead letters.
    expect(await log.claimSend(target)).toEqual({ state: 'claimed', attempts: 2, uncertain: false });
    await log.recordSent(target.key, 'C1:1');
    expect((await log.listDead()).map((d) => d.key)).toEqual(['reply:m2']);
    expect(await log.get(target.key)).not.toHaveProperty('message');
  });

  it('never turns a sent message into a dead letter', async () => {
    const db = await ctx.fresh();
    const log = new SqlDeliveryLog({ db, now: fakeClock().now });
    await log.claimSend(target);
    await log.recordSent(target.key, 'C1:1');
    await log.recordDead(target, 'late failure from a duplicate job');
    await log.release(target.key, 'late failure');
    expect(await log.get(target.key)).toMatchObject({ status: 'sent', ref: 'C1:1' });
    expect(await log.get(target.key)).not.toHaveProperty('error');
  });
});
