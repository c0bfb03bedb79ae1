import { expect, it } from 'vitest';
import { MESSAGES_CHANNEL, pgMessageFeed } from '../../src/conversations/message-feed.ts';
import { PgConversationStore } from '../../src/conversations/pg-store.ts';
import type { StoredMessage } from '../../src/conversations/types.ts';
import type { Database } from '../../src/store/database.ts';
import type { PostgresDatabase } from '../../src/store/postgres.ts';
import { sleep, waitFor } from '../jobs/wait.ts';
import { eachBackend, onPostgres } from '../store/backends.ts';
import { conversationStoreContract } from './store.contract.ts';

eachBackend('ConversationStore contract', (ctx) => {
  conversationStoreContract(
    async (options) => new PgConversationStore({ db: await ctx.fresh(), ...options }),
  );

  it("remembers a thread's owner once read: a chat request checks it without the database", async () => {
    const db = await ctx.fresh();
    const reads: string[] = [];
    const counting: Database = {
      ...db,
      kind: db.kind,
      query: (sql, params) => {
        if (sql.includes('FROM conversations')) reads.push(sql);
        return db.query(sql, params);
      },
      exec: (sql) => db.exec(sql),
      transaction: (fn) => db.transaction(fn),
      close: () => db.close(),
    };
    const store = new PgConversationStore({ db: counting });
    const t = await store.createThread('u1');
    const made = await store.getThread(t);
    await db.exec("INSERT INTO conversations (id, user_id, created_at) VALUES ('other', 'u2', now())");
    const other = await store.getThread('other');
    const urgentTwin = store.over(counting);
    expect(await urgentTwin.getThread(t)).toEqual(made);
    expect(await urgentTwin.getThread('other')).toEqual(other);
    expect(await store.getThread('other')).toEqual(other);
    expect(made).toEqual(
      (
        await db.query(
          'SELECT id, user_id AS "userId", created_at AS "createdAt" FROM conversations WHERE id = $1',
          [t],
        )
      )[0],
    );
    expect(reads.filter((sql) => sql.startsWith('SELECT')).length).toBe(1); // 'other', once
    expect(await store.getThread('missing')).toBeUndefined();
    expect(await store.getThread('missing')).toBeUndefined();
    expect(reads.filter((sql) => sql.startsWith('SELECT')).length).toBe(3); // an unknown thread is asked each time
  });

  it('persists: another store (another process) on the same database sees threads and messages', async () => {
    const db = await ctx.fresh();
    const writer = new PgConversationStore({ db });
    const t = await writer.createThread('u1');
    await writer.addMessage(t, {
      author: 'bot',
      text: 'ticket opened',
      ticket: {
        id: 'b3f1c1de-0000-4000-8000-000000000001',
        number: 'HL-1001',
        severity: 'P1',
        category: 'attendance',
        status: 'waiting_l2',
      },
    });
    const reader = new PgConversationStore({ db: await ctx.sibling(db) });
    expect(await reader.getThread(t)).toMatchObject({ id: t, userId: 'u1' });
    expect((await reader.listMessages(t))[0].ticket?.number).toBe('HL-1001');
    // The ticket reference is also a column, to find the messages about a ticket.
    expect(await db.query('SELECT ticket_id FROM messages')).toEqual([
      { ticket_id: 'b3f1c1de-0000-4000-8000-000000000001' },
    ]);
    expect(await db.query('SELECT platform FROM conversations')).toEqual([{ platform: 'web' }]);
  });
});

/** Two processes on one PostgreSQL: what one stores reaches the other's subscribers (LISTEN/NOTIFY). */
onPostgres('ConversationStore live feed across processes', (ctx) => {
  const feedStore = async (db: Database) =>
    new PgConversationStore({ db, feed: pgMessageFeed(db as PostgresDatabase) });

  it('a message stored by one process reaches the other process’s subscriber, once, within 3 s', async () => {
    const dbA = await ctx.fresh();
    const a = await feedStore(dbA);
    const b = await feedStore(await ctx.sibling(dbA));
    const thread = await a.createThread('u1');
    const heardOnB: StoredMessage[] = [];
    const heardOnA: StoredMessage[] = [];
    b.subscribe(thread, (m) => heardOnB.push(m));
    a.subscribe(thread, (m) => heardOnA.push(m));
    // The feed listens from the first subscription: a probe each way shows both are listening.
    await a.addMessage(thread, { author: 'user', text: 'probe a' });
    await b.addMessage(thread, { author: 'user', text: 'probe b' });
    await waitFor('both listening', () => heardOnA.length >= 2 && heardOnB.length >= 2, 5000);
    await sleep(100);
    heardOnB.length = 0;
    heardOnA.length = 0;
    const started = Date.now();
    const stored = await a.addMessage(thread, { author: 'bot', text: 'answer' });
    await waitFor('the reply on the other process', async () => heardOnB.length > 0, 3000);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(heardOnB).toEqual([stored]);
    await sleep(200);
    // The writer's own subscriber hears it once (directly, not again through the feed).
    expect(heardOnA).toEqual([stored]);
    expect(heardOnB).toHaveLength(1);
  });

  it('the notice travels in the statement that stores the message: a writer killed right after its commit is still heard', async () => {
    const dbA = await ctx.fresh();
    const b = await feedStore(await ctx.sibling(dbA));
    // Process A stores one message, then dies: every later statement of its fails.
    let dead = false;
    const dying = new Proxy(dbA, {
      get(target, key, receiver) {
        if (key !== 'query') return Reflect.get(target, key, receiver);
        return async (sql: string, params?: unknown[]) => {
          if (dead) throw new Error('the process was killed');
          const rows = await target.query(sql, params);
          if (/INSERT INTO messages/.test(sql)) dead = true;
          return rows;
        };
      },
    });
    const a = await feedStore(dying);
    const thread = await b.createThread('u1');
    const heard: string[] = [];
    b.subscribe(thread, (m) => heard.push(m.text));
    await b.addMessage(thread, { author: 'user', text: 'question' });
    await sleep(300); // b's feed is listening (its own messages do not come back through it)
    await a.addMessage(thread, { author: 'bot', text: 'answer' });
    await waitFor('the answer on the other process', () => heard.includes('answer'), 3000);
  });

  it('after the listening connection is cut, the subscriber gets what it missed (replayed) and new messages', async () => {
    const dbA = await ctx.fresh();
    const a = await feedStore(dbA);
    const dbB = await ctx.sibling(dbA);
    const b = await feedStore(dbB);
    const thread = await a.createThread('u1');
    const heard = new Set<string>();
    b.subscribe(thread, (m) => heard.add(m.text));
    await a.addMessage(thread, { author: 'user', text: 'probe' });
    await waitFor('listening', () => heard.has('probe'), 5000);
    // Kill the listening backends, as a PostgreSQL restart or a network cut would (any other
    // process listening on this database reconnects and replays too: harmless).
    await dbA.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE query = 'LISTEN ${MESSAGES_CHANNEL}' AND datname = current_database()`,
    );
    await a.addMessage(thread, { author: 'bot', text: 'while cut' });
    await waitFor('the missed message replayed', async () => heard.has('while cut'), 5000);
    await a.addMessage(thread, { author: 'bot', text: 'after' });
    await waitFor('live again', async () => heard.has('after'), 3000);
  });
});
