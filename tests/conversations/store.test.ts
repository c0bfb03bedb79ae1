import { expect, it } from 'vitest';
import { PgConversationStore } from '../../src/conversations/pg-store.ts';
import { eachBackend } from '../store/backends.ts';
import { conversationStoreContract } from './store.contract.ts';

eachBackend('ConversationStore contract', (ctx) => {
  conversationStoreContract(
    async (options) => new PgConversationStore({ db: await ctx.fresh(), ...options }),
  );

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
