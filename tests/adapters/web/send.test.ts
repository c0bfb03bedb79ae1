import { expect, it } from 'vitest';
import { WebDeliverer } from '../../../adapters/web/send.ts';
import { PgConversationStore } from '../../../src/conversations/pg-store.ts';
import type { ConversationStore, StoredMessage } from '../../../src/conversations/types.ts';
import { createDeliveryHandler } from '../../../src/delivery/deliver-job.ts';
import { SqlDeliveryLog } from '../../../src/delivery/delivery-log.ts';
import { DeliveryError, isRetryable } from '../../../src/delivery/errors.ts';
import { MemoryRateLimiter } from '../../../src/delivery/rate-limit.ts';
import type { OutboundMessage } from '../../../src/inbound/ports.ts';
import { PermanentFailure } from '../../../src/jobs/types.ts';
import { eachBackend } from '../../store/backends.ts';

const reply = (threadId: string, n = 1): OutboundMessage => ({
  key: `reply:m${n}`,
  platform: 'web',
  channel: threadId,
  body: {
    text: `年假按工龄计算 [1] (${n})`,
    lang: 'zh',
    action: 'answered',
    citations: [{ n: 1, source: 'hr/leave.md', title: '休假制度', heading: '年假' }],
    buttons: [{ action: 'feedback_up', label: '👍' }],
  },
});

function webDelivererSuite(makeStore: () => Promise<ConversationStore>) {
  it('stores the reply as a bot message that subscribers and GET messages see', async () => {
    const store = await makeStore();
    const thread = await store.createThread('u1');
    const seen: StoredMessage[] = [];
    store.subscribe(thread, (m) => seen.push(m));
    const { ref } = await new WebDeliverer({ store }).send(reply(thread));
    const messages = await store.listMessages(thread);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      id: ref,
      author: 'bot',
      text: '年假按工龄计算 [1] (1)',
      citations: [{ n: 1, source: 'hr/leave.md' }],
      buttons: [{ action: 'feedback_up' }],
    });
    expect(messages[0]).not.toHaveProperty('ticket');
    expect(seen.map((m) => m.id)).toEqual([ref]);
  });

  it('is idempotent by key: the same key (even at the same time) stores one message', async () => {
    const store = await makeStore();
    const thread = await store.createThread('u1');
    const web = new WebDeliverer({ store });
    const refs = await Promise.all([
      web.send(reply(thread)),
      web.send(reply(thread)),
      web.send(reply(thread)),
    ]);
    await web.send(reply(thread));
    expect(new Set(refs.map((r) => r.ref)).size).toBe(1);
    expect(await store.listMessages(thread)).toHaveLength(1);
    await web.send(reply(thread, 2));
    expect(await store.listMessages(thread)).toHaveLength(2);
  });

  it('stores one message when another process sends the same key again (a crash before "sent" was recorded)', async () => {
    const store = await makeStore();
    const thread = await store.createThread('u1');
    const first = await new WebDeliverer({ store }).send(reply(thread));
    // A new process knows nothing of the first one's sends.
    const again = await new WebDeliverer({ store }).send(reply(thread));
    expect(again.ref).toBe(first.ref);
    expect(await store.listMessages(thread)).toHaveLength(1);
  });

  it('a thread that does not exist is a permanent failure (404), and is not remembered', async () => {
    const store = await makeStore();
    const web = new WebDeliverer({ store });
    const err = await web.send(reply('no-such-thread')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).status).toBe(404);
    expect(isRetryable(err)).toBe(false);
  });
}

eachBackend('WebDeliverer', (ctx) => {
  webDelivererSuite(async () => new PgConversationStore({ db: await ctx.fresh() }));

  it('through the delivery job: one message per key across workers; a missing thread is dead-lettered', async () => {
    const db = await ctx.fresh();
    const store = new PgConversationStore({ db });
    const thread = await store.createThread('u1');
    const log = new SqlDeliveryLog({ db });
    const job = {
      id: 'deliver:reply:m1',
      queue: 'outbound' as const,
      name: 'deliver',
      attempt: 1,
      final: false,
    };
    // Two processes, each with its own deliverer (no shared memory): the log keeps it to one.
    const workers = [0, 1].map(() =>
      createDeliveryHandler({
        deliverers: { web: new WebDeliverer({ store }) },
        limiter: new MemoryRateLimiter(),
        log,
      }),
    );
    await workers[0](reply(thread), job);
    await workers[1](reply(thread), job);
    expect(await store.listMessages(thread)).toHaveLength(1);
    expect(await log.sentRef('reply:m1')).toBe((await store.listMessages(thread))[0].id);

    const err = await workers[0](reply('gone', 2), { ...job, id: 'deliver:reply:m2' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PermanentFailure);
    expect(await log.listDead()).toMatchObject([{ key: 'reply:m2', platform: 'web', channel: 'gone' }]);
  });
});
