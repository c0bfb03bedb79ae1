/**
 * The reply slot of a message (src/inbound/reply-slots.ts) on both databases, and the watchdog that
 * relies on it: one reply whoever comes first, and a retry of the same writer is not shut out.
 */
import { expect, it } from 'vitest';
import { HelplineError } from '../../src/errors.ts';
import type { OutboundMessage } from '../../src/inbound/ports.ts';
import { SqlReplySlots } from '../../src/inbound/reply-slots.ts';
import { registerWatchdog, type TurnDeps, WATCHDOG_JOB, type WatchdogData } from '../../src/inbound/turn.ts';
import type { JobHandler } from '../../src/jobs/types.ts';
import type { Database } from '../../src/store/database.ts';
import { eachBackend } from '../store/backends.ts';

const at = new Date('2026-12-07T10:00:00Z');

const turn: WatchdogData = {
  platform: 'web',
  conversationId: 't1',
  messageId: 'web:m3',
  userId: 'u1',
  text: '怎么请年假?',
  channel: 't1',
  acceptedAt: at.getTime() - 15_000,
  dueAt: at.getTime(),
};

eachBackend('reply slots', (ctx) => {
  it('the first writer takes the slot; an answer re-takes an answer, a fallback never takes an answer', async () => {
    const slots = new SqlReplySlots(await ctx.fresh());
    expect(await slots.claim('web:m1', 'answered', at)).toBe(true);
    expect(await slots.claim('web:m1', 'ticketed', at)).toBe(true);
    expect(await slots.claim('web:m1', 'fallback', at, 'timeout')).toBe(false);
  });

  it('a fallback holds the slot against the answer, and is re-taken only by a fallback for the same reason', async () => {
    const slots = new SqlReplySlots(await ctx.fresh());
    expect(await slots.claim('web:m2', 'fallback', at, 'timeout')).toBe(true);
    expect(await slots.claim('web:m2', 'answered', at)).toBe(false);
    expect(await slots.claim('web:m2', 'fallback', at, 'error')).toBe(false);
    expect(await slots.claim('web:m2', 'fallback', at, 'timeout')).toBe(true);
  });

  /** Turn dependencies on `db` whose delivery fails while `queue.down`; what got through is in `sent`. */
  const turnDeps = (db: Database) => {
    const handlers = new Map<string, JobHandler<WatchdogData>>();
    const sent: OutboundMessage[] = [];
    const queue = { down: true };
    const deps: TurnDeps = {
      runner: {
        add: async () => ({ id: 'x', added: true }),
        remove: async () => {},
        register: (_queue, name, handler) => void handlers.set(name, handler as JobHandler<WatchdogData>),
      },
      assistant: { reply: async () => ({ text: 'never asked', citations: [], buttons: [] }) } as never,
      slots: new SqlReplySlots(db),
      deliver: async (msg) => {
        if (queue.down) throw new HelplineError('REDIS_UNAVAILABLE', 'Redis is restarting');
        sent.push(msg);
      },
      store: { addMessage: async () => ({}) as never },
      now: () => at,
    };
    registerWatchdog(deps);
    const watchdog = (attempt: number) =>
      handlers.get(WATCHDOG_JOB)!(turn, {
        id: 'watchdog:web:m3',
        queue: 'inbound',
        name: WATCHDOG_JOB,
        attempt,
        final: false,
      });
    return { sent, queue, watchdog };
  };

  it('a watchdog whose fallback could not be handed to delivery sends it when the job runs again', async () => {
    const { sent, queue, watchdog } = turnDeps(await ctx.fresh());
    await expect(watchdog(1)).rejects.toThrow('Redis is restarting');
    queue.down = false;
    await watchdog(2);
    expect(sent.map((m) => m.key)).toEqual(['reply:web:m3']);
  });
});
