/**
 * What people do to tickets (flows 3, 5, 6, 7), each as one call that applies the state machine,
 * moves the SLA clocks to match and stores the ticket with its audit event in one transaction.
 * Time and the SLA engine are injected; nothing here reads the system clock.
 */
import { HelplineError } from '../errors.ts';
import type { Severity } from '../sla/types.ts';
import type { Database } from '../store/database.ts';
import { OPEN_STATUSES, type TicketAction, transition } from './lifecycle.ts';
import { type SensitiveTopic, sensitivity } from './sensitivity.ts';
import { type SlaOps, startClocks, syncClocks } from './sla-sync.ts';
import { type TicketFilter, TicketStore } from './ticket-store.ts';
import type { Ticket, TicketEvent, TicketStatus, TranscriptLine } from './types.ts';

export interface TicketServiceOptions {
  db: Database;
  /** The clock every change is stamped with. */
  now: () => Date;
  /** The SLA engine bound to the configured policy and calendars. */
  sla: SlaOps;
  /**
   * A listener failed. The change it was told of is stored and stands; the listener's work is
   * caught up later (the SLA sweep, the next change). @defaultValue logs to stderr
   */
  onListenerError?: (err: unknown, change: TicketChange) => void;
}

/** The calls that change an existing ticket (`open` creates one). */
export const TICKET_CHANGES = [
  'submit',
  'claim',
  'waitOnEmployee',
  'employeeReplied',
  'escalate',
  'overrideSeverity',
  'raiseSeverity',
  'resolve',
  'close',
  'rate',
  'reopen',
  'linkToParent',
  'unlinkFromParent',
] as const;

/** What a listener hears after every stored change: the call and the ticket as stored. */
export interface TicketChange {
  action: 'open' | (typeof TICKET_CHANGES)[number];
  ticket: Ticket;
}

/** Told of each change after it is stored (SLA timers, triage cards, metrics); may be async. */
export type TicketListener = (change: TicketChange) => unknown;

export interface OpenTicketInput {
  title: string;
  severity: Severity;
  category: string;
  intent: string;
  rationale: string;
  signals?: Ticket['signals'];
  /** Flag a ticket sensitive whatever its category (payroll and security always are). */
  sensitive?: boolean;
  /** The caller knows the ticket concerns health or harassment: sensitive, with that reason. */
  sensitiveTopic?: SensitiveTopic;
  requesterId: string;
  threadId: string;
  transcript?: TranscriptLine[];
  /** Who opened it, for the audit log. @defaultValue requesterId */
  openedBy?: string;
  /** 'new' keeps it out of the L2 queue until `submit`. @defaultValue 'waiting_l2' */
  status?: Extract<TicketStatus, 'new' | 'waiting_l2'>;
}

export interface CloseOptions {
  /** The employee's rating, a whole number 1–5. */
  csat?: number;
  comment?: string;
}

export interface TicketService {
  readonly store: TicketStore;
  /** Adds a listener for every change from now on, in the order added; returns its removal. */
  onChange(listener: TicketListener): () => void;
  /** Opens a ticket with the next number, starts its first-response and resolution clocks. */
  open(input: OpenTicketInput): Promise<Ticket>;
  /** By id or number ("HL-1042"); throws TICKET_NOT_FOUND. */
  get(idOrNumber: string): Promise<Ticket>;
  list(filter?: TicketFilter): Promise<Ticket[]>;
  /** The audit log, oldest first. */
  events(idOrNumber: string): Promise<TicketEvent[]>;
  /** new → waiting_l2. */
  submit(idOrNumber: string, actor: string): Promise<Ticket>;
  /** Takes the ticket; stops the first-response clock. ALREADY_CLAIMED names the holder. */
  claim(idOrNumber: string, engineerId: string): Promise<Ticket>;
  /** The engineer asked the employee something: pauses the resolution clock. */
  waitOnEmployee(idOrNumber: string, actor: string, reason?: string): Promise<Ticket>;
  /** The employee answered: back to the engineer, resolution clock running again. */
  employeeReplied(idOrNumber: string, actor: string): Promise<Ticket>;
  /** To the next tier's queue (L2 → L3 → manager), unassigned. */
  escalate(idOrNumber: string, actor: string, reason?: string): Promise<Ticket>;
  /** A new severity with a required reason; retargets the clocks that are still counting. */
  overrideSeverity(idOrNumber: string, actor: string, severity: Severity, reason: string): Promise<Ticket>;
  /**
   * Re-triage (the conversation added scope): `severity` if it is more severe than the ticket's, with
   * the reason in the audit log and as the ticket's rationale (the earlier one kept after it), and the
   * counting clocks retargeted — like overrideSeverity. Never
   * lowers: a severity as or less severe, or a ticket no longer open, returns the ticket unchanged
   * (and no listener hears of it). Lowering stays a human decision.
   */
  raiseSeverity(
    idOrNumber: string,
    actor: string,
    severity: Severity,
    reason: string,
    /** Kept on the audit entry (e.g. the message that raised it, so a retried job finds its raise). */
    data?: Record<string, unknown>,
  ): Promise<Ticket>;
  /** Stops the resolution clock; the employee is asked to confirm and rate. */
  resolve(idOrNumber: string, actor: string, note?: string): Promise<Ticket>;
  /** The employee confirms (optionally rating 1–5), or the ticket closes by itself. */
  close(idOrNumber: string, actor: string, options?: CloseOptions): Promise<Ticket>;
  /** A rating given after closing. */
  rate(idOrNumber: string, actor: string, csat: number, comment?: string): Promise<Ticket>;
  /** "Not solved": back to its engineer (or the queue), the resolution clock continuing where it stopped. */
  reopen(idOrNumber: string, actor: string, reason?: string): Promise<Ticket>;
  /** Mass incident: this report joins `parentIdOrNumber`, whose reporter count grows by one. */
  linkToParent(idOrNumber: string, parentIdOrNumber: string, actor: string): Promise<Ticket>;
  /** The report leaves its parent incident (linked by mistake); the parent's severity is kept. */
  unlinkFromParent(idOrNumber: string, actor: string, reason?: string): Promise<Ticket>;
}

const SEVERITIES: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];
/** Thrown inside raiseSeverity's update when the stored ticket needs no raise: nothing is written. */
const NOT_RAISED = new Error('not raised');
const MAX_TITLE = 200;

export function createTicketService(options: TicketServiceOptions): TicketService {
  const { now, sla } = options;
  const store = new TicketStore(options.db);
  const listeners: TicketListener[] = [];
  const onListenerError =
    options.onListenerError ??
    ((err: unknown, change: TicketChange) =>
      console.error(`[helpline] a listener of ${change.action} on ${change.ticket.number} failed:`, err));

  /** Tells every listener of a stored change; a failing listener never fails the change. */
  const changed = async (action: TicketChange['action'], ticket: Promise<Ticket>): Promise<Ticket> => {
    const change = { action, ticket: await ticket };
    for (const listener of listeners) {
      try {
        await listener(change);
      } catch (err) {
        onListenerError(err, change);
      }
    }
    return change.ticket;
  };

  /** Applies one lifecycle action, syncs the clocks, stores; retried on concurrent changes. */
  const act = (name: TicketChange['action'], idOrNumber: string, actor: string, action: TicketAction) =>
    changed(
      name,
      store.mutate(idOrNumber, (current) => {
        const at = now();
        const { ticket, event } = transition(current, action, actor, at);
        return { ticket: { ...ticket, clocks: syncClocks(ticket, sla, at) }, events: [event] };
      }),
    );

  return {
    store,

    onChange(listener) {
      listeners.push(listener);
      return () => {
        const i = listeners.indexOf(listener);
        if (i >= 0) listeners.splice(i, 1);
      };
    },

    async open(input) {
      validate(input);
      const at = now();
      const { sensitive, reason } = sensitivity(input.category, {
        sensitive: input.sensitive,
        topic: input.sensitiveTopic,
      });
      const title = input.title.trim().replace(/\s+/g, ' ');
      const created = store.create(
        {
          title: title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title,
          status: input.status ?? 'waiting_l2',
          severity: input.severity,
          category: input.category,
          intent: input.intent,
          rationale: input.rationale,
          signals: input.signals ?? [],
          sensitive,
          sensitiveReason: reason,
          tier: 'L2',
          requesterId: input.requesterId,
          threadId: input.threadId,
          transcript: input.transcript ?? [],
        },
        {
          now: at,
          actor: input.openedBy ?? input.requesterId,
          clocks: startClocks(sla, input.severity, at),
          eventData: {
            sensitive,
            sensitiveReason: reason,
            signals: (input.signals ?? []).map((s) => s.name),
          },
        },
      );
      return changed('open', created);
    },

    get: (idOrNumber) => store.require(idOrNumber),
    list: (filter) => store.list(filter),
    async events(idOrNumber) {
      return store.events((await store.require(idOrNumber)).id);
    },

    submit: (id, actor) => act('submit', id, actor, { type: 'submit' }),
    claim(idOrNumber, engineerId) {
      const at = now();
      return changed(
        'claim',
        store.claim(idOrNumber, engineerId, at, { clocks: (_before, after) => syncClocks(after, sla, at) }),
      );
    },
    waitOnEmployee: (id, actor, reason) =>
      act('waitOnEmployee', id, actor, { type: 'wait_on_employee', reason }),
    employeeReplied: (id, actor) => act('employeeReplied', id, actor, { type: 'employee_replied' }),
    escalate: (id, actor, reason) => act('escalate', id, actor, { type: 'escalate', reason }),
    overrideSeverity: (id, actor, severity, reason) =>
      act('overrideSeverity', id, actor, { type: 'override_severity', severity, reason }),
    async raiseSeverity(idOrNumber, actor, severity, reason, data = {}) {
      // Decided on the stored ticket inside the update, so a concurrent human override wins the race.
      const higher = (t: Ticket) =>
        OPEN_STATUSES.includes(t.status) && SEVERITIES.indexOf(severity) < SEVERITIES.indexOf(t.severity);
      const current = await store.require(idOrNumber);
      if (!higher(current)) return current;
      let unchanged: Ticket | undefined;
      let raised: Ticket;
      try {
        raised = await store.mutate(idOrNumber, (t) => {
          if (!higher(t)) {
            unchanged = t;
            throw NOT_RAISED;
          }
          const at = now();
          const action = { type: 'override_severity', severity, reason } as const;
          const { ticket, event } = transition(t, action, actor, at);
          // The card's "why this severity" follows the severity it explains.
          const rationale = `${reason} (Before: ${t.rationale})`.slice(0, 2000);
          return {
            ticket: { ...ticket, rationale, clocks: syncClocks(ticket, sla, at) },
            events: [{ ...event, data: { ...event.data, ...data } }],
          };
        });
      } catch (err) {
        if (err === NOT_RAISED && unchanged) return unchanged;
        throw err;
      }
      return changed('raiseSeverity', Promise.resolve(raised));
    },
    resolve: (id, actor, note) => act('resolve', id, actor, { type: 'resolve', reason: note }),
    close: (id, actor, opts = {}) =>
      act('close', id, actor, { type: 'close', csat: opts.csat, comment: opts.comment }),
    rate: (id, actor, csat, comment) => act('rate', id, actor, { type: 'rate', csat, comment }),
    reopen: (id, actor, reason) => act('reopen', id, actor, { type: 'reopen', reason }),

    linkToParent(idOrNumber, parentIdOrNumber, actor) {
      return changed(
        'linkToParent',
        store.mutate(idOrNumber, async (current) => {
          const parent = await store.require(parentIdOrNumber);
          const at = now();
          const { ticket, event } = transition(current, { type: 'link_parent', parent }, actor, at);
          return {
            ticket,
            events: [
              event,
              {
                ticketId: parent.id,
                at: at.toISOString(),
                actor,
                action: 'reporter_linked',
                from: null,
                to: current.number,
                reason: null,
                data: { childId: current.id, childNumber: current.number, requesterId: current.requesterId },
              },
            ],
            // Decided on the parent's state: if it is resolved meanwhile, try again (and refuse).
            unchanged: [parent],
          };
        }),
      );
    },

    unlinkFromParent(idOrNumber, actor, reason) {
      return changed(
        'unlinkFromParent',
        store.mutate(idOrNumber, async (current) => {
          if (!current.parentId) {
            throw new HelplineError(
              'ILLEGAL_TRANSITION',
              `${current.number} is not linked to an incident; there is nothing to unlink.`,
            );
          }
          const parent = await store.require(current.parentId);
          const at = now();
          const { ticket, event } = transition(current, { type: 'unlink_parent', parent }, actor, at);
          return {
            ticket,
            events: [
              { ...event, reason: reason?.trim() || null },
              {
                ticketId: parent.id,
                at: at.toISOString(),
                actor,
                action: 'reporter_unlinked',
                from: current.number,
                to: null,
                reason: reason?.trim() || null,
                data: { childId: current.id, childNumber: current.number },
              },
            ],
          };
        }),
      );
    },
  };
}

function validate(input: OpenTicketInput): void {
  const missing = (['title', 'category', 'requesterId', 'threadId'] as const).filter(
    (k) => typeof input[k] !== 'string' || !input[k].trim(),
  );
  if (missing.length)
    throw new HelplineError('BAD_REQUEST', `A ticket needs ${missing.join(', ')}; got none.`);
  if (!SEVERITIES.includes(input.severity)) {
    throw new HelplineError(
      'BAD_REQUEST',
      `Severity must be one of ${SEVERITIES.join(', ')}; got "${input.severity}".`,
    );
  }
}
