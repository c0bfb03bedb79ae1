/**
 * Who may do what (DESIGN §7), decided in one place for the API, the web chat, the chat buttons on
 * Lark and Slack, and the knowledge base's audiences. Pure: a principal, an action, a resource →
 * allowed or not. tests/access/policy.test.ts holds the role table.
 *
 * - employee: their own threads and tickets.
 * - l2 / l3: tickets of the categories routed to them (`roles` entries with `categories`) and tickets
 *   assigned to them; with no categories configured, every ticket that is not sensitive.
 * - hr_admin: the HR categories (leave, attendance, payroll, benefits, org change), sensitive ones
 *   included, and sensitive HR matters filed elsewhere (medical, harassment).
 * - admin: everything.
 * Sensitive tickets (payroll, security, medical, harassment) are seen only by the roles of their
 * category, their assignee and admins; the caller writes every such read to the audit log.
 */
import type { Ticket } from '../tickets/types.ts';

export const ACCESS_ROLES = ['employee', 'hr_admin', 'l2', 'l3', 'admin'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

/** Roles that work tickets: claim, escalate, resolve from a triage channel or the console. */
export const ENGINEER_ROLES: readonly AccessRole[] = ['l2', 'l3', 'admin'];
export const HR_CATEGORIES: readonly string[] = ['leave', 'attendance', 'payroll', 'benefits', 'org_change'];

/** Who is asking, as every check sees it. */
export interface Principal {
  /** The user key the request acts as ("emp-a" on the web, "slack:U1", "lark:ou_1"). */
  userId: string;
  role: AccessRole;
  /** Every user key of the same person (linked identities), userId included. */
  aliases: readonly string[];
  /** Categories routed to this l2/l3 person; undefined = none configured. */
  categories?: readonly string[];
}

export type TicketAction = 'read' | 'work' | 'rate';
export type TicketFacts = Pick<Ticket, 'category' | 'sensitive' | 'requesterId' | 'assigneeId'> &
  Partial<Pick<Ticket, 'sensitiveReason'>>;

export type Decision = { allowed: true; sensitive: boolean } | { allowed: false; reason: string };

const allow = (sensitive = false): Decision => ({ allowed: true, sensitive });
const deny = (reason: string): Decision => ({ allowed: false, reason });

const owns = (p: Principal, userKey: string | null | undefined) =>
  userKey !== null && userKey !== undefined && p.aliases.includes(userKey);

/** Whether the role covers the ticket by category (without being its requester or assignee). */
function coversCategory(p: Principal, t: TicketFacts): boolean {
  switch (p.role) {
    case 'admin':
      return true;
    case 'hr_admin':
      return (
        HR_CATEGORIES.includes(t.category) ||
        (t.sensitive && (t.sensitiveReason === 'medical' || t.sensitiveReason === 'harassment'))
      );
    case 'l2':
    case 'l3':
      if (p.categories) return p.categories.includes(t.category);
      return !t.sensitive;
    default:
      return false;
  }
}

export function ticketDecision(p: Principal, action: TicketAction, t: TicketFacts): Decision {
  const requester = owns(p, t.requesterId);
  const assignee = owns(p, t.assigneeId);
  if (action === 'rate') {
    return requester ? allow() : deny('Only the employee who asked can rate or reopen this ticket.');
  }
  const covered = coversCategory(p, t);
  if (action === 'read') {
    if (requester || assignee || covered) return allow(t.sensitive && !requester);
    return deny('This ticket is not yours and not in a category routed to you.');
  }
  // work: claim, escalate, resolve, notes.
  if (!ENGINEER_ROLES.includes(p.role) && p.role !== 'hr_admin') {
    return deny('Only L2/L3 engineers, HR admins and admins can claim, escalate or resolve tickets.');
  }
  if (assignee || covered) return allow(t.sensitive);
  return deny('This ticket is in a category that is not routed to you.');
}

/**
 * Internal notes in a ticket's audit log (DESIGN §2 flow 5: never relayed to the employee): for
 * staff who read the ticket as staff — its assignee and the roles it is routed to. The employee who
 * asked reads their ticket's log without them.
 */
export function internalNotesDecision(p: Principal, t: TicketFacts): Decision {
  if (p.role !== 'employee' && (owns(p, t.assigneeId) || coversCategory(p, t))) return allow(t.sensitive);
  return deny('Internal notes are for the engineers working the ticket.');
}

/**
 * Mass incidents (DESIGN §2 flow 8): the list is for staff — an employee follows their own ticket,
 * never the list of who else reported what. An incident is read and worked (post an update to every
 * reporter, resolve it with all its reports) as its parent ticket is: working the incident covers
 * every report linked to it.
 */
export function incidentDecision(
  p: Principal,
  action: 'list' | 'read' | 'work',
  incident?: TicketFacts,
): Decision {
  if (p.role === 'employee') {
    return deny('Incidents are for engineers, HR admins and admins; your own ticket is in your chat.');
  }
  return action === 'list' || !incident ? allow() : ticketDecision(p, action, incident);
}

/** Linking a report to an incident (or unlinking it): work on the report, read on the incident. */
export function linkDecision(p: Principal, report: TicketFacts, incident: TicketFacts): Decision {
  const work = ticketDecision(p, 'work', report);
  if (!work.allowed) return work;
  const read = incidentDecision(p, 'read', incident);
  if (!read.allowed) return read;
  return allow(work.sensitive || read.sensitive);
}

/** A conversation (web thread, Lark or Slack thread): its owner; admins may read. */
export function threadDecision(p: Principal, action: 'read' | 'post', ownerKey: string): Decision {
  if (owns(p, ownerKey)) return allow();
  if (action === 'read' && p.role === 'admin') return allow(true);
  return deny('This conversation belongs to someone else.');
}

/** Aggregate views: service KPIs and their CSV, the monthly report, the knowledge-gap report. */
export function insightsDecision(p: Principal): Decision {
  return p.role === 'employee'
    ? deny(
        'Service insights (KPIs, monthly reports, knowledge gaps) are for HR admins, engineers and admins.',
      )
    : allow();
}

/**
 * Knowledge upkeep (console /console/knowledge): `read` the gap clusters and per-article usage —
 * staff, as the gap report; `draft` an article from a ticket — those who work tickets (the ticket
 * itself must also be readable); `publish` into the KB folder, upload or replace files — KB
 * editors: HR admins and admins. Engineers propose; editors decide what every employee is told.
 */
export type KnowledgeAction = 'read' | 'draft' | 'publish';

export function knowledgeDecision(p: Principal, action: KnowledgeAction): Decision {
  if (p.role === 'employee') return deny('Knowledge upkeep is for HR admins, engineers and admins.');
  if (action === 'publish' && p.role !== 'hr_admin' && p.role !== 'admin') {
    return deny('Only KB editors (HR admins and admins) can publish, upload or replace KB articles.');
  }
  return allow();
}

/**
 * A KB passage's audience (front matter `audience: [hr_admin, l2]`): no audience means everyone;
 * admins read all.
 */
export function mayRead(role: AccessRole, audience: readonly string[] | undefined): boolean {
  if (!audience || audience.length === 0) return true;
  return role === 'admin' || audience.includes(role);
}
