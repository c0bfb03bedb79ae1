/**
 * Handoff as jobs (DESIGN §2 flow 5, §7): when a ticket is opened its card is posted to the triage
 * channel of its category, and whenever it changes (console, SLA, mass incident) the card is
 * updated in place. Both are jobs with deterministic ids, grouped per ticket so the post comes
 * before its updates; a failed post is retried, never lost.
 */
import type { Logger } from 'pino';
import { isHelplineError } from '../errors.ts';
import type { JobRunner } from '../jobs/types.ts';
import { TICKET_CHANGES, type TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';
import type { Handoff } from './actions.ts';
import type { TriageRouting } from './routing.ts';
import type { ThreadLinks } from './thread-links.ts';

const QUEUE = 'inbound';
const POST = 'handoff-post';
const REFRESH = 'handoff-refresh';

interface TicketJob {
  ticketId: string;
}

export interface HandoffJobsDeps {
  handoff: Handoff;
  tickets: TicketService;
  links: ThreadLinks;
  routes: TriageRouting;
  logger: Logger;
}

export function registerHandoffJobs(runner: Pick<JobRunner, 'register'>, deps: HandoffJobsDeps): void {
  runner.register<TicketJob>(QUEUE, POST, async ({ ticketId }) => {
    const ticket = await deps.tickets.get(ticketId);
    // A later report of a known incident has no card of its own: its parent's card counts it.
    if (ticket.parentId || ticket.status === 'new') return;
    if ((await deps.links.byTicket(ticket.id)).triage) return deps.handoff.refreshCard(ticket);
    try {
      await deps.handoff.postToTriage(ticket, deps.routes);
    } catch (err) {
      if (!isHelplineError(err, 'CONFIG_INVALID')) throw err;
      deps.logger.warn({ ticket: ticket.number, category: ticket.category }, err.message);
    }
  });
  runner.register<TicketJob>(QUEUE, REFRESH, async ({ ticketId }) => {
    await deps.handoff.refreshCard(await deps.tickets.get(ticketId));
  });
}

const later = (runner: Pick<JobRunner, 'add'>, name: string, id: string, ticket: Ticket) =>
  runner.add<TicketJob>(QUEUE, { name, id, group: `ticket:${ticket.id}`, data: { ticketId: ticket.id } });

/**
 * The service with its cards kept in step: every opened ticket is posted, every change updates the
 * card (of the parent too, when a report joins an incident). A failure to queue is logged, never
 * turned into a failure of the change itself (the next change or the SLA sweep catches up).
 */
export function withTriageCards(
  tickets: TicketService,
  runner: Pick<JobRunner, 'add'>,
  onError: (err: unknown) => void,
): TicketService {
  const wrapped: TicketService = Object.create(tickets);
  const quietly = async (p: Promise<unknown>) => {
    await p.catch(onError);
  };
  wrapped.open = async (input) => {
    const ticket = await tickets.open(input);
    if (ticket.status !== 'new') await quietly(later(runner, POST, `${POST}:${ticket.id}`, ticket));
    return ticket;
  };
  for (const name of TICKET_CHANGES) {
    const original = tickets[name] as (...args: unknown[]) => Promise<Ticket>;
    (wrapped as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const ticket = await original.apply(tickets, args);
      const card = name === 'linkToParent' && ticket.parentId ? await tickets.get(ticket.parentId) : ticket;
      // A submitted ticket ('new' → waiting_l2) gets its first card now.
      if (name === 'submit') await quietly(later(runner, POST, `${POST}:${card.id}`, card));
      else if (card.status !== 'new')
        await quietly(later(runner, REFRESH, `${REFRESH}:${card.id}:${card.version}`, card));
      return ticket;
    };
  }
  return wrapped;
}
