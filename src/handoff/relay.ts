/**
 * The bridge (DESIGN §2 flow 5): once a ticket is in triage, its thread in the triage channel and
 * the employee's thread are linked. An engineer's reply reaches the employee through the bot, the
 * employee's reply reaches the engineer; messages starting with `//` are internal notes and stay
 * where they were written. In a claimed thread the assistant stays quiet (status messages aside).
 *
 * Lookup convention: a message's thread is `event.thread`, or the chat itself when it has none
 * (a DM or web conversation without threads), matching how ThreadLinks records such chats. An
 * employee's thread may hold several tickets: a message is the current one's — the newest, while it
 * is not closed (src/tickets/thread-parts.ts) — and only its bridge carries it. A message about
 * another sensitive matter than that ticket's is not carried at all (RelayOptions).
 */

import type { Deliver } from '../delivery/delivery.ts';
import type { InboundEvent } from '../inbound/ports.ts';
import type { Lang } from '../knowledge/types.ts';
import { maskPii } from '../privacy/pii.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';
import { employeeLang } from './actions.ts';
import {
  type ThreadLink,
  type ThreadLinks,
  type ThreadPlatform,
  type ThreadSide,
  threadOf,
} from './thread-links.ts';

export interface RelayDeps {
  tickets: TicketService;
  links: ThreadLinks;
  deliver: Deliver;
  /** Language of the labels in triage threads. @defaultValue the employee's language */
  triageLang?: Lang;
}

export interface RelayResult {
  /** The thread is bridged to a ticket. */
  bridged: boolean;
  side?: ThreadSide;
  ticketId?: string;
  /** The message was passed to the other side. */
  relayed: boolean;
  /** An internal `//` note: kept where it was written. */
  note: boolean;
  /** The assistant must not answer this message (a triage thread, or a claimed ticket). */
  quiet: boolean;
  /**
   * The employee's message is about another matter than the ticket (RelayOptions): not relayed,
   * not taken as the employee's reply, and the assistant answers it (quiet is false).
   */
  withheld?: boolean;
}

export interface RelayOptions {
  /**
   * Whether the employee's message is about another matter than `ticket`, the one its thread is
   * bridged to. Such a message stays out of the ticket's triage thread, which everyone of that
   * channel reads (DESIGN §7): "privately: my manager harasses me" after a laptop ticket is not for
   * the device engineers. The caller decides (src/inbound/sensitive-follow-up.ts).
   */
  aboutAnotherMatter?: (ticket: Ticket) => boolean | Promise<boolean>;
}

export interface Relay {
  relayMessage(event: InboundEvent, options?: RelayOptions): Promise<RelayResult>;
}

export const isInternalNote = (text: string) => text.trimStart().startsWith('//');

const LABEL = {
  en: {
    engineer: 'Engineer',
    employee: 'Employee',
    sensitive: 'Employee: replied (sensitive ticket: read it in the console).',
  },
  zh: { engineer: '工程师', employee: '员工', sensitive: '员工：已回复（敏感工单，内容请在控制台查看）。' },
} as const;

/** Ticket states in which an engineer holds the conversation. */
const held = (t: Ticket) => t.status === 'claimed' || t.status === 'waiting_employee';

export function createRelay(deps: RelayDeps): Relay {
  const { tickets, links, deliver } = deps;
  const none: RelayResult = { bridged: false, relayed: false, note: false, quiet: false };

  /**
   * The bridged ticket the message belongs to, with its link. A triage thread is one ticket's. In an
   * employee's thread it is the thread's newest ticket — not whichever ticket's link was written
   * last — and nothing when that ticket is not bridged there (no card yet, or none for it): an older
   * ticket's engineers never get the words of a newer matter.
   */
  const current = async (event: InboundEvent): Promise<{ link: ThreadLink; ticket: Ticket } | undefined> => {
    const where = {
      platform: event.platform as ThreadPlatform,
      chat: event.chat,
      thread: event.thread ?? event.chat,
    };
    const link = await links.byThread(where.platform, where.chat, where.thread);
    if (!link) return undefined;
    const ticket = await tickets.get(link.ticketId);
    if (link.side === 'triage') return { link, ticket };
    const [newest] = await tickets.list({ threadId: ticket.threadId, limit: 1 });
    if (!newest || newest.id === ticket.id) return { link, ticket };
    const held = (await links.byTicket(newest.id)).employee;
    const here =
      held?.platform === where.platform && held.chat === where.chat && held.thread === where.thread;
    return here ? { link: held, ticket: newest } : undefined;
  };

  return {
    async relayMessage(event, options = {}) {
      if (event.kind !== 'message') return none;
      const found = await current(event);
      if (!found) return none;
      const { link } = found;
      let { ticket } = found;
      const base = { bridged: true, side: link.side, ticketId: ticket.id } as const;
      const note = isInternalNote(event.text);
      // The assistant never talks in triage threads; in the employee's thread only while unclaimed.
      const quietFor = (t: Ticket) => link.side === 'triage' || held(t);
      if (note || !event.text.trim()) {
        return { ...base, relayed: false, note, quiet: quietFor(ticket) };
      }
      // Another matter is not this ticket's: its clocks stay as they are, and the assistant gives
      // the message a ticket of its own.
      if (
        link.side === 'employee' &&
        ticket.status !== 'closed' &&
        (await options.aboutAnotherMatter?.(ticket))
      ) {
        return { ...base, relayed: false, note: false, quiet: false, withheld: true };
      }

      // The employee answered: the resolution clock runs again, whether or not a triage thread exists.
      if (link.side === 'employee' && ticket.status === 'waiting_employee') {
        ticket = await tickets.employeeReplied(ticket.id, event.user);
      }
      const other = (await links.byTicket(ticket.id))[link.side === 'triage' ? 'employee' : 'triage'];
      if (!other || ticket.status === 'closed') {
        return { ...base, relayed: false, note: false, quiet: quietFor(ticket) };
      }

      if (link.side === 'triage') {
        const lang = employeeLang(ticket);
        await deliver({
          key: `relay:${event.eventId}`,
          platform: other.platform,
          channel: other.chat,
          ...threadOf(other),
          body: { text: `${LABEL[lang].engineer}: ${event.text}`, lang, author: 'agent' },
        });
      } else {
        const lang = deps.triageLang ?? employeeLang(ticket);
        // Triage is a channel: personal data is masked there, and a sensitive ticket's details stay
        // in the console (DESIGN §7).
        const text = ticket.sensitive
          ? LABEL[lang].sensitive
          : `${LABEL[lang].employee}: ${maskPii(event.text)}`;
        await deliver({
          key: `relay:${event.eventId}`,
          platform: other.platform,
          channel: other.chat,
          ...threadOf(other),
          body: { text, lang },
        });
      }
      return { ...base, relayed: true, note: false, quiet: quietFor(ticket) };
    },
  };
}
