/**
 * Whether an employee's message in a bridged thread is about another sensitive matter than the
 * ticket the thread is bridged to: the re-triage's own test (src/assistant/sensitive-matter.ts),
 * weighed on the ticket's own part of the thread (src/tickets/thread-parts.ts) and this message.
 * Such a message is withheld from the ticket's triage thread (src/handoff/relay.ts), and the
 * assistant, whose re-triage declines it by the same test, opens its own ticket.
 */
import { anotherSensitiveMatter } from '../assistant/sensitive-matter.ts';
import type { ConversationStore } from '../conversations/types.ts';
import { ticketConversation } from '../tickets/thread-parts.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';
import type { TriageInput, TriageResult } from '../triage/types.ts';
import type { InboundEvent } from './ports.ts';
import { messageKey, userKey } from './thread-ids.ts';

export interface SensitiveFollowUpDeps {
  store: Pick<ConversationStore, 'listMessages'>;
  tickets: Pick<TicketService, 'list'>;
  classify: (input: TriageInput) => TriageResult;
  roleOf: (userKey: string) => Promise<string | undefined> | string | undefined;
}

export async function aboutAnotherSensitiveMatter(
  deps: SensitiveFollowUpDeps,
  event: InboundEvent,
  text: string,
  ticket: Ticket,
): Promise<boolean> {
  // The message itself is usually stored already (it is then the part's last line): listed once.
  const id = messageKey(event);
  const part = await ticketConversation(deps, ticket);
  const userMessages = part.filter((m) => m.author === 'user' && m.id !== id).map((m) => m.text);
  const role = await deps.roleOf(userKey(event));
  return anotherSensitiveMatter(deps.classify, ticket, { text, userMessages: [...userMessages, text], role });
}
