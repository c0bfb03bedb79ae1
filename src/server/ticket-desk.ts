/**
 * Tickets and everything that follows them (DESIGN §2 flows 3, 5, 6): the ticket service, its SLA
 * timers, the triage cards and the bridge between the employee's thread and the card's. Built in
 * order and wired with listeners: every stored change re-syncs the ticket's timers, queues its card
 * and is counted; a card once sent gives the bridge its thread; an incident resolved anywhere
 * resolves its reports.
 */
import type { Logger } from 'pino';
import { chatButtonPolicy } from '../access/chat-buttons.ts';
import type { People } from '../access/people.ts';
import type { Config } from '../config/schema.ts';
import type { Delivery } from '../delivery/delivery.ts';
import { cardSent, createHandoff, type Handoff } from '../handoff/actions.ts';
import { registerHandoffJobs, triageCards } from '../handoff/handoff-jobs.ts';
import { createRelay, type Relay } from '../handoff/relay.ts';
import { createSlaNotifier } from '../handoff/sla-notices.ts';
import { ThreadLinks } from '../handoff/thread-links.ts';
import type { ProfileSource } from '../inbound/ports.ts';
import { createIncidentService, type IncidentService } from '../incidents/incident-service.ts';
import { resolveWithIncident } from '../incidents/resolve-with-incident.ts';
import type { Requeue } from '../jobs/requeue.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { Metrics } from '../ops/metrics.ts';
import { withBuiltinCalendars } from '../sla/calendars/builtin.ts';
import { slaOps } from '../sla/ops.ts';
import type { BusinessCalendar, CalendarSet } from '../sla/types.ts';
import { createSlaTimers, type SlaTimers } from '../sla-timers/index.ts';
import type { Database } from '../store/database.ts';
import { queuedListener } from '../tickets/queued-listener.ts';
import { createTicketService, type TicketService } from '../tickets/ticket-service.ts';
import type { Category } from '../triage/types.ts';
import { describeTicket } from './describe-ticket.ts';

export interface TicketDesk {
  tickets: TicketService;
  timers: SlaTimers;
  handoff: Handoff;
  relay: Relay;
  calendars: CalendarSet;
  /** Mass incidents: their reports, updates to every reporter, resolve-all (src/incidents). */
  incidents: IncidentService;
}

export interface TicketDeskDeps {
  config: Config;
  db: Database;
  runner: JobRunner;
  delivery: Delivery;
  metrics: Metrics;
  logger: Logger;
  now: () => Date;
  /** The profile source of each platform, for names and departments on cards. */
  profiles: (platform: string) => ProfileSource | undefined;
  /** Linked identities and configured roles: who may press the chat buttons. */
  people: People;
  /** Runs again, once Redis is back, what a ticket change could not queue (its timers, its card). */
  requeue: Pick<Requeue, 'later'>;
  /** @defaultValue 60000 */
  sweepEveryMs?: number;
}

export function createTicketDesk(deps: TicketDeskDeps): TicketDesk {
  const { config, db, runner, delivery, metrics, logger, now } = deps;
  const calendars = withBuiltinCalendars(config.sla.calendars as unknown as BusinessCalendar[]);
  const sla = slaOps(config.sla.policy, calendars);
  const tickets = createTicketService({
    db,
    now,
    sla,
    onListenerError: (err, change) =>
      logger.warn(
        { err, ticket: change.ticket.number, action: change.action },
        'ticket listener failed; the sweep or the next change catches up',
      ),
  });
  const links = new ThreadLinks(db, now);
  const triageLang = config.handoff.lang;
  const nameOf = async (platform: string, userId: string) =>
    (
      await deps
        .profiles(platform)
        ?.profile(userId)
        .catch(() => undefined)
    )?.name;

  const handoff = createHandoff({
    tickets,
    links,
    deliver: delivery.deliver,
    now,
    triageLang,
    describe: (ticket) => describeTicket(ticket, { profiles: deps.profiles, calendars, triageLang }),
    nameOf,
    authorize: chatButtonPolicy(deps.people),
  });
  const notifyInChat = createSlaNotifier({ links, deliver: delivery.deliver, handoff, triageLang, nameOf });
  const timers = createSlaTimers({
    runner,
    tickets,
    calendars,
    sla,
    now,
    // Logged always; posted to the ticket's triage thread when it has one.
    notify: async (n) => {
      logger.warn(
        { ticketId: n.ticket.id, ticket: n.ticket.number, kind: n.kind, recipient: n.recipient },
        `SLA ${n.kind}`,
      );
      await notifyInChat(n);
    },
    onEvent: (kind, severity) =>
      metrics.slaEvents.inc({ kind: kind === 'warn' ? 'warning' : 'breach', severity }),
    onError: (err, context) => logger.warn({ err }, context),
    sweepEveryMs: deps.sweepEveryMs,
  });
  timers.register();
  registerHandoffJobs(runner, { handoff, tickets, links, routes: config.handoff.routes, logger });

  // Timers and cards are queued work: set aside while the queue is away, run again when it is back.
  const queued = {
    requeue: deps.requeue,
    tickets,
    onRetry: (err: unknown, name: string, change: { ticket: { number: string } }) =>
      logger.warn(
        { err, ticket: change.ticket.number },
        `${name} not queued; queued again when the queue is back`,
      ),
  };
  tickets.onChange(queuedListener(queued, 'sla-timers', ({ ticket }) => timers.afterChange(ticket)));
  tickets.onChange(queuedListener(queued, 'triage-card', triageCards(runner, tickets), { byAction: true }));
  tickets.onChange(({ action, ticket }) => {
    if (action === 'open')
      metrics.tickets.inc({ severity: ticket.severity, category: ticket.category as Category });
  });
  delivery.onSent(cardSent(handoff));
  const incidents = createIncidentService({ tickets, handoff, links, deliver: delivery.deliver, db, now });
  // However an incident's ticket is resolved (its page, the workspace, a card's button), its reports follow.
  tickets.onChange(resolveWithIncident(incidents));

  const relay = createRelay({ tickets, links, deliver: delivery.deliver, triageLang });
  return { tickets, timers, handoff, relay, calendars, incidents };
}
