/**
 * Reading one ticket through HTTP (the tickets API and the console), decided by the policy: the
 * caller must be signed in; a ticket they may not read is a 404 for employees (ids do not leak) and
 * a 403 with the reason for staff (src/tickets/readable-ticket.ts); every read of a sensitive ticket
 * by anyone but its requester is written to the ticket's audit log (DESIGN §7) — once per page view:
 * the console sends its page view's id as `x-helpline-view` with every call, background refreshes
 * included, and reads by the same person within a few minutes stand for each other.
 */
import type { Context } from 'hono';
import { principalOf } from '../access/chat-access.ts';
import type { Principal } from '../access/policy.ts';
import { HelplineError } from '../errors.ts';
import { auditRead, readableTicket } from '../tickets/readable-ticket.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';
import { SIGN_IN_HINT } from './authenticate.ts';

/** The request's principal; UNAUTHENTICATED when there is none. */
export function callerOf(c: Context): Principal {
  const p = principalOf(c);
  if (!p) throw new HelplineError('UNAUTHENTICATED', `This needs a sign-in. ${SIGN_IN_HINT}`);
  return p;
}

/** The header a console page names its page view with (one id per page load). */
const VIEW_HEADER = 'x-helpline-view';
const VIEW_ID = /^[A-Za-z0-9-]{8,64}$/;

/** The page view a call is part of, when it names a well-formed one. */
function viewOf(c: Context): string | undefined {
  const view = c.req.header(VIEW_HEADER);
  return view && VIEW_ID.test(view) ? view : undefined;
}

/**
 * The ticket the caller may read (src/tickets/readable-ticket.ts); a read of a sensitive ticket by
 * anyone but its requester is written to the ticket's audit log with the request's path, once per
 * page view and person.
 */
export async function readTicket(
  deps: { tickets: TicketService; now: () => Date },
  c: Context,
  idOrNumber: string,
): Promise<{ p: Principal; ticket: Ticket }> {
  const p = callerOf(c);
  const { ticket, sensitive } = await readableTicket(deps.tickets, p, idOrNumber);
  if (sensitive) await auditRead(deps, ticket, p, `read as ${p.role}`, { path: c.req.path }, viewOf(c));
  return { p, ticket };
}
