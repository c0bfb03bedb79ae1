/**
 * Linking a ticket to a mass incident and taking it off again, from the ticket's workspace (issue 14):
 * a linked report raises its incident's severity by reporters and by its own reading, and its
 * reporter is told the problem is known; an unlinked report that waited on its incident joins the L2
 * queue. Decided by the policy (linkDecision), applied through the ticket service.
 */
import { incidentDecision, linkDecision, type Principal, ticketDecision } from '../access/policy.ts';
import { knownIncidentText } from '../assistant/ticket-replies.ts';
import { HelplineError } from '../errors.ts';
import { employeeLang, type Handoff } from '../handoff/actions.ts';
import type { OutboundBody } from '../inbound/ports.ts';
import type { Database } from '../store/database.ts';
import { isOpen } from '../tickets/lifecycle.ts';
import { findTicket, readableTicket } from '../tickets/readable-ticket.ts';
import { HELPLINE_ACTOR } from '../tickets/retriage.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';
import { INCIDENT_LIST_LIMIT, incidentParents, noIncident } from './incident-reads.ts';
import { INCIDENT_TEXTS } from './incident-texts.ts';
import { severityForReporters } from './mass-incident.ts';

export interface IncidentLinksDeps {
  tickets: TicketService;
  handoff: Pick<Handoff, 'refreshCard'>;
  db: Database;
  /** Tells a ticket's employee on their own channel. */
  tell: (ticket: Ticket, key: string, body: OutboundBody) => Promise<void>;
}

export function createIncidentLinks(deps: IncidentLinksDeps) {
  const { tickets, tell } = deps;
  const find = (idOrNumber: string) => findTicket(tickets, idOrNumber);
  return {
    /** Links a ticket to an open incident (the incident's severity rises with its reporters). */
    async link(p: Principal, ticketIdOrNumber: string, incidentIdOrNumber: string) {
      const { ticket: report } = await readableTicket(tickets, p, ticketIdOrNumber);
      const target = await find(incidentIdOrNumber);
      if (!target) throw noIncident(incidentIdOrNumber);
      if (target.id === report.id) {
        throw new HelplineError(
          'BAD_REQUEST',
          `${report.number} cannot be linked to itself; name the incident it is a report of.`,
        );
      }
      const decision = linkDecision(p, report, target);
      if (!decision.allowed) throw new HelplineError('FORBIDDEN', decision.reason);
      const linked = await tickets.linkToParent(report.id, target.id, p.userId);
      let incident = await tickets.get(target.id);
      const raised = severityForReporters(incident.severity, incident.reporters);
      if (raised.reason) {
        incident = await tickets.overrideSeverity(
          incident.id,
          HELPLINE_ACTOR,
          raised.severity,
          raised.reason,
        );
      }
      // As when the bot links a report: a report that reads more severe raises the incident, never lowers it.
      incident = await tickets.raiseSeverity(
        incident.id,
        HELPLINE_ACTOR,
        linked.severity,
        `Linked report ${linked.number} reads ${linked.severity}. ${linked.rationale}`,
      );
      await deps.handoff.refreshCard(linked);
      await deps.handoff.refreshCard(incident);
      await tell(linked, `status:${linked.id}:${linked.version}`, {
        text: knownIncidentText(incident, employeeLang(linked)),
        lang: employeeLang(linked),
      });
      return { ticket: linked, incident };
    },

    /** Takes a ticket off its incident; a report that waited on the incident joins the L2 queue. */
    async unlink(p: Principal, ticketIdOrNumber: string, reason?: string) {
      const { ticket: report } = await readableTicket(tickets, p, ticketIdOrNumber);
      if (!report.parentId) {
        throw new HelplineError(
          'BAD_REQUEST',
          `${report.number} is not linked to an incident; there is nothing to unlink.`,
        );
      }
      const incident = await tickets.get(report.parentId);
      const decision = linkDecision(p, report, incident);
      if (!decision.allowed) throw new HelplineError('FORBIDDEN', decision.reason);
      let ticket = await tickets.unlinkFromParent(report.id, p.userId, reason);
      // An automatically linked report never entered the queue; on its own it must.
      if (ticket.status === 'new') ticket = await tickets.submit(ticket.id, p.userId);
      await deps.handoff.refreshCard(await tickets.get(incident.id));
      const lang = employeeLang(ticket);
      await tell(ticket, `status:${ticket.id}:${ticket.version}`, {
        text: INCIDENT_TEXTS[lang].unlinked(ticket.number),
        lang,
      });
      return { ticket, incident };
    },

    /**
     * For a ticket's workspace: the incident it belongs to (or that it is), and the open incidents
     * it could join — those with reports, and open incident reports of its category.
     */
    async ofTicket(p: Principal, idOrNumber: string) {
      const { ticket } = await readableTicket(tickets, p, idOrNumber);
      const parent = ticket.parentId ? await find(ticket.parentId) : undefined;
      const staff = incidentDecision(p, 'list').allowed;
      if (!staff) return { ticket, parent, candidates: [] as Ticket[], canLink: false };
      const open = (t: Ticket) =>
        isOpen(t.status) && t.id !== ticket.id && !t.parentId && incidentDecision(p, 'read', t).allowed;
      const withReports = (await incidentParents(deps.db, INCIDENT_LIST_LIMIT)).filter(open);
      const sameKind = (await tickets.list({ category: ticket.category, open: true, limit: 50 })).filter(
        (t) => open(t) && t.intent === 'incident' && !withReports.some((w) => w.id === t.id),
      );
      return {
        ticket,
        parent,
        candidates: [...withReports, ...sameKind],
        canLink: ticketDecision(p, 'work', ticket).allowed && ticket.reporters === 1,
      };
    },
  };
}
