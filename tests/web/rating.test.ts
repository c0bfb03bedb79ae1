/**
 * "Was it solved?" in the web chat: after an engineer resolves, the employee's rating buttons are
 * button presses (POST /api/chat/actions), not text: a rating closes the ticket with its CSAT, "not
 * solved" reopens it, and nobody else can press them.
 */
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/inbound/ports.ts';
import { makeApp } from './fake-assistant.ts';

const engineerPress = (id: string, ticket: string): InboundEvent => ({
  platform: 'lark',
  tenant: 't1',
  chat: 'oc_triage',
  chatType: 'group',
  messageId: `om_card_${id}`,
  user: 'ou_eng',
  text: '',
  mentions: [],
  addressed: true,
  eventId: `ev_${id}_${Math.random()}`,
  sentAt: Date.now(),
  kind: 'action',
  action: { id, value: { ticket } },
});

async function resolvedTicket() {
  const ctx = await makeApp({ overrides: { roles: { 'lark:ou_eng': 'l2' } } });
  const sent = await ctx.post('/api/chat/messages', { userId: 'emp-a', text: 'my VPN drops every hour' });
  const { threadId } = (await sent.json()) as { threadId: string };
  await ctx.queue.drain();
  const ticket = await ctx.runtime.tickets.open({
    title: 'VPN drops',
    severity: 'P2',
    category: 'device',
    intent: 'incident',
    rationale: 'test',
    requesterId: 'emp-a',
    threadId,
  });
  await ctx.runtime.handoff.handleAction(engineerPress('claim', ticket.id));
  await ctx.runtime.handoff.handleAction(engineerPress('resolve', ticket.id));
  await ctx.queue.drain();
  const prompt = (await ctx.messages(threadId)).messages.find((m) =>
    JSON.stringify(m.buttons ?? []).includes('rate_5'),
  ) as { id: string } | undefined;
  expect(prompt).toBeDefined();
  return { ...ctx, threadId, ticket, promptId: prompt!.id };
}

describe('rating in the web chat', () => {
  it('a rating closes the ticket with its CSAT', async () => {
    const ctx = await resolvedTicket();
    const res = await ctx.post('/api/chat/actions', {
      threadId: ctx.threadId,
      messageId: ctx.promptId,
      action: 'rate_5',
      userId: 'emp-a',
    });
    expect(res.status).toBe(202);
    await ctx.queue.drain();
    expect(await ctx.runtime.tickets.get(ctx.ticket.id)).toMatchObject({ status: 'closed', csat: 5 });
  });

  it('"not solved" reopens it', async () => {
    const ctx = await resolvedTicket();
    await ctx.post('/api/chat/actions', {
      threadId: ctx.threadId,
      messageId: ctx.promptId,
      action: 'not_solved',
    });
    await ctx.queue.drain();
    expect((await ctx.runtime.tickets.get(ctx.ticket.id)).status).not.toBe('resolved');
  });

  it('refuses other users, unknown buttons and bad actions, clearly', async () => {
    const ctx = await resolvedTicket();
    const other = await ctx.post('/api/chat/actions', {
      threadId: ctx.threadId,
      messageId: ctx.promptId,
      action: 'rate_1',
      userId: 'emp-b',
    });
    expect(other.status, await other.clone().text()).toBe(404);
    const bad = await ctx.post('/api/chat/actions', {
      threadId: ctx.threadId,
      messageId: ctx.promptId,
      action: 'claim',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/rate_1/);
    const noButton = await ctx.post('/api/chat/actions', {
      threadId: ctx.threadId,
      messageId: 'web:nope',
      action: 'rate_2',
    });
    expect(noButton.status).toBe(404);
    await ctx.queue.drain();
    expect((await ctx.runtime.tickets.get(ctx.ticket.id)).status).toBe('resolved');
  });
});
