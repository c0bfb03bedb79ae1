/**
 * The role table (DESIGN §7, issue 13 item 5): every (role, ticket kind, action) decided by
 * src/access/policy.ts, the one place the API, the web chat and the chat buttons ask.
 */
import { describe, expect, it } from 'vitest';
import {
  type AccessRole,
  incidentDecision,
  insightsDecision,
  internalNotesDecision,
  type KnowledgeAction,
  knowledgeDecision,
  linkDecision,
  mayRead,
  type Principal,
  type TicketAction,
  type TicketFacts,
  threadDecision,
  ticketDecision,
} from '../../src/access/policy.ts';

const person = (userId: string, role: AccessRole, categories?: string[]): Principal => ({
  userId,
  role,
  aliases: [userId],
  categories,
});

const TICKETS: Record<string, TicketFacts> = {
  attendance: { category: 'attendance', sensitive: false, requesterId: 'emp-a', assigneeId: null },
  account: { category: 'account', sensitive: false, requesterId: 'emp-b', assigneeId: null },
  payroll: {
    category: 'payroll',
    sensitive: true,
    sensitiveReason: 'payroll',
    requesterId: 'emp-b',
    assigneeId: null,
  },
  security: {
    category: 'security',
    sensitive: true,
    sensitiveReason: 'security',
    requesterId: 'emp-b',
    assigneeId: null,
  },
  medical: {
    category: 'leave',
    sensitive: true,
    sensitiveReason: 'medical',
    requesterId: 'emp-b',
    assigneeId: null,
  },
  harassment: {
    category: 'other',
    sensitive: true,
    sensitiveReason: 'harassment',
    requesterId: 'emp-b',
    assigneeId: null,
  },
  assignedPayroll: {
    category: 'payroll',
    sensitive: true,
    sensitiveReason: 'payroll',
    requesterId: 'emp-b',
    assigneeId: 'eng-2',
  },
};

const PEOPLE: Record<string, Principal> = {
  'employee emp-a': person('emp-a', 'employee'),
  'l2 (no routes)': person('eng-1', 'l2'),
  'l2 routed account': person('eng-1', 'l2', ['account']),
  'l2 routed security': person('eng-1', 'l2', ['security']),
  'l2 assignee eng-2': person('eng-2', 'l2', ['account']),
  'l3 (no routes)': person('eng-3', 'l3'),
  hr_admin: person('hr-1', 'hr_admin'),
  admin: person('root', 'admin'),
};

/** Who may read (R) and work (W: claim, escalate, resolve) each ticket; '-' neither. */
const TABLE: Record<string, Record<string, string>> = {
  'employee emp-a': {
    attendance: 'R',
    account: '-',
    payroll: '-',
    security: '-',
    medical: '-',
    harassment: '-',
    assignedPayroll: '-',
  },
  'l2 (no routes)': {
    attendance: 'RW',
    account: 'RW',
    payroll: '-',
    security: '-',
    medical: '-',
    harassment: '-',
    assignedPayroll: '-',
  },
  'l2 routed account': {
    attendance: '-',
    account: 'RW',
    payroll: '-',
    security: '-',
    medical: '-',
    harassment: '-',
    assignedPayroll: '-',
  },
  'l2 routed security': {
    attendance: '-',
    account: '-',
    payroll: '-',
    security: 'RW',
    medical: '-',
    harassment: '-',
    assignedPayroll: '-',
  },
  'l2 assignee eng-2': {
    attendance: '-',
    account: 'RW',
    payroll: '-',
    security: '-',
    medical: '-',
    harassment: '-',
    assignedPayroll: 'RW',
  },
  'l3 (no routes)': {
    attendance: 'RW',
    account: 'RW',
    payroll: '-',
    security: '-',
    medical: '-',
    harassment: '-',
    assignedPayroll: '-',
  },
  hr_admin: {
    attendance: 'RW',
    account: '-',
    payroll: 'RW',
    security: '-',
    medical: 'RW',
    harassment: 'RW',
    assignedPayroll: 'RW',
  },
  admin: {
    attendance: 'RW',
    account: 'RW',
    payroll: 'RW',
    security: 'RW',
    medical: 'RW',
    harassment: 'RW',
    assignedPayroll: 'RW',
  },
};

describe('the role table', () => {
  for (const [who, row] of Object.entries(TABLE)) {
    for (const [ticket, expected] of Object.entries(row)) {
      it(`${who} · ${ticket} ticket → ${expected}`, () => {
        const p = PEOPLE[who];
        const got = (['read', 'work'] as TicketAction[])
          .filter((a) => ticketDecision(p, a, TICKETS[ticket]).allowed)
          .map((a) => (a === 'read' ? 'R' : 'W'))
          .join('');
        expect(got || '-').toBe(expected);
      });
    }
  }

  it('every sensitive read by someone other than the requester is flagged for the audit log', () => {
    const read = ticketDecision(PEOPLE.hr_admin, 'read', TICKETS.payroll);
    expect(read).toEqual({ allowed: true, sensitive: true });
    const own = ticketDecision(person('emp-b', 'employee'), 'read', TICKETS.payroll);
    expect(own).toEqual({ allowed: true, sensitive: false });
    expect(ticketDecision(PEOPLE['l2 (no routes)'], 'read', TICKETS.attendance)).toEqual({
      allowed: true,
      sensitive: false,
    });
  });

  it('only the requester rates or reopens; an engineer may not, an admin may not', () => {
    expect(ticketDecision(person('emp-a', 'employee'), 'rate', TICKETS.attendance).allowed).toBe(true);
    expect(ticketDecision(PEOPLE.admin, 'rate', TICKETS.attendance).allowed).toBe(false);
    expect(ticketDecision(PEOPLE['l2 (no routes)'], 'rate', TICKETS.attendance).allowed).toBe(false);
  });

  it('internal notes are for staff who read the ticket as staff, never for the employee who asked', () => {
    const employee = internalNotesDecision(person('emp-a', 'employee'), TICKETS.attendance);
    expect(employee).toEqual({ allowed: false, reason: expect.stringMatching(/engineers working/) });
    expect(internalNotesDecision(PEOPLE['l2 (no routes)'], TICKETS.attendance).allowed).toBe(true);
    expect(internalNotesDecision(PEOPLE['l2 assignee eng-2'], TICKETS.assignedPayroll)).toEqual({
      allowed: true,
      sensitive: true,
    });
    expect(internalNotesDecision(PEOPLE['l2 (no routes)'], TICKETS.payroll).allowed).toBe(false);
    expect(internalNotesDecision(PEOPLE.admin, TICKETS.harassment).allowed).toBe(true);
  });

  it('an employee never works tickets, not even their own; refusals say why', () => {
    const d = ticketDecision(person('emp-a', 'employee'), 'work', TICKETS.attendance);
    expect(d).toMatchObject({ allowed: false, reason: expect.stringMatching(/engineers/) });
  });

  it('linked identities count as the same person', () => {
    const linked: Principal = {
      userId: 'li@example.com',
      role: 'employee',
      aliases: ['li@example.com', 'emp-a', 'slack:U1'],
    };
    expect(ticketDecision(linked, 'read', TICKETS.attendance).allowed).toBe(true);
    expect(threadDecision(linked, 'post', 'slack:U1').allowed).toBe(true);
  });
});

describe('incidents', () => {
  const decide = (who: string, action: 'list' | 'read' | 'work', ticket?: string) =>
    incidentDecision(PEOPLE[who], action, ticket ? TICKETS[ticket] : undefined).allowed;

  it.each([
    ['employee emp-a', false],
    ['l2 (no routes)', true],
    ['l2 routed account', true],
    ['hr_admin', true],
    ['admin', true],
  ])('%s lists incidents → %s', (who, expected) => {
    expect(decide(who, 'list')).toBe(expected);
  });

  it('an employee reads no incident, not even the one they opened; refusals say why', () => {
    expect(decide('employee emp-a', 'read', 'attendance')).toBe(false);
    expect(incidentDecision(PEOPLE['employee emp-a'], 'list')).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/engineers/),
    });
  });

  it('staff read and work an incident as they would its ticket', () => {
    for (const who of Object.keys(TABLE)) {
      if (who.startsWith('employee')) continue;
      for (const [ticket, expected] of Object.entries(TABLE[who])) {
        const got = `${decide(who, 'read', ticket) ? 'R' : ''}${decide(who, 'work', ticket) ? 'W' : ''}`;
        expect(got || '-', `${who} · ${ticket}`).toBe(expected);
      }
    }
  });

  it('linking needs work on the report and a read of the incident', () => {
    const l2 = PEOPLE['l2 routed account'];
    expect(linkDecision(l2, TICKETS.account, TICKETS.account).allowed).toBe(true);
    expect(linkDecision(l2, TICKETS.account, TICKETS.attendance).allowed).toBe(false);
    expect(linkDecision(l2, TICKETS.attendance, TICKETS.account).allowed).toBe(false);
    expect(linkDecision(PEOPLE['employee emp-a'], TICKETS.attendance, TICKETS.attendance).allowed).toBe(
      false,
    );
    expect(linkDecision(PEOPLE.admin, TICKETS.payroll, TICKETS.attendance)).toEqual({
      allowed: true,
      sensitive: true,
    });
  });
});

describe('conversations, insights, knowledge audiences', () => {
  it('a thread is read and written by its owner; admins read, never post', () => {
    expect(threadDecision(PEOPLE['employee emp-a'], 'read', 'emp-a').allowed).toBe(true);
    expect(threadDecision(PEOPLE['employee emp-a'], 'read', 'emp-b').allowed).toBe(false);
    expect(threadDecision(PEOPLE['employee emp-a'], 'post', 'emp-b').allowed).toBe(false);
    expect(threadDecision(PEOPLE['l2 (no routes)'], 'read', 'emp-b').allowed).toBe(false);
    expect(threadDecision(PEOPLE.admin, 'read', 'emp-b')).toEqual({ allowed: true, sensitive: true });
    expect(threadDecision(PEOPLE.admin, 'post', 'emp-b').allowed).toBe(false);
  });

  it('service insights (KPIs, CSV, monthly report, knowledge gaps) are for staff', () => {
    expect(insightsDecision(PEOPLE['employee emp-a']).allowed).toBe(false);
    for (const who of ['l2 (no routes)', 'hr_admin', 'admin'])
      expect(insightsDecision(PEOPLE[who]).allowed).toBe(true);
  });

  /** Knowledge upkeep: R read gaps and usage, D draft from a ticket, P publish/upload/replace. */
  const KNOWLEDGE: Record<string, string> = {
    'employee emp-a': '---',
    'l2 (no routes)': 'RD-',
    'l2 routed account': 'RD-',
    'l3 (no routes)': 'RD-',
    hr_admin: 'RDP',
    admin: 'RDP',
  };
  it.each(Object.entries(KNOWLEDGE))('knowledge upkeep for %s: %s', (who, expected) => {
    const actions: KnowledgeAction[] = ['read', 'draft', 'publish'];
    const got = actions.map((a, i) => (knowledgeDecision(PEOPLE[who], a).allowed ? 'RDP'[i] : '-')).join('');
    expect(got).toBe(expected);
    for (const a of actions) {
      const d = knowledgeDecision(PEOPLE[who], a);
      if (!d.allowed) expect(d.reason).toMatch(/KB editors|HR admins/);
    }
  });

  it.each([
    ['employee', undefined, true],
    ['employee', [], true],
    ['employee', ['hr_admin', 'l2'], false],
    ['l2', ['hr_admin', 'l2'], true],
    ['hr_admin', ['hr_admin'], true],
    ['l3', ['hr_admin', 'l2'], false],
    ['admin', ['hr_admin'], true],
  ] as const)('a passage for %s with audience %j → %s', (role, audience, expected) => {
    expect(mayRead(role, audience)).toBe(expected);
  });
});
