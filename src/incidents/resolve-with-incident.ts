/**
 * An incident's reports are resolved with it wherever it is resolved (DESIGN §2 flow 8: "the
 * resolution is announced to all of them"): on the incidents page, in the ticket workspace, or by
 * the Resolve button of its triage card in Lark or Slack. Wired as a ticket service listener by the
 * composition root, so every path that resolves the incident's ticket takes this one.
 */
import type { TicketListener } from '../tickets/ticket-service.ts';
import type { IncidentService } from './incident-service.ts';

export function resolveWithIncident(incidents: Pick<IncidentService, 'finishReports'>): TicketListener {
  return async ({ action, ticket }) => {
    // `reporters` counts the linked reports: a lone ticket costs no query.
    if (action === 'resolve' && ticket.parentId === null && ticket.reporters > 1) {
      await incidents.finishReports(ticket);
    }
  };
}
