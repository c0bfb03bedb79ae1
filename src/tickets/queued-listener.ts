/**
 * A ticket listener whose work is queueing jobs (SLA timers, triage cards) fails while the queue is
 * away: a Redis restart, or a worker's queue connection still reconnecting after its job connection
 * is back. Wrapped here, it is run again as soon as the queue answers (the requeue's rounds), for the
 * ticket as it is then — not the stale snapshot — so a card is posted and timers are set within a
 * second or two instead of at the next change or sweep. Each listener's work must be idempotent
 * (deterministic job ids), which both are.
 */
import type { Requeue } from '../jobs/requeue.ts';
import type { TicketChange, TicketListener, TicketService } from './ticket-service.ts';

export interface QueuedListenerDeps {
  requeue: Pick<Requeue, 'later'>;
  tickets: Pick<TicketService, 'store'>;
  /** Told of each failure that was put aside to run again. */
  onRetry?: (err: unknown, name: string, change: TicketChange) => void;
}

/**
 * `listener`, run again once the queue is back when it fails. Retries are keyed by `name` and ticket
 * (one waits per ticket, however often it changed: it re-reads the ticket), or with `byAction` also
 * by the change's action, for a listener that does different work per action (triage cards: post,
 * refresh, refresh the parent).
 */
export function queuedListener(
  deps: QueuedListenerDeps,
  name: string,
  listener: (change: TicketChange) => unknown,
  { byAction = false }: { byAction?: boolean } = {},
): TicketListener {
  return async (change) => {
    try {
      await listener(change);
    } catch (err) {
      deps.onRetry?.(err, name, change);
      const key = byAction ? `${name}:${change.action}:${change.ticket.id}` : `${name}:${change.ticket.id}`;
      deps.requeue.later(key, async () => {
        const latest = await deps.tickets.store.get(change.ticket.id);
        if (latest) await listener({ action: change.action, ticket: latest });
      });
    }
  };
}
