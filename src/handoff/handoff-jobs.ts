/**
 * Handoff as jobs (DESIGN §2 flow 5, §7): when a ticket is opened its card is posted to the triage
 * channel of its category, and whenever it changes (console, SLA, mass incident) the card is
 * updated in place. Both are jobs with deterministic ids, grouped per ticket so the post comes
 * before its updates; a failed post is retried, never lost.
 */
import type { Logger } from 'pino';
import { isHelplineError } from '../errors.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { TicketListener, TicketService } from '../tickets/ticket-service.ts';
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
  // No route for a category is a setup gap, said once per category, not once per ticket.
  const unrouted = new Set<string>();
  runner.register<TicketJob>(QUEUE, POST, async ({ ticketId }) => {
    const ticket = await deps.tickets.get(ticketId);
    // A later report of a known incident has no card of its own: its parent's card counts it.
    if (ticket.parentId || ticket.status === 'new') return;
    if ((await deps.links.byTicket(ticket.id)).triage) return deps.handoff.refreshCard(ticket);
    try {
      await deps.handoff.postToTriage(ticket, deps.routes);
    } catch (err) {
      if (!isHelplineError(err, 'CONFIG_INVALID')) throw err;
      const first = !unrouted.has(ticket.category);
      unrouted.add(ticket.category);
      deps.logger[first ? 'warn' : 'debug'](
        { ticket: ticket.number, category: ticket.category },
        err.message,
      );
    }
  });
  runner.register<TicketJob>(QUEUE, REFRESH, async ({ ticketId }) => {
    await deps.handoff.refreshCard(await deps.tickets.get(ticketId));
  });
}

const later = (runner: Pick<JobRunner, 'add'>, name: string, id: string, ticket: Ticket) =>
  runner.add<TicketJob>(QUEUE, { name, id, group: `ticket:${ticket.id}`, data: { ticketId: ticket.id } });

/**
 * Keeps cards in step with tickets (a TicketService listener): every opened ticket is posted, every
 * change updates the card (of the parent too, when a report joins an incident). Queueing is all it
 * does; a failure is the service's listener error (logged) and the next change or sweep catches up.
 */
export function triageCards(
  runner: Pick<JobRunner, 'add'>,
  tickets: Pick<TicketService, 'get'>,
): TicketListener {
  return async ({ action, ticket }) => {
    if (action === 'open') {
      if (ticket.status !== 'new') await later(runner, POST, `${POST}:${ticket.id}`, ticket);
      return;
    }
    const card = action === 'linkToParent' && ticket.parentId ? await tickets.get(ticket.parentId) : ticket;
    if (action === 'submit') await later(runner, POST, `${POST}:${card.id}`, card);
    else if (card.status !== 'new')
      await later(runner, REFRESH, `${REFRESH}:${card.id}:${card.version}`, card);
  };
}
