/**
 * accept (src/inbound/accept.ts): what is durable before the ack, and the two ways an event used to
 * be lost — a failure to queue that left the event id behind (its redelivery then dropped as a
 * duplicate), and a dedupe store that is down; a stored web message that could not be queued is
 * queued again by the requeue and, failing that, by the recovery sweep.
 */
import { describe, expect, it } from 'vitest';
import { PgConversationStore } from '../../src/conversations/pg-store.ts';
import { SqlDeliveryLog } from '../../src/delivery/delivery-log.ts';
import { type EventDeduper, MemoryDeduper } from '../../src/idempotency/dedupe.ts';
import { createAccept } from '../../src/inbound/accept.ts';
import type { InboundEvent } from '../../src/inbound/ports.ts';
import { findUnanswered, recoverUnanswered } from '../../src/inbound/recover.ts';
import { SqlReplySlots } from '../../src/inbound/reply-slots.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { createRequeue } from '../../src/jobs/requeue.ts';
import type { JobRunner } from '../../src/jobs/types.ts';
import type { Database } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPglite } from '../../src/store/pglite.ts';
import { waitFor } from '../jobs/wait.ts';

const event = (over: Partial<InboundEvent> = {}): InboundEvent => ({
  platform: 'slack',
  tenant: 'T1',
  chat: 'D1',
  chatType: 'dm',
  messageId: '1712.0001',
  user: 'U1',
  text: 'How do I request leave?',
  mentions: [],
  addressed: true,
  eventId: 'Ev1',
  kind: 'message',
  ...over,
});

/** A runner (not started) whose next `failures` adds throw, as Redis down would. */
function flakyRunner(failures: number) {
  const real = new InProcessRunner({ onError: () => {} });
  let left = failures;
  const added: Array<{ name: string; data: unknown }> = [];
  const runner: Pick<JobRunner, 'add'> = {
    add: async (queue, job) => {
      if (left > 0) {
        left--;
        throw new Error('queue unavailable');
      }
      added.push(job);
      return real.add(queue, job);
    },
  };
  return { runner, added, counts: () => real.counts() };
}

let opened: Promise<{ db: Database; store: PgConversationStore }> | undefined;
/** One embedded database for the file (starting one costs seconds); each case uses its own chat. */
function shared() {
  opened ??= (async () => {
    const db = await openPglite({});
    await migrate(db);
    return { db, store: new PgConversationStore({ db }) };
  })();
  return opened;
}
const store = async () => (await shared()).store;

const webEvent = (thread: string, id: string, user: string) =>
  event({ platform: 'web', tenant: 'web', chat: thread, thread, messageId: id, eventId: id, user });

describe('accept', () => {
  it('a platform message to the bot: its watchdog and one event job queued, nothing waited on but the queue', async () => {
    const { runner, counts } = flakyRunner(0);
    const s = await store();
    const accept = createAccept({ runner, deduper: new MemoryDeduper(), store: s });
    expect(await accept(event())).toBe('queued');
    expect(await accept(event())).toBe('duplicate');
    // Slack keeps its own history: the event job stores the message, not the ack path.
    expect(await s.listMessages('slack:D1:1712.0001')).toEqual([]);
    expect((await counts()).inbound).toMatchObject({ waiting: 1, delayed: 1 });
  });

  it('a web chat message is stored with its event before the ack, then queued with its watchdog', async () => {
    const { runner, counts } = flakyRunner(0);
    const s = await store();
    const thread = await s.createThread('emp-a');
    const accept = createAccept({ runner, deduper: new MemoryDeduper(), store: s });
    const web = event({
      platform: 'web',
      tenant: 'web',
      chat: thread,
      thread,
      messageId: 'm1',
      eventId: 'm1',
      user: 'emp-a',
    });
    expect(await accept(web)).toBe('queued');
    const [stored] = await s.listMessages(thread);
    expect(stored).toMatchObject({ id: 'web:m1', author: 'user', text: 'How do I request leave?' });
    expect((await counts()).inbound).toMatchObject({ waiting: 1, delayed: 1 });
  });

  it('a button that could not be queued is refused, and its redelivery is taken, not dropped as a duplicate', async () => {
    const { runner, counts } = flakyRunner(1);
    const accept = createAccept({ runner, deduper: new MemoryDeduper(), store: await store() });
    const click = event({
      kind: 'action',
      eventId: 'EvClick',
      action: { id: 'claim', value: { ticket: 't1' } },
    });
    await expect(accept(click)).rejects.toThrow('queue unavailable');
    expect(await accept(click)).toBe('queued');
    expect((await counts()).inbound.waiting).toBe(1);
  });

  it('a stored web message whose job could not be queued is acked, then queued with its watchdog as soon as the queue takes it', async () => {
    // Three adds fail: the ack's watchdog, then two requeue rounds'.
    const { runner, counts } = flakyRunner(3);
    const { db, store: s } = await shared();
    const thread = await s.createThread('emp-b');
    const errors: unknown[] = [];
    const requeue = createRequeue({ everyMs: 5 });
    const accept = createAccept({
      runner,
      deduper: new MemoryDeduper(),
      store: s,
      requeue,
      onQueueError: (err) => errors.push(err),
    });
    const web = webEvent(thread, 'm3', 'emp-b');
    expect(await accept(web)).toBe('queued');
    expect(errors).toHaveLength(1);
    const [row] = await db.query<{ inbound: InboundEvent }>('SELECT inbound FROM messages WHERE id = $1', [
      'web:m3',
    ]);
    expect(row.inbound).toMatchObject({ eventId: 'm3', chat: thread });
    await waitFor('the requeue', () => requeue.waiting() === 0, 5000);
    expect((await counts()).inbound).toMatchObject({ waiting: 1, delayed: 1 });
    requeue.stop();
  });

  it('the recovery sweep queues again a stored message with no reply outcome, or whose answer never reached delivery; an answered or relayed one it leaves', async () => {
    const { runner } = flakyRunner(100);
    const { db, store: s } = await shared();
    const thread = await s.createThread('emp-c');
    const accept = createAccept({ runner, deduper: new MemoryDeduper(), store: s });
    for (const id of ['m7', 'm8', 'm9', 'm10']) {
      expect(await accept(webEvent(thread, id, 'emp-c'))).toBe('queued');
    }
    const slots = new SqlReplySlots(db);
    const claimedAt = new Date();
    // m8: answered and handed to delivery (its delivery started); m9: the answer took the slot and
    // its job died before the hand-off; m10: relayed to an engineer, no reply of ours expected.
    await slots.claim('web:m8', 'answered', claimedAt);
    await new SqlDeliveryLog({ db }).claimSend({
      key: 'reply:web:m8',
      platform: 'web',
      channel: thread,
    });
    await slots.claim('web:m9', 'ticketed', claimedAt);
    await slots.claim('web:m10', 'relayed', claimedAt);
    const soon = new Date(Date.now() + 1000);
    const mine = (events: { event: InboundEvent }[]) => events.filter((q) => q.event.chat === thread);
    // Younger than minAgeMs: left to its own job, which is probably still running.
    expect(mine(await findUnanswered(db, soon))).toEqual([]);
    expect(mine(await findUnanswered(db, soon, { minAgeMs: 0 })).map((q) => q.event.eventId)).toEqual([
      'm7',
      'm9',
    ]);
    const working = flakyRunner(0);
    await recoverUnanswered(db, working.runner, soon, { minAgeMs: 0 });
    const queuedAgain = working.added
      .filter((j) => j.name === 'event')
      .map((j) => (j.data as { event: InboundEvent }).event.eventId);
    expect(queuedAgain.filter((id) => ['m7', 'm8', 'm9', 'm10'].includes(id))).toEqual(['m7', 'm9']);
  });

  it('a platform message that could not be queued is refused, so the platform redelivers it', async () => {
    const { runner } = flakyRunner(1);
    const accept = createAccept({ runner, deduper: new MemoryDeduper(), store: await store() });
    const message = event({ chat: 'D5', messageId: '1712.0005', eventId: 'Ev5' });
    await expect(accept(message)).rejects.toThrow('queue unavailable');
    expect(await accept(message)).toBe('queued');
  });

  it('a dedupe store that is down does not stop the intake; events are taken as new', async () => {
    const { runner, counts } = flakyRunner(0);
    const down: EventDeduper = {
      seen: async () => Promise.reject(new Error('redis down')),
      remember: async () => Promise.reject(new Error('redis down')),
    };
    const errors: unknown[] = [];
    const accept = createAccept({
      runner,
      deduper: down,
      store: await store(),
      onDedupeError: (err) => errors.push(err),
    });
    expect(await accept(event({ addressed: false, eventId: 'Ev4' }))).toBe('queued');
    expect(errors).toHaveLength(2);
    expect((await counts()).inbound.waiting).toBe(1);
  });

  it('a platform message with a NUL, a control character or a lone surrogate is queued with U+FFFD, so the database never refuses it', async () => {
    const { runner, added } = flakyRunner(0);
    const accept = createAccept({ runner, deduper: new MemoryDeduper(), store: await store() });
    const text = 'leave\u0000 balance\u0007 \ud800? 👍\ttab\nline';
    expect(await accept(event({ chat: 'D6', messageId: '1712.0006', eventId: 'Ev6', text }))).toBe('queued');
    const job = added.find((j) => j.name === 'event') as { data: { event: InboundEvent } } | undefined;
    expect(job?.data.event.text).toBe('leave\ufffd balance\ufffd \ufffd? 👍\ttab\nline');
  });
});
