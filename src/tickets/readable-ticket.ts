/**
 * One ticket as a principal may read it, decided by the policy: the ticket API, the console and the
 * incidents all read through here. A ticket the caller may not read is TICKET_NOT_FOUND for an
 * employee (which numbers exist does not leak) and FORBIDDEN with the policy's reason for staff.
 * A sensitive read is written to the ticket's audit log by the caller, through auditRead: once per
 * page view and person, not once per call.
 */
import { type Principal, ticketDecision } from '../access/policy.ts';
import { HelplineError, isHelplineError } from '../errors.ts';
import type { TicketService } from './ticket-service.ts';
import type { Ticket } from './types.ts';

/** The ticket by id or number, or undefined where there is none. */
export function findTicket(
  tickets: Pick<TicketService, 'get'>,
  idOrNumber: string,
): Promise<Ticket | undefined> {
  return tickets.get(idOrNumber).catch((err) => {
    if (isHelplineError(err, 'TICKET_NOT_FOUND')) return undefined;
    throw err;
  });
}

/**
 * The ticket `p` may read, and whether the read is of a sensitive ticket by someone other than its
 * requester (DESIGN §7: the caller writes that to the ticket's audit log).
 */
export async function readableTicket(
  tickets: Pick<TicketService, 'get'>,
  p: Principal,
  idOrNumber: string,
): Promise<{ ticket: Ticket; sensitive: boolean }> {
  const ticket = await findTicket(tickets, idOrNumber);
  const decision = ticket && ticketDecision(p, 'read', ticket);
  if (ticket && decision?.allowed) return { ticket, sensitive: decision.sensitive };
  if (decision && !decision.allowed && p.role !== 'employee') {
    throw new HelplineError('FORBIDDEN', decision.reason);
  }
  throw new HelplineError(
    'TICKET_NOT_FOUND',
    `There is no ticket ${idOrNumber.slice(0, 40)} that you can see.`,
  );
}

/**
 * How long a person's read of a sensitive ticket stands for their next reads of it: the page that
 * shows a ticket reads it in several calls and again at every change, and an audit log with a row
 * per call buries the reads that matter. @defaultValue 5 min
 */
export const REPEAT_VIEW_MS = 5 * 60_000;

/**
 * A read of a sensitive ticket, written to its audit log (DESIGN §7) with `reason` and `data` — but
 * not again for the same page view (`view`: the id the console page sends with every call it makes,
 * its background refreshes included), nor within REPEAT_VIEW_MS of the same person's last recorded
 * read of it. True when it was written.
 */
export async function auditRead(
  deps: { tickets: Pick<TicketService, 'store'>; now: () => Date },
  ticket: Ticket,
  p: Principal,
  reason: string,
  data: Record<string, unknown>,
  view?: string,
): Promise<boolean> {
  const now = deps.now();
  return deps.tickets.store.auditView(
    {
      ticketId: ticket.id,
      at: now.toISOString(),
      actor: p.userId,
      action: 'viewed',
      from: null,
      to: null,
      reason,
      data,
    },
    { since: new Date(now.getTime() - REPEAT_VIEW_MS), view },
  );
}
