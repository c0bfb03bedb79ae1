/**
 * Whether a follow-up in a ticket's thread is about another sensitive matter than the ticket
 * (DESIGN §7). Such a message is not the ticket's follow-up: it must neither raise the ticket
 * (re-triage, assistant/turn.ts) nor be relayed into the ticket's triage thread, where everyone of
 * that channel reads it (inbound/event-job.ts → handoff/relay.ts); it gets a ticket of its own.
 * One test for both, so a message withheld from the bridge is never taken as the ticket's raise.
 */
import { sensitivity } from '../tickets/sensitivity.ts';
import type { Ticket } from '../tickets/types.ts';
import type { TriageInput, TriageResult } from '../triage/types.ts';
import { sensitiveTopic } from './sensitive-topic.ts';

export interface FollowUp {
  /** The new message. */
  text: string;
  /** The user messages of the ticket's own part of the thread, oldest first, the new one last. */
  userMessages: string[];
  /** The role of whoever wrote it. */
  role?: string;
}

/**
 * True when the follow-up raises harassment or health, or a sensitive category (payroll, security)
 * other than the ticket's — read both alone and with the ticket's words (a short follow-up alone is
 * easily misread: "now it's everyone"). A ticket that is sensitive already keeps its follow-ups.
 */
export function anotherSensitiveMatter(
  classify: (input: TriageInput) => TriageResult,
  ticket: Pick<Ticket, 'category' | 'sensitive'>,
  followUp: FollowUp,
): boolean {
  if (ticket.sensitive) return false;
  if (sensitiveTopic(followUp.text)) return true;
  const other = (text: string) => {
    const { category } = classify({ text, role: followUp.role });
    return category !== ticket.category && sensitivity(category).sensitive;
  };
  return other(followUp.text) && other(followUp.userMessages.join('\n'));
}
