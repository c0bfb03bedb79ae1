import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import {
  allowedActions,
  type TicketAction,
  type TicketActionType,
  transition,
} from '../../src/tickets/lifecycle.ts';
import type { Ticket, TicketStatus } from '../../src/tickets/types.ts';

const NOW = new Date('2025-03-03T02:00:00.000Z');

function ticket(overrides: Partial<Ticket> = {}): Ticket {
  const status = overrides.status ?? 'waiting_l2';
  const assigned = ['claimed', 'waiting_employee', 'resolved', 'closed'].includes(status);
  return {
    id: '00000000-0000-4000-8000-000000000001',
    number: 'HL-1001',
    title: 'Cannot clock in',
    status,
    severity: 'P2',
    category: 'attendance',
    intent: 'incident',
    rationale: 'one person blocked',
    signals: [],
    sensitive: false,
    sensitiveReason: null,
    tier: 'L2',
    requesterId: 'emp1',
    threadId: 'th1',
    assigneeId: assigned ? 'eng1' : null,
    parentId: null,
    createdAt: '2025-03-03T01:00:00.000Z',
    updatedAt: '2025-03-03T01:00:00.000Z',
    clocks: [],
    reporters: 1,
    transcript: [],
    csat: null,
    resolvedAt: status === 'resolved' || status === 'closed' ? '2025-03-03T01:30:00.000Z' : null,
    closedAt: status === 'closed' ? '2025-03-03T01:40:00.000Z' : null,
    version: 1,
    ...overrides,
  };
}

const parent = ticket({ id: '00000000-0000-4000-8000-0000000000aa', number: 'HL-1000', status: 'claimed' });

const ACTIONS: Record<TicketActionType, TicketAction> = {
  submit: { type: 'submit' },
  claim: { type: 'claim' },
  wait_on_employee: { type: 'wait_on_employee', reason: 'asked for a screenshot' },
  employee_replied: { type: 'employee_replied' },
  escalate: { type: 'escalate', reason: 'needs vendor' },
  override_severity: { type: 'override_severity', severity: 'P1', reason: 'whole team affected' },
  resolve: { type: 'resolve', reason: 'reset the device binding' },
  close: { type: 'close', csat: 5 },
  rate: { type: 'rate', csat: 4 },
  reopen: { type: 'reopen', reason: 'still broken' },
  link_parent: { type: 'link_parent', parent },
  unlink_parent: { type: 'unlink_parent', parent },
};

/** Status → action → resulting status, written out (not derived from the implementation). */
const LEGAL: Record<TicketStatus, Partial<Record<TicketActionType, TicketStatus>>> = {
  new: {
    submit: 'waiting_l2',
    claim: 'claimed',
    escalate: 'waiting_l2',
    override_severity: 'new',
    resolve: 'resolved',
    link_parent: 'new',
    unlink_parent: 'new',
  },
  waiting_l2: {
    claim: 'claimed',
    escalate: 'waiting_l2',
    override_severity: 'waiting_l2',
    resolve: 'resolved',
    link_parent: 'waiting_l2',
    unlink_parent: 'waiting_l2',
  },
  claimed: {
    wait_on_employee: 'waiting_employee',
    escalate: 'waiting_l2',
    override_severity: 'claimed',
    resolve: 'resolved',
    link_parent: 'claimed',
    unlink_parent: 'claimed',
  },
  waiting_employee: {
    employee_replied: 'claimed',
    escalate: 'waiting_l2',
    override_severity: 'waiting_employee',
    resolve: 'resolved',
    link_parent: 'waiting_employee',
    unlink_parent: 'waiting_employee',
  },
  resolved: { close: 'closed', reopen: 'claimed' },
  closed: { rate: 'closed', reopen: 'claimed' },
};

const STATUSES = Object.keys(LEGAL) as TicketStatus[];
const TYPES = Object.keys(ACTIONS) as TicketActionType[];

describe('ticket lifecycle', () => {
  describe.each(STATUSES)('from %s', (status) => {
    const legal = LEGAL[status];
    it.each(TYPES.filter((t) => t in legal))('%s is allowed', (type) => {
      const before = ticket({ status, ...(type === 'unlink_parent' && { parentId: parent.id }) });
      const frozen = structuredClone(before);
      const { ticket: after, event } = transition(before, ACTIONS[type], 'eng2', NOW);
      expect(after.status).toBe(legal[type]);
      expect(after.updatedAt).toBe(NOW.toISOString());
      expect(event).toMatchObject({ ticketId: before.id, at: NOW.toISOString(), actor: 'eng2' });
      expect(before).toEqual(frozen); // pure: the input is untouched
    });

    it.each(TYPES.filter((t) => !(t in legal)))(
      '%s is refused with a coded error naming the status',
      (type) => {
        const err = (() => {
          try {
            transition(ticket({ status }), ACTIONS[type], 'eng2', NOW);
          } catch (e) {
            return e as Error;
          }
        })();
        if (type === 'claim' && (status === 'claimed' || status === 'waiting_employee')) {
          expect(isHelplineError(err, 'ALREADY_CLAIMED')).toBe(true);
          expect(err?.message).toContain('eng1');
          return;
        }
        expect(isHelplineError(err, 'ILLEGAL_TRANSITION')).toBe(true);
        expect(err?.message).toContain(`it is ${status}`);
        expect(err?.message).toContain(`Allowed now: ${TYPES.filter((t) => t in legal).join(', ')}`);
        expect((err as { details?: unknown }).details).toMatchObject({
          status,
          action: type,
          number: 'HL-1001',
        });
      },
    );
  });

  it('lists the allowed actions for buttons', () => {
    expect(allowedActions(ticket({ status: 'waiting_l2' }))).toEqual([
      'claim',
      'escalate',
      'override_severity',
      'resolve',
      'link_parent',
      'unlink_parent',
    ]);
    expect(allowedActions(ticket({ status: 'claimed', tier: 'manager' }))).not.toContain('escalate');
  });

  it('claim assigns the claimer and records the event', () => {
    const { ticket: t, event } = transition(ticket(), { type: 'claim' }, 'eng7', NOW);
    expect(t).toMatchObject({ status: 'claimed', assigneeId: 'eng7' });
    expect(event).toMatchObject({
      action: 'claimed',
      from: 'waiting_l2',
      to: 'claimed',
      data: { assigneeId: 'eng7', tier: 'L2' },
    });
  });

  it('escalates L2 → L3 → manager into the next tier queue, unassigned, and refuses beyond', () => {
    const first = transition(
      ticket({ status: 'claimed' }),
      { type: 'escalate', reason: 'vendor bug' },
      'eng1',
      NOW,
    );
    expect(first.ticket).toMatchObject({ tier: 'L3', status: 'waiting_l2', assigneeId: null });
    expect(first.event).toMatchObject({
      action: 'escalated',
      from: 'L2',
      to: 'L3',
      reason: 'vendor bug',
      data: { status: { from: 'claimed', to: 'waiting_l2' }, previousAssigneeId: 'eng1' },
    });
    const second = transition(first.ticket, { type: 'escalate' }, 'helpline', NOW);
    expect(second.ticket.tier).toBe('manager');
    expect(second.event.reason).toBeNull();
    const err = (() => {
      try {
        transition(second.ticket, { type: 'escalate' }, 'helpline', NOW);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(isHelplineError(err, 'ILLEGAL_TRANSITION')).toBe(true);
    expect(err?.message).toMatch(/top tier/);
  });

  it('requires a reason, a real severity and a change to override the severity', () => {
    const t = ticket({ status: 'claimed' });
    const codeOf = (action: TicketAction) => {
      try {
        transition(t, action, 'eng1', NOW);
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(codeOf({ type: 'override_severity', severity: 'P0', reason: '  ' })).toBe('BAD_REQUEST');
    expect(codeOf({ type: 'override_severity', severity: 'P2', reason: 'same' })).toBe('BAD_REQUEST');
    expect(codeOf({ type: 'override_severity', severity: 'P9' as 'P0', reason: 'x' })).toBe('BAD_REQUEST');
    const { ticket: after, event } = transition(
      t,
      { type: 'override_severity', severity: 'P0', reason: ' payday ' },
      'eng1',
      NOW,
    );
    expect(after.severity).toBe('P0');
    expect(event).toMatchObject({ action: 'severity_overridden', from: 'P2', to: 'P0', reason: 'payday' });
  });

  it('accepts CSAT 1 to 5 only', () => {
    for (const csat of [0, 6, 2.5, -1, Number.NaN, '5' as unknown as number]) {
      for (const [status, type] of [
        ['resolved', 'close'],
        ['closed', 'rate'],
      ] as const) {
        const err = (() => {
          try {
            transition(ticket({ status }), { type, csat }, 'emp1', NOW);
          } catch (e) {
            return e;
          }
        })();
        expect(isHelplineError(err, 'BAD_REQUEST'), `${type} csat ${csat}`).toBe(true);
      }
    }
    for (const csat of [1, 5]) {
      const { ticket: t, event } = transition(
        ticket({ status: 'resolved' }),
        { type: 'close', csat, comment: 'fast' },
        'emp1',
        NOW,
      );
      expect(t).toMatchObject({ status: 'closed', csat, closedAt: NOW.toISOString() });
      expect(event.data).toEqual({ csat, comment: 'fast' });
    }
    const closedWithout = transition(ticket({ status: 'resolved' }), { type: 'close' }, 'helpline', NOW);
    expect(closedWithout.ticket.csat).toBeNull();
    const rated = transition(ticket({ status: 'closed', csat: 2 }), { type: 'rate', csat: 4 }, 'emp1', NOW);
    expect(rated.event).toMatchObject({ action: 'rated', from: '2', to: '4' });
  });

  it('resolving an unclaimed ticket makes the resolver its assignee', () => {
    const { ticket: t } = transition(ticket({ status: 'waiting_l2' }), { type: 'resolve' }, 'eng3', NOW);
    expect(t).toMatchObject({ status: 'resolved', assigneeId: 'eng3', resolvedAt: NOW.toISOString() });
  });

  it('reopens to the assignee when there is one, else to the queue, clearing resolution and rating', () => {
    const mine = transition(
      ticket({ status: 'closed', csat: 1 }),
      { type: 'reopen', reason: 'not solved' },
      'emp1',
      NOW,
    );
    expect(mine.ticket).toMatchObject({
      status: 'claimed',
      assigneeId: 'eng1',
      resolvedAt: null,
      closedAt: null,
      csat: null,
    });
    expect(mine.event).toMatchObject({
      action: 'reopened',
      from: 'closed',
      to: 'claimed',
      reason: 'not solved',
      data: { previousCsat: 1 },
    });
    const queue = transition(
      ticket({ status: 'resolved', assigneeId: null }),
      { type: 'reopen' },
      'emp1',
      NOW,
    );
    expect(queue.ticket.status).toBe('waiting_l2');
  });

  it('links a report to an open root incident only', () => {
    const child = ticket({ status: 'waiting_l2' });
    const ok = transition(child, { type: 'link_parent', parent }, 'helpline', NOW);
    expect(ok.ticket.parentId).toBe(parent.id);
    expect(ok.event).toMatchObject({
      action: 'linked_to_parent',
      from: null,
      to: parent.id,
      data: { parentNumber: 'HL-1000' },
    });
    const refused = (c: Ticket, p: Ticket) => {
      try {
        transition(c, { type: 'link_parent', parent: p }, 'helpline', NOW);
      } catch (e) {
        return isHelplineError(e, 'ILLEGAL_TRANSITION') ? e.message : 'other error';
      }
      return 'allowed';
    };
    expect(refused(child, child)).toMatch(/own parent/);
    expect(refused(child, { ...parent, parentId: 'x' })).toMatch(/itself linked/);
    expect(refused(child, { ...parent, status: 'closed' })).toMatch(/is closed/);
    expect(refused({ ...child, parentId: 'other' }, parent)).toMatch(/another incident/);
    expect(refused(ok.ticket, parent)).toMatch(/already linked/);
    expect(refused({ ...child, reporters: 3 }, parent)).toMatch(/is a parent incident/);
  });

  it('unlinks a report from its own incident only', () => {
    const linked = ticket({ status: 'new', parentId: parent.id });
    const { ticket: t, event } = transition(linked, { type: 'unlink_parent', parent }, 'eng2', NOW);
    expect(t).toMatchObject({ parentId: null, status: 'new' });
    expect(event).toMatchObject({ action: 'unlinked_from_parent', from: parent.id, to: null });
    expect(() => transition(ticket(), { type: 'unlink_parent', parent }, 'eng2', NOW)).toThrow(
      /not linked to it/,
    );
  });

  it('needs to know who acts', () => {
    expect(() => transition(ticket(), { type: 'claim' }, '', NOW)).toThrow(/actor/);
  });
});
