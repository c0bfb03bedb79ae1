/**
 * Which part of a conversation belongs to which ticket. One employee thread can hold several
 * tickets ("my laptop won't start", then "privately: my manager harasses me"), and each ticket's
 * transcript — the console's conversation, the words the card and the workspace quote, the text a
 * re-triage weighs, a KB draft — must hold only its own part: a message of another ticket, above
 * all a sensitive one, must never show under a ticket someone else may read (DESIGN §7).
 *
 * A ticket's part starts at the message that opened it and runs through the follow-ups while it is
 * the thread's latest ticket — up to the message that opened the next ticket of the thread, or until
 * it was closed. Messages before its opening message that no other ticket holds (the question
 * before "talk to a human") are its lead-in, at most LEAD_IN of them. Every message belongs to at
 * most one part (tickets opened by the very same message share it); messages after a closed
 * ticket that opened nothing are nobody's.
 *
 * The opening message is the one whose id the ticket's transcript recorded (assistant/turn.ts);
 * for tickets stored before that, the thread message with the text of the transcript's last user
 * line, else the message the bot's announcement of the ticket answered, else the last user message
 * before the ticket was made. Where nothing places a ticket (no times known), it is taken to begin
 * before every message given: a ticket whose start is unknown hides the lines, never shows them.
 */
import type { ConversationStore, StoredMessage } from '../conversations/types.ts';
import { isHelplineError } from '../errors.ts';
import type { TicketService } from './ticket-service.ts';
import type { Ticket, TranscriptLine } from './types.ts';

/** Lead-in messages at most: with the opening message, the 20 lines a ticket's transcript is made of. */
export const LEAD_IN = 19;

/** A thread message as the partition reads it (a stored message or a transcript line). */
export interface ThreadLine {
  id?: string;
  author: TranscriptLine['author'];
  text: string;
  /** ISO time it was stored. */
  at?: string;
  /** The ticket a bot message announces. */
  ticketId?: string;
}

/** What the partition needs of a ticket. */
export interface TicketMark {
  id: string;
  createdAt: string;
  closedAt: string | null;
  /** Id of the message that opened it, where recorded. */
  openedBy?: string;
  /** The words that opened it (the transcript's last user line), for tickets stored without the id. */
  openedWith?: string;
}

export const markOf = (t: Pick<Ticket, 'id' | 'createdAt' | 'closedAt' | 'transcript'>): TicketMark => {
  const opening = t.transcript.findLast((l) => l.author === 'user');
  return {
    id: t.id,
    createdAt: t.createdAt,
    closedAt: t.closedAt,
    ...(opening?.id ? { openedBy: opening.id } : {}),
    ...(opening?.text ? { openedWith: opening.text } : {}),
  };
};

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/** Index of the message that opened `t`; -1 when it began before every line given. */
function startOf(lines: readonly ThreadLine[], t: TicketMark): number {
  if (t.openedBy) {
    const i = lines.findIndex((l) => l.id === t.openedBy);
    if (i >= 0) return i;
  }
  const made = time(t.createdAt);
  const before = (l: ThreadLine) => time(l.at) <= made;
  if (t.openedWith !== undefined) {
    const i = lines.findLastIndex((l) => l.author === 'user' && l.text === t.openedWith && before(l));
    if (i >= 0) return i;
  }
  const announced = lines.findIndex((l) => l.author === 'bot' && l.ticketId === t.id);
  if (announced >= 0) {
    const asked = lines.findLastIndex((l, i) => i < announced && l.author === 'user');
    return asked >= 0 ? asked : announced;
  }
  if (!Number.isFinite(made) || !lines.some(before)) return -1;
  const asked = lines.findLastIndex((l) => l.author === 'user' && before(l));
  return asked >= 0 ? asked : lines.findLastIndex(before);
}

/** Index of the first line after `t` was closed; lines.length while it is not. Unknown times are not after. */
function closeOf(lines: readonly ThreadLine[], t: TicketMark): number {
  if (!t.closedAt) return lines.length;
  const closed = time(t.closedAt);
  const i = lines.findIndex((l) => time(l.at) > closed);
  return i >= 0 ? i : lines.length;
}

/** For each line (oldest first), the ids of the tickets whose part it is; empty for none. */
export function threadOwners(
  lines: readonly ThreadLine[],
  tickets: readonly TicketMark[],
  options: { leadIn?: number } = {},
): string[][] {
  const leadIn = options.leadIn ?? LEAD_IN;
  const owners: string[][] = lines.map(() => []);
  const placed = tickets
    .map((t) => ({ t, start: startOf(lines, t) }))
    .sort((a, b) => a.start - b.start || time(a.t.createdAt) - time(b.t.createdAt));
  let previousEnd = 0;
  for (let g = 0; g < placed.length; ) {
    // Tickets opened by the same message share their part.
    const start = placed[g].start;
    let next = g;
    while (next < placed.length && placed[next].start === start) next++;
    const nextStart = next < placed.length ? placed[next].start : lines.length;
    const from = Math.max(start, 0);
    let groupEnd = from;
    for (const { t } of placed.slice(g, next)) {
      const end = Math.min(nextStart, closeOf(lines, t));
      const first = start > previousEnd ? Math.max(previousEnd, start - leadIn) : from;
      for (let i = first; i < end; i++) owners[i].push(t.id);
      groupEnd = Math.max(groupEnd, end);
    }
    previousEnd = Math.max(previousEnd, groupEnd);
    g = next;
  }
  return owners;
}

/** The lines of `lines` that are `ticketId`'s part, given every ticket of the thread. */
export function ticketPart<L extends ThreadLine>(
  lines: readonly L[],
  tickets: readonly TicketMark[],
  ticketId: string,
): L[] {
  const owners = threadOwners(lines, tickets);
  return lines.filter((_, i) => owners[i].includes(ticketId));
}

/** A stored message as a partition line. */
export const lineOf = (m: StoredMessage): ThreadLine => ({
  id: m.id,
  author: m.author,
  text: m.text,
  at: m.createdAt,
  ...(m.ticket?.id ? { ticketId: m.ticket.id } : {}),
});

/** The most tickets one thread is read with; a thread with more is far beyond any real one. */
const THREAD_TICKETS = 1000;

/** The messages of `ticket`'s thread that are its part, oldest first (none when the thread is gone). */
export async function ticketConversation(
  deps: { store: Pick<ConversationStore, 'listMessages'>; tickets: Pick<TicketService, 'list'> },
  ticket: Ticket,
): Promise<StoredMessage[]> {
  const [messages, siblings] = await Promise.all([
    deps.store.listMessages(ticket.threadId).catch((err) => {
      if (isHelplineError(err, 'NOT_FOUND')) return [];
      throw err;
    }),
    deps.tickets.list({ threadId: ticket.threadId, limit: THREAD_TICKETS }),
  ]);
  const marks = siblings.some((t) => t.id === ticket.id)
    ? siblings.map(markOf)
    : [...siblings.map(markOf), markOf(ticket)];
  const owners = threadOwners(messages.map(lineOf), marks);
  return messages.filter((_, i) => owners[i].includes(ticket.id));
}
