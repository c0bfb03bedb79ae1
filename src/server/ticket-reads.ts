/**
 * Reading one ticket through HTTP (the tickets API and the console), decided by the policy: the
 * caller must be signed in; a ticket they may not read is a 404 for employees (ids do not leak) and
 * a 403 with the reason for staff; every read of a sensitive ticket by anyone but its requester is
 * written to the ticket's audit log (DESIGN §7).
 */
import type { Context } from 'hono';
import { principalOf } from '../access/chat-access.ts';
import { type Principal, ticketDecision } from '../access/policy.ts';
import { HelplineError, isHelplineError } from '../errors.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';
import { SIGN_IN_HINT } from './authenticate.ts';

/** The request's principal; UNAUTHENTICATED when there is none. */
export function callerOf(c: Context): Principal {
  const p = principalOf(c);
  if (!p) throw new HelplineError('UNAUTHENTICATED', `This needs a sign-in. ${SIGN_IN_HINT}`);
  return p;
}

export async function readTicket(
  deps: { tickets: TicketService; now: () => Date },
  c: Context,
  idOrNumber: string,
): Promise<{ p: Principal; ticket: Ticket }> {
  const p = callerOf(c);
  const ticket = await deps.tickets.get(idOrNumber).catch((err) => {
    if (isHelplineError(err, 'TICKET_NOT_FOUND')) return undefined;
    throw err;
  });
  const decision = ticket ? ticketDecision(p, 'read', ticket) : undefined;
  if (!ticket || !decision?.allowed) {
    if (ticket && p.role !== 'employee' && decision && !decision.allowed) {
      throw new HelplineError('FORBIDDEN', decision.reason);
    }
    throw new HelplineError('TICKET_NOT_FOUND', `There is no ticket ${idOrNumber} that you can see.`);
  }
  if (decision.sensitive) {
    await deps.tickets.store.audit({
      ticketId: ticket.id,
      at: deps.now().toISOString(),
      actor: p.userId,
      action: 'viewed',
      from: null,
      to: null,
      reason: `read as ${p.role}`,
      data: { path: c.req.path },
    });
  }
  return { p, ticket };
}
