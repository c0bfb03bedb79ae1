/**
 * The ticket state machine, pure: `transition(ticket, action, actor, now)` returns the next ticket
 * and the audit event, or throws. Nothing here reads the clock, the database or SLA clocks; the
 * service persists the result and moves the clocks to match the new status.
 *
 *   new ──submit──▶ waiting_l2 ──claim──▶ claimed ◀──employee_replied── waiting_employee
 *    └────────claim─────────────────────▶   │  └──────wait_on_employee──────────▶ ▲
 *                                           ▼                                      │
 *   any open status ──resolve──▶ resolved ──close(csat?)──▶ closed ──rate(csat)──▶ closed
 *   resolved | closed ──reopen──▶ claimed (when it has an assignee, who knows the case)
 *                                 waiting_l2 (otherwise, back to the queue)
 *   any open status ──escalate──▶ waiting_l2 at the next tier (L2 → L3 → manager), unassigned:
 *                                 the next tier's queue claims it; the previous assignee is in the event
 *   any open status ──override_severity(reason)──▶ same status, new severity
 *   any open status ──link_parent──▶ same status, parentId set (mass incident)
 *   any open status ──unlink_parent──▶ same status, parentId cleared (not the same problem after all)
 *
 * Open statuses: new, waiting_l2, claimed, waiting_employee.
 */
import { HelplineError } from '../errors.ts';
import type { Severity } from '../sla/types.ts';
import type { NewTicketEvent, Ticket, TicketEventAction, TicketStatus, Tier } from './types.ts';

export type TicketAction =
  | { type: 'submit' }
  | { type: 'claim' }
  | { type: 'wait_on_employee'; reason?: string }
  | { type: 'employee_replied' }
  | { type: 'escalate'; reason?: string }
  | { type: 'override_severity'; severity: Severity; reason: string }
  | { type: 'resolve'; reason?: string }
  | { type: 'close'; csat?: number; comment?: string }
  | { type: 'rate'; csat: number; comment?: string }
  | { type: 'reopen'; reason?: string }
  | { type: 'link_parent'; parent: Ticket }
  | { type: 'unlink_parent'; parent: Ticket };

export type TicketActionType = TicketAction['type'];

export interface Transition {
  ticket: Ticket;
  event: NewTicketEvent;
}

export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'waiting_l2', 'claimed', 'waiting_employee'];
/** Statuses a claim can start from; the store's conditional UPDATE uses the same list. */
export const CLAIMABLE_STATUSES: readonly TicketStatus[] = ['new', 'waiting_l2'];
export const TIERS: readonly Tier[] = ['L2', 'L3', 'manager'];
const SEVERITIES: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];

/** Which statuses each action starts from. */
const FROM: Record<TicketActionType, readonly TicketStatus[]> = {
  submit: ['new'],
  claim: CLAIMABLE_STATUSES,
  wait_on_employee: ['claimed'],
  employee_replied: ['waiting_employee'],
  escalate: OPEN_STATUSES,
  override_severity: OPEN_STATUSES,
  resolve: OPEN_STATUSES,
  close: ['resolved'],
  rate: ['closed'],
  reopen: ['resolved', 'closed'],
  link_parent: OPEN_STATUSES,
  unlink_parent: OPEN_STATUSES,
};

const VERB: Record<TicketActionType, string> = {
  submit: 'submit',
  claim: 'claim',
  wait_on_employee: 'wait on the employee for',
  employee_replied: 'record an employee reply on',
  escalate: 'escalate',
  override_severity: 'change the severity of',
  resolve: 'resolve',
  close: 'close',
  rate: 'rate',
  reopen: 'reopen',
  link_parent: 'link',
  unlink_parent: 'unlink',
};

export function isOpen(status: TicketStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** The actions the ticket's status allows, for buttons and error messages. */
export function allowedActions(ticket: Pick<Ticket, 'status' | 'tier'>): TicketActionType[] {
  return (Object.keys(FROM) as TicketActionType[]).filter(
    (type) => FROM[type].includes(ticket.status) && !(type === 'escalate' && ticket.tier === 'manager'),
  );
}

export function transition(ticket: Ticket, action: TicketAction, actor: string, now: Date): Transition {
  if (!actor)
    throw new HelplineError('BAD_REQUEST', `Say who is acting on ${ticket.number}: the actor is empty.`);
  const at = now.toISOString();
  if (
    action.type === 'claim' &&
    ticket.assigneeId &&
    (ticket.status === 'claimed' || ticket.status === 'waiting_employee')
  ) {
    throw alreadyClaimed(ticket);
  }
  if (!FROM[action.type].includes(ticket.status)) throw illegal(ticket, action.type);

  const event = (kind: TicketEventAction, from: unknown, to: unknown, reason?: string | null, data = {}) =>
    ({
      ticketId: ticket.id,
      at,
      actor,
      action: kind,
      from: from == null ? null : String(from),
      to: to == null ? null : String(to),
      reason: reason?.trim() || null,
      data,
    }) satisfies NewTicketEvent;
  const next = (changes: Partial<Ticket>): Ticket => ({ ...ticket, ...changes, updatedAt: at });

  switch (action.type) {
    case 'submit':
      return {
        ticket: next({ status: 'waiting_l2' }),
        event: event('submitted', ticket.status, 'waiting_l2'),
      };
    case 'claim':
      return {
        ticket: next({ status: 'claimed', assigneeId: actor }),
        event: event('claimed', ticket.status, 'claimed', null, { assigneeId: actor, tier: ticket.tier }),
      };
    case 'wait_on_employee':
      return {
        ticket: next({ status: 'waiting_employee' }),
        event: event('waiting_on_employee', ticket.status, 'waiting_employee', action.reason),
      };
    case 'employee_replied':
      return {
        ticket: next({ status: 'claimed' }),
        event: event('employee_replied', ticket.status, 'claimed'),
      };
    case 'escalate': {
      const tier = TIERS[TIERS.indexOf(ticket.tier) + 1];
      if (!tier) {
        throw new HelplineError(
          'ILLEGAL_TRANSITION',
          `Cannot escalate ${ticket.number}: it is already with the top tier (manager). Allowed now: ${allowedActions(ticket).join(', ')}.`,
          { details: details(ticket, 'escalate') },
        );
      }
      return {
        ticket: next({ tier, status: 'waiting_l2', assigneeId: null }),
        event: event('escalated', ticket.tier, tier, action.reason, {
          status: { from: ticket.status, to: 'waiting_l2' },
          previousAssigneeId: ticket.assigneeId,
        }),
      };
    }
    case 'override_severity': {
      if (!SEVERITIES.includes(action.severity)) {
        throw new HelplineError(
          'BAD_REQUEST',
          `Severity must be one of ${SEVERITIES.join(', ')}; got "${action.severity}".`,
        );
      }
      if (!action.reason?.trim()) {
        throw new HelplineError(
          'BAD_REQUEST',
          `Give a reason for changing ${ticket.number} from ${ticket.severity} to ${action.severity}; overrides are audited.`,
        );
      }
      if (action.severity === ticket.severity) {
        throw new HelplineError('BAD_REQUEST', `${ticket.number} is already ${ticket.severity}.`);
      }
      return {
        ticket: next({ severity: action.severity }),
        event: event('severity_overridden', ticket.severity, action.severity, action.reason),
      };
    }
    case 'resolve':
      return {
        // Whoever resolves an unclaimed ticket answers for it.
        ticket: next({ status: 'resolved', resolvedAt: at, assigneeId: ticket.assigneeId ?? actor }),
        event: event('resolved', ticket.status, 'resolved', action.reason),
      };
    case 'close': {
      if (action.csat !== undefined) checkCsat(action.csat);
      return {
        ticket: next({ status: 'closed', closedAt: at, csat: action.csat ?? ticket.csat }),
        event: event('closed', ticket.status, 'closed', null, {
          ...(action.csat !== undefined && { csat: action.csat }),
          ...(action.comment && { comment: action.comment }),
        }),
      };
    }
    case 'rate':
      checkCsat(action.csat);
      return {
        ticket: next({ csat: action.csat }),
        event: event(
          'rated',
          ticket.csat,
          action.csat,
          null,
          action.comment ? { comment: action.comment } : {},
        ),
      };
    case 'reopen': {
      const status: TicketStatus = ticket.assigneeId ? 'claimed' : 'waiting_l2';
      return {
        // The earlier rating was for a resolution that did not hold.
        ticket: next({ status, resolvedAt: null, closedAt: null, csat: null }),
        event: event('reopened', ticket.status, status, action.reason, { previousCsat: ticket.csat }),
      };
    }
    case 'link_parent': {
      const parent = action.parent;
      const refuse = (why: string) =>
        new HelplineError('ILLEGAL_TRANSITION', `Cannot link ${ticket.number} to ${parent.number}: ${why}.`, {
          details: { ...details(ticket, 'link_parent'), parentId: parent.id },
        });
      if (parent.id === ticket.id) throw refuse('a ticket cannot be its own parent');
      if (ticket.parentId && ticket.parentId !== parent.id)
        throw refuse('it is already linked to another incident');
      if (ticket.parentId === parent.id) throw refuse('it is already linked to it');
      if (parent.parentId)
        throw refuse(`${parent.number} is itself linked to another incident; link to that one`);
      if (ticket.reporters > 1)
        throw refuse(`${ticket.number} is a parent incident with other reports linked to it`);
      if (!isOpen(parent.status))
        throw refuse(`${parent.number} is ${parent.status}; reopen it or open a new incident`);
      return {
        ticket: next({ parentId: parent.id }),
        event: event('linked_to_parent', ticket.parentId, parent.id, null, { parentNumber: parent.number }),
      };
    }
    case 'unlink_parent': {
      if (ticket.parentId !== action.parent.id) {
        throw new HelplineError(
          'ILLEGAL_TRANSITION',
          `Cannot unlink ${ticket.number} from ${action.parent.number}: it is not linked to it.`,
          { details: { ...details(ticket, 'unlink_parent'), parentId: action.parent.id } },
        );
      }
      return {
        ticket: next({ parentId: null }),
        event: event('unlinked_from_parent', ticket.parentId, null, null, {
          parentNumber: action.parent.number,
        }),
      };
    }
  }
}

/** CSAT is a whole number from 1 to 5. */
export function checkCsat(csat: unknown): asserts csat is number {
  if (typeof csat !== 'number' || !Number.isInteger(csat) || csat < 1 || csat > 5) {
    throw new HelplineError(
      'BAD_REQUEST',
      `CSAT must be a whole number from 1 to 5; got ${JSON.stringify(csat)}.`,
    );
  }
}

export function alreadyClaimed(ticket: Ticket): HelplineError {
  return new HelplineError(
    'ALREADY_CLAIMED',
    `${ticket.number} is already claimed by ${ticket.assigneeId}; ask them, or escalate it.`,
    {
      details: {
        ticketId: ticket.id,
        number: ticket.number,
        assigneeId: ticket.assigneeId,
        status: ticket.status,
      },
    },
  );
}

function illegal(ticket: Ticket, type: TicketActionType): HelplineError {
  const allowed = allowedActions(ticket);
  return new HelplineError(
    'ILLEGAL_TRANSITION',
    `Cannot ${VERB[type]} ${ticket.number}: it is ${ticket.status}. Allowed now: ${allowed.length ? allowed.join(', ') : 'nothing'}.`,
    { details: details(ticket, type) },
  );
}

function details(ticket: Ticket, action: TicketActionType) {
  return {
    ticketId: ticket.id,
    number: ticket.number,
    status: ticket.status,
    action,
    allowed: allowedActions(ticket),
  };
}
