/**
 * The turn backlog (src/inbound/backlog.ts) and the busy notice accept sends from it: a message
 * expected to wait longer than the threshold is told so at once, with how many are ahead; an idle
 * or draining queue sends nothing.
 */
import { describe, expect, it } from 'vitest';
import { MemoryDeduper } from '../../src/idempotency/dedupe.ts';
import { createAccept } from '../../src/inbound/accept.ts';
import { Backlog } from '../../src/inbound/backlog.ts';
import type { InboundEvent } from '../../src/inbound/ports.ts';
import type { JobRunner, QueueCounts, QueueName } from '../../src/jobs/types.ts';

const zero: QueueCounts = { waiting: 0, active: 0, delayed: 0, failed: 0 };
function fakeQueue() {
  const state = { waiting: 0, active: 0 };
  const counts = async () =>
    ({
      inbound: { ...zero, ...state },
      outbound: zero,
      sla: zero,
      maintenance: zero,
    }) as Record<QueueName, QueueCounts>;
  return { state, counts };
}

describe('Backlog', () => {
  it('estimates the wait from what is pending and the rate it drains', async () => {
    let now = 0;
    const q = fakeQueue();
    const backlog = new Backlog({ counts: q.counts, now: () => now, windowMs: 5000 });
    expect(backlog.report()).toEqual({ pending: 0, waiting: 0, estimatedWaitMs: 0, sustainedWaitMs: 0 });
    await backlog.sample();
    // 300 arrive in 2 s; 100 are done, 200 pending (4 running): 50 drained per second → 3.92 s
    // for the 196 waiting.
    for (let i = 0; i < 300; i++) backlog.arrived();
    q.state.waiting = 196;
    q.state.active = 4;
    now = 2000;
    await backlog.sample();
    const r = backlog.report();
    expect(r.pending).toBe(200);
    expect(r.drainPerSecond).toBe(50);
    expect(r.waiting).toBe(196);
    expect(r.estimatedWaitMs).toBe(3920);
    // Nothing drained while events wait: an unbounded wait.
    now = 3000;
    await backlog.sample();
    for (let i = 0; i < 10; i++) backlog.arrived();
    q.state.waiting = 206;
    now = 4000;
    await backlog.sample();
    const stalled = new Backlog({ counts: q.counts, now: () => now });
    await stalled.sample();
    stalled.arrived();
    q.state.waiting = 207;
    now = 5000;
    await stalled.sample();
    expect(stalled.report().estimatedWaitMs).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('the busy notice', () => {
  const message = (n: number, text = '怎么请年假'): InboundEvent => ({
    platform: 'slack',
    tenant: 'T1',
    chat: 'D1',
    chatType: 'dm',
    messageId: `1712.${n}`,
    user: 'U1',
    text,
    mentions: [],
    addressed: true,
    eventId: `Ev${n}`,
    kind: 'message',
  });
  const recorder = () => {
    const added: { queue: QueueName; name: string; id?: string; data: unknown }[] = [];
    const runner: Pick<JobRunner, 'add'> = {
      add: async (queue, job) => {
        added.push({ queue, ...job });
        return { id: job.id ?? '', added: true };
      },
    };
    return { runner, added };
  };

  it('is queued for delivery at once when the expected wait exceeds the threshold', async () => {
    let now = 0;
    const q = fakeQueue();
    const backlog = new Backlog({ counts: q.counts, now: () => now });
    await backlog.sample();
    for (let i = 0; i < 100; i++) backlog.arrived();
    q.state.waiting = 90; // 10 drained in 1 s: 90 pending → 9 s
    now = 1000;
    await backlog.sample();
    // One second of it is a burst, not yet overload.
    expect(backlog.report().estimatedWaitMs).toBe(9000);
    expect(backlog.report().sustainedWaitMs).toBe(0);
    for (let i = 0; i < 10; i++) backlog.arrived();
    q.state.waiting = 95; // 15 drained in 2 s: 95 → 12.7 s; still long a second later
    now = 2000;
    await backlog.sample();
    expect(backlog.report().sustainedWaitMs).toBe(9000);
    const { runner, added } = recorder();
    const busy: string[] = [];
    const accept = createAccept({
      runner,
      deduper: new MemoryDeduper(),
      store: { storeInbound: async () => {} },
      backlog,
      onBusy: (e) => busy.push(e.eventId),
    });
    await accept(message(1));
    await accept(message(2, 'how do I reset my password'));
    const notices = added.filter((a) => a.queue === 'outbound');
    expect(notices.map((n) => n.id)).toEqual(['deliver:busy:slack:1712.1', 'deliver:busy:slack:1712.2']);
    expect(JSON.stringify(notices[0].data)).toContain('排队');
    expect(JSON.stringify(notices[0].data)).toContain('前面还有 95 条');
    expect(JSON.stringify(notices[1].data)).toContain("We're busy right now");
    expect(busy).toEqual(['Ev1', 'Ev2']);
  });

  it('is not sent when the queue keeps up', async () => {
    let now = 0;
    const q = fakeQueue();
    const backlog = new Backlog({ counts: q.counts, now: () => now });
    await backlog.sample();
    for (let i = 0; i < 100; i++) backlog.arrived();
    q.state.waiting = 10; // 90 drained in 1 s: 10 pending → 0.1 s
    now = 1000;
    await backlog.sample();
    const { runner, added } = recorder();
    const accept = createAccept({
      runner,
      deduper: new MemoryDeduper(),
      store: { storeInbound: async () => {} },
      backlog,
    });
    await accept(message(1));
    expect(added.filter((a) => a.queue === 'outbound')).toEqual([]);
  });
});
