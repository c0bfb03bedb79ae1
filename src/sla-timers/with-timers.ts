/**
 * The ticket service with SLA timers kept in step: every call that changes a ticket re-syncs that
 * ticket's timers before it returns. A sync that fails (Redis unreachable) does not fail the change,
 * which is already stored: it is reported, and the next sweep rebuilds the timers from the database.
 */
import { TICKET_CHANGES, type TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';

/** Service calls that change a ticket (and so may move, stop or start its clocks). */
const CHANGES = ['open', ...TICKET_CHANGES] as const;

export function withSlaTimers(
  service: TicketService,
  timers: { afterChange(ticket: Ticket): Promise<unknown> },
  onError: (err: unknown, context: string) => void = (err, context) =>
    console.error(`[helpline] SLA timers: ${context}:`, err),
): TicketService {
  const wrapped: TicketService = Object.create(service);
  for (const name of CHANGES) {
    const call = service[name] as (...args: unknown[]) => Promise<Ticket>;
    (wrapped as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const ticket = await call.apply(service, args);
      try {
        await timers.afterChange(ticket);
      } catch (err) {
        onError(err, `timers of ${ticket.number} not re-synced (the next sweep will)`);
      }
      return ticket;
    };
  }
  return wrapped;
}
