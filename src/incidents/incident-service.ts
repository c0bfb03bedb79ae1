/**
 * Mass incidents for engineers (DESIGN §2 flow 8, issue 14): the incidents and their reporters, an
 * update typed once and delivered to every reporter on their own channel, resolving an incident with
 * all its reports (each reporter told, with the usual rating prompt); linking a ticket to an
 * incident or taking it off is in incident-links.ts. Every call is decided by the policy (src/access/policy.ts) and applied
 * through the ticket service, the triage card refresh and delivery the chat buttons use.
 *
 * Idempotency: an update is recorded once per (incident, key) and delivered under
 * `incident-update:<update id>:<ticket id>`, so a retried post never reaches anyone twice; a report's
 * resolution under `incident-resolved:<incident id>:<report id>:<its resolved at>`, so it is told once
 * however many passes resolve the reports (finishReports, run by the ticket service's listener
 * wherever the incident is resolved); other status messages use `status:<ticket id>:<version>`.
 * Concurrency: of two engineers resolving one incident, one wins and the other gets CONFLICT naming
 * who resolved it; a page that names the version it read also gets CONFLICT if the incident changed.
 */
import { randomUUID } from 'node:crypto';
import { incidentDecision, type Principal, ticketDecision } from '../access/policy.ts';
import type { Deliver } from '../delivery/delivery.ts';
import { HelplineError, isHelplineError } from '../errors.ts';
import { employeeLang, type Handoff, ratingButtons } from '../handoff/actions.ts';
import { type ThreadLinks, threadOf } from '../handoff/thread-links.ts';
import type { OutboundBody } from '../inbound/ports.ts';
import { parseConversationId } from '../inbound/thread-ids.ts';
import { maskPii } from '../privacy/pii.ts';
import type { Database } from '../store/database.ts';
import { CLAIMABLE_STATUSES, isOpen } from '../tickets/lifecycle.ts';
import { auditRead, findTicket } from '../tickets/readable-ticket.ts';
import { HELPLINE_ACTOR } from '../tickets/retriage.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import { requiredText, shortText } from '../tickets/typed-text.ts';
import type { NewTicketEvent, Ticket } from '../tickets/types.ts';
import { createIncidentLinks } from './incident-links.ts';
import { INCIDENT_LIST_LIMIT, incidentParents, noIncident } from './incident-reads.ts';
import { INCIDENT_TEXTS } from './incident-texts.ts';
import { type IncidentUpdate, IncidentUpdates } from './incident-updates.ts';

export interface IncidentServiceDeps {
  tickets: TicketService;
  handoff: Pick<Handoff, 'refreshCard'>;
  links: ThreadLinks;
  deliver: Deliver;
  db: Database;
  now: () => Date;
}

/** An incident (a root ticket) and the reports linked to it, oldest first. */
export interface Incident {
  incident: Ticket;
  reports: Ticket[];
}

export interface IncidentDetail extends Incident {
  /** Updates posted to the reporters, newest first. */
  updates: IncidentUpdate[];
}

export interface ResolveInput {
  note?: string;
  /** The incident's version the engineer read: CONFLICT if it changed since. */
  version?: number;
}

export function createIncidentService(deps: IncidentServiceDeps) {
  const { tickets, links, deliver } = deps;
  const updates = new IncidentUpdates(deps.db);

  const find = (idOrNumber: string) => findTicket(tickets, idOrNumber);

  const audit = (ticket: Ticket, p: Principal, reason: string) =>
    auditRead(deps, ticket, p, reason, { via: 'incidents' });

  /** The incident, if the policy lets `p` do `action` on it; a report points at its incident. */
  const requireIncident = async (p: Principal, idOrNumber: string, action: 'read' | 'work') => {
    // Employees are refused before the lookup, so they learn nothing of which numbers exist.
    const staff = incidentDecision(p, 'list');
    if (!staff.allowed) throw new HelplineError('FORBIDDEN', staff.reason);
    const incident = await find(idOrNumber);
    if (!incident) throw noIncident(idOrNumber);
    const decision = incidentDecision(p, action, incident);
    if (!decision.allowed) throw new HelplineError('FORBIDDEN', decision.reason);
    if (incident.parentId) {
      const parent = await find(incident.parentId);
      throw new HelplineError(
        'NOT_FOUND',
        `${incident.number} is a report linked to incident ${parent?.number ?? incident.parentId}; open that one.`,
        { details: { parent: parent?.number } },
      );
    }
    return { incident, sensitive: decision.sensitive };
  };

  const reportsOf = (incident: Ticket) =>
    tickets.list({ parentId: incident.id, order: 'oldest', limit: 1000 });

  const employeeThread = async (ticket: Ticket) =>
    (await links.byTicket(ticket.id)).employee ?? parseConversationId(ticket.threadId);

  const tell = async (ticket: Ticket, key: string, body: OutboundBody) => {
    const where = await employeeThread(ticket);
    if (!where) return;
    await deliver({ key, platform: where.platform, channel: where.chat, thread: where.thread, body });
  };

  const toTriage = async (ticket: Ticket, key: string, text: string) => {
    const { triage } = await links.byTicket(ticket.id);
    if (!triage) return;
    await deliver({
      key,
      platform: triage.platform,
      channel: triage.chat,
      ...threadOf(triage),
      body: { text },
    });
  };

  /** Resolves the incident's own ticket and tells its reporter; undefined if someone else got there first. */
  const resolveOwn = async (incident: Ticket, p: Principal, note?: string) => {
    let resolved: Ticket;
    try {
      // The ticket service's listener (resolveWithIncident) resolves the reports before this returns.
      resolved = await tickets.resolve(incident.id, p.userId, note);
    } catch (err) {
      if (isHelplineError(err, 'ILLEGAL_TRANSITION')) return undefined;
      throw err;
    }
    await deps.handoff.refreshCard(resolved);
    const lang = employeeLang(resolved);
    await tell(resolved, `status:${resolved.id}:${resolved.version}`, {
      text: INCIDENT_TEXTS[lang].resolved(resolved.number, resolved.number, note),
      lang,
      buttons: ratingButtons(resolved, lang),
    });
    return resolved;
  };

  /**
   * After `incident` was resolved — on its page, in the workspace or by a card's button — resolves
   * every report still open with the incident's actor and note, and tells each report's reporter,
   * once per resolution: the message key names the report's resolution, so a second pass (a retry,
   * two paths racing) finds the reports resolved and delivers nothing new. Reports resolved on their
   * own before the incident was are left alone. Returns the reports resolved with the incident.
   */
  const finishReports = async (
    incident: Ticket,
    /** Who resolves what is left, and their note. @defaultValue those of the incident's resolve */
    by?: { actor: string; note?: string },
  ): Promise<Ticket[]> => {
    // Resolved, or closed since by its own reporter's rating: its reports still follow.
    if (isOpen(incident.status) || !incident.resolvedAt) return [];
    const resolvedAt = incident.resolvedAt;
    const last = by
      ? undefined
      : (await tickets.events(incident.id)).filter((e) => e.action === 'resolved').at(-1);
    const actor = by?.actor ?? last?.actor ?? HELPLINE_ACTOR;
    const note = by ? by.note : (last?.reason ?? undefined);
    const done: Ticket[] = [];
    for (let report of await reportsOf(incident)) {
      if (isOpen(report.status)) {
        try {
          report = await tickets.resolve(
            report.id,
            actor,
            `with incident ${incident.number}${note ? `: ${note}` : ''}`,
          );
        } catch (err) {
          if (!isHelplineError(err, 'ILLEGAL_TRANSITION')) throw err;
          report = await tickets.get(report.id); // Another pass resolved it just now.
        }
      }
      if (report.status !== 'resolved' || (report.resolvedAt ?? '') < resolvedAt) continue;
      await deps.handoff.refreshCard(report);
      const lang = employeeLang(report);
      // Keyed by the report's own resolution: a second pass over it is silent, a later one is told.
      await tell(report, `incident-resolved:${incident.id}:${report.id}:${report.resolvedAt}`, {
        text: INCIDENT_TEXTS[lang].resolved(incident.number, report.number, note),
        lang,
        buttons: ratingButtons(report, lang),
      });
      done.push(report);
    }
    return done;
  };

  /**
   * An update is the incident's first response, as a reply is a ticket's (DESIGN §2 flow 5:
   * claiming stops the first-response clock): an incident nobody holds is claimed by the poster.
   * One that someone claimed meanwhile stays theirs.
   */
  const respondFirst = async (incident: Ticket, p: Principal) => {
    if (incident.assigneeId || !CLAIMABLE_STATUSES.includes(incident.status)) return;
    try {
      await deps.handoff.refreshCard(await tickets.claim(incident.id, p.userId));
    } catch (err) {
      if (!isHelplineError(err, 'ALREADY_CLAIMED') && !isHelplineError(err, 'ILLEGAL_TRANSITION')) throw err;
    }
  };

  /** Who resolved the incident, for the loser of a race. */
  const alreadyResolved = async (incident: Ticket) => {
    const events = await tickets.events(incident.id);
    const last = events.filter((e) => e.action === 'resolved').at(-1);
    return new HelplineError(
      'CONFLICT',
      `${incident.number} was already resolved${last ? ` by ${last.actor} at ${last.at}` : ''}; reload the page to see it.`,
      { details: { number: incident.number, status: incident.status, resolvedBy: last?.actor ?? null } },
    );
  };

  return {
    finishReports,

    /** Incidents with linked reports that `p` may read, open first by severity and age. */
    async list(p: Principal): Promise<Incident[]> {
      const decision = incidentDecision(p, 'list');
      if (!decision.allowed) throw new HelplineError('FORBIDDEN', decision.reason);
      const found = (await incidentParents(deps.db, INCIDENT_LIST_LIMIT)).filter(
        (t) => incidentDecision(p, 'read', t).allowed,
      );
      return Promise.all(found.map(async (incident) => ({ incident, reports: await reportsOf(incident) })));
    },

    /** One incident with its reports and updates; reads of sensitive ones go to the audit log. */
    async get(p: Principal, idOrNumber: string): Promise<IncidentDetail> {
      const { incident, sensitive } = await requireIncident(p, idOrNumber, 'read');
      if (sensitive) await audit(incident, p, `read as ${p.role} (incident)`);
      const reports = await reportsOf(incident);
      for (const r of reports) {
        const d = ticketDecision(p, 'read', r);
        if (d.allowed && d.sensitive) await audit(r, p, `read as ${p.role} (incident ${incident.number})`);
      }
      return { incident, reports, updates: await updates.list(incident.id) };
    },

    /**
     * Sends `text` to every reporter (the incident's own requester and each linked report's) on
     * their channel as an engineer's message, records it with an audit entry on each ticket, and
     * mirrors it under the incident's triage card. The same `key` again delivers nothing new. An
     * incident nobody holds is claimed by the poster: the update is its first response.
     */
    async postUpdate(p: Principal, idOrNumber: string, input: { text?: string; key?: string }) {
      const text = requiredText(input.text, 'update');
      const { incident } = await requireIncident(p, idOrNumber, 'work');
      if (!isOpen(incident.status)) {
        throw new HelplineError(
          'ILLEGAL_TRANSITION',
          `${incident.number} is ${incident.status}; updates go to open incidents. Reopen it first if the problem is back.`,
        );
      }
      const reporters = [incident, ...(await reportsOf(incident))];
      const at = deps.now().toISOString();
      const key = (input.key?.trim() || randomUUID()).slice(0, 100);
      const event = (t: Ticket): NewTicketEvent => ({
        ticketId: t.id,
        at,
        actor: p.userId,
        action: 'incident_update',
        from: null,
        to: null,
        reason: text,
        data: {
          incident: incident.number,
          key,
          ...(t.id === incident.id && { reporters: reporters.length }),
        },
      });
      const { update } = await updates.record({
        incidentId: incident.id,
        key,
        author: p.userId,
        text,
        reporters: reporters.length,
        createdAt: at,
        events: reporters.map(event),
      });
      for (const t of reporters) {
        const lang = employeeLang(t);
        await tell(t, `incident-update:${update.id}:${t.id}`, {
          text: INCIDENT_TEXTS[lang].update(incident.number, update.text),
          lang,
          author: 'agent',
        });
      }
      await respondFirst(incident, p);
      const lang = employeeLang(incident);
      await toTriage(
        incident,
        `incident-update:${update.id}:triage`,
        INCIDENT_TEXTS[lang].triageUpdate(update.author, update.reporters, maskPii(update.text)),
      );
      return { update, reporters: reporters.length };
    },

    /**
     * Resolves the incident and every open report linked to it, telling each reporter (rating
     * prompt included). An incident already resolved is a CONFLICT — unless the caller names its
     * current version, which finishes reports left open (a resolve cut short, a late report).
     */
    async resolve(p: Principal, idOrNumber: string, input: ResolveInput = {}) {
      const { incident } = await requireIncident(p, idOrNumber, 'work');
      if (input.version !== undefined && input.version !== incident.version) {
        throw isOpen(incident.status)
          ? new HelplineError(
              'CONFLICT',
              `${incident.number} was changed by someone else since you read it; reload it and try again.`,
              { details: { expectedVersion: input.version, actualVersion: incident.version } },
            )
          : await alreadyResolved(incident);
      }
      const note = input.note?.trim() ? shortText(input.note.trim(), 'resolution note') : undefined;
      let parent = incident;
      if (isOpen(incident.status)) {
        const resolved = await resolveOwn(incident, p, note);
        if (!resolved) throw await alreadyResolved(await tickets.get(incident.id));
        parent = resolved;
      } else if (input.version === undefined) {
        throw await alreadyResolved(incident);
      }
      // The listener has done this; again here for a listener that failed and for "resolve the
      // rest" (reports left open). No report can join a resolved incident, so the list is complete.
      const done = await finishReports(parent, { actor: p.userId, note });
      return { incident: parent, resolvedReports: done };
    },
    ...createIncidentLinks({ ...deps, tell }),
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
