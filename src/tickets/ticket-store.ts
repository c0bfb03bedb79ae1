/**
 * Tickets, their audit log and their SLA clocks in the database. Every change is one transaction:
 * the ticket row, its clocks and its events are written together or not at all. The transactions
 * are procedures (store/procedure.ts): the embedded database runs each whole in its worker thread.
 *
 * Concurrency: each ticket has a `version`. `update` writes only if the row still has the version
 * the caller read (else CONFLICT), so a change based on a stale read can never overwrite another;
 * `mutate` re-reads and re-applies the change on conflict. `claim` is a conditional UPDATE (still
 * unassigned, still claimable, still the version read), so of two engineers claiming at once
 * exactly one wins and the other gets ALREADY_CLAIMED naming the winner.
 */
import { randomUUID } from 'node:crypto';
import { isHelplineError } from '../errors.ts';
import type { SlaClock } from '../sla/types.ts';
import type { Database } from '../store/database.ts';
import { runProcedure } from '../store/procedure.ts';
import { OPEN_STATUSES, transition } from './lifecycle.ts';
import {
  type EventRow,
  isUuid,
  parseNumber,
  TICKET_SELECT,
  type TicketRow,
  toEvent,
  toTicket,
} from './ticket-rows.ts';
import {
  claimTicketTx,
  conflict,
  createTicketTx,
  notFound,
  readTicket,
  recordViewTx,
  updateTicketTx,
  writeEvents,
} from './ticket-transactions.ts';
import type { NewTicketEvent, Ticket, TicketEvent, TicketStatus } from './types.ts';

/** What a new ticket is made of; the store adds id, number, version and times. */
export type NewTicketRecord = Pick<
  Ticket,
  | 'title'
  | 'status'
  | 'severity'
  | 'category'
  | 'intent'
  | 'rationale'
  | 'signals'
  | 'sensitive'
  | 'sensitiveReason'
  | 'tier'
  | 'requesterId'
  | 'threadId'
  | 'transcript'
>;

export interface TicketFilter {
  requesterId?: string;
  assigneeId?: string;
  category?: string;
  threadId?: string;
  /** Tickets linked to this parent incident; null: tickets linked to none. */
  parentId?: string | null;
  intent?: string;
  status?: TicketStatus | TicketStatus[];
  /** Only open tickets (new, waiting_l2, claimed, waiting_employee). */
  open?: boolean;
  /** @defaultValue 'newest' */
  order?: 'newest' | 'oldest';
  /** @defaultValue 100 */
  limit?: number;
}

/** A change to store: the ticket as it should become (with the version it was read at) and its events. */
export interface TicketChange {
  ticket: Ticket;
  /** Audit events; they may belong to other tickets too (a parent incident hears of a new report). */
  events: NewTicketEvent[];
  /** Other tickets the change was decided on: it fails with CONFLICT if any of them changed since. */
  unchanged?: Ticket[];
}

export interface ClaimOptions {
  /** The clocks to store with the claim, given the ticket before and after it (stop first response). */
  clocks?: (before: Ticket, after: Ticket) => SlaClock[];
  /** Attempts when unrelated changes race the claim. @defaultValue 10 */
  attempts?: number;
}

export class TicketStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Inserts the ticket with the next number (HL-1001, HL-1002, …), its clocks and its 'opened' event. */
  async create(
    record: NewTicketRecord,
    options: {
      now: Date;
      actor: string;
      clocks?: SlaClock[];
      parentId?: string | null;
      eventData?: Record<string, unknown>;
    },
  ): Promise<Ticket> {
    return runProcedure(this.#db, createTicketTx, {
      id: randomUUID(),
      at: options.now.toISOString(),
      record,
      actor: options.actor,
      clocks: options.clocks ?? [],
      parentId: options.parentId ?? null,
      eventData: options.eventData,
    });
  }

  async get(id: string): Promise<Ticket | undefined> {
    if (!isUuid(id)) return undefined;
    return readTicket(this.#db, 't.id = $1', [id]);
  }

  /** By "HL-1042" (any case) or "1042". */
  async getByNumber(number: string): Promise<Ticket | undefined> {
    const n = parseNumber(number);
    return n === undefined ? undefined : readTicket(this.#db, 't.number = $1', [n]);
  }

  /** By id or number; throws TICKET_NOT_FOUND. */
  async require(idOrNumber: string): Promise<Ticket> {
    const ticket = isUuid(idOrNumber) ? await this.get(idOrNumber) : await this.getByNumber(idOrNumber);
    if (!ticket) throw notFound(idOrNumber);
    return ticket;
  }

  async list(filter: TicketFilter = {}): Promise<Ticket[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.requesterId !== undefined) add('t.requester_id = ?', filter.requesterId);
    if (filter.assigneeId !== undefined) add('t.assignee_id = ?', filter.assigneeId);
    if (filter.category !== undefined) add('t.category = ?', filter.category);
    if (filter.threadId !== undefined) add('t.thread_id = ?', filter.threadId);
    if (filter.parentId === null) where.push('t.parent_id IS NULL');
    else if (filter.parentId !== undefined) {
      if (!isUuid(filter.parentId)) return [];
      add('t.parent_id = ?', filter.parentId);
    }
    if (filter.intent !== undefined) add('t.intent = ?', filter.intent);
    let statuses = filter.status === undefined ? undefined : ([] as TicketStatus[]).concat(filter.status);
    if (filter.open) statuses = (statuses ?? [...OPEN_STATUSES]).filter((s) => OPEN_STATUSES.includes(s));
    if (statuses) {
      if (statuses.length === 0) return [];
      // One parameter per status: pg and PGlite bind array parameters differently.
      const marks = statuses.map((s) => {
        params.push(s);
        return `$${params.length}`;
      });
      where.push(`t.status IN (${marks.join(', ')})`);
    }
    const order = filter.order === 'oldest' ? 'ASC' : 'DESC';
    params.push(Math.max(1, Math.min(filter.limit ?? 100, 1000)));
    const rows = await this.#db.query<TicketRow>(
      `${TICKET_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY t.created_at ${order}, t.number ${order} LIMIT $${params.length}`,
      params,
    );
    return rows.map(toTicket);
  }

  /** The audit log of one ticket, oldest first. */
  async events(ticketId: string): Promise<TicketEvent[]> {
    if (!isUuid(ticketId)) return [];
    const rows = await this.#db.query<EventRow>(
      'SELECT * FROM ticket_events WHERE ticket_id = $1 ORDER BY id',
      [ticketId],
    );
    return rows.map(toEvent);
  }

  /**
   * Stores `change.ticket` (every mutable field and its clocks) if the row still has
   * `change.ticket.version`; appends the events; returns the stored ticket (version + 1).
   * Throws CONFLICT when someone changed it in between, TICKET_NOT_FOUND when it does not exist.
   */
  async update(change: TicketChange): Promise<Ticket> {
    return runProcedure(this.#db, updateTicketTx, change);
  }

  /** Appends one audit entry that changes nothing. */
  async audit(event: NewTicketEvent): Promise<void> {
    await writeEvents(this.#db, [event]);
  }

  /**
   * A 'viewed' entry (a sensitive ticket was read), unless the same person's read of this ticket is
   * recorded since `since` or under the same page view `view` (kept as `data.view`). Reads at once
   * write one entry. True when it wrote one.
   */
  async auditView(
    event: NewTicketEvent & { action: 'viewed' },
    options: { since: Date; view?: string },
  ): Promise<boolean> {
    const view = options.view ?? null;
    return runProcedure(this.#db, recordViewTx, {
      event: view ? { ...event, data: { ...event.data, view } } : event,
      since: options.since.toISOString(),
      view,
    });
  }

  /**
   * Read, change, update; on CONFLICT read again and re-apply `change` (which may then throw, e.g.
   * ILLEGAL_TRANSITION because the status moved on). `change` must be pure: it can run more than once.
   */
  async mutate(
    idOrNumber: string,
    change: (current: Ticket) => TicketChange | Promise<TicketChange>,
    attempts = 5,
  ): Promise<Ticket> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.require(idOrNumber);
      try {
        return await this.update(await change(current));
      } catch (err) {
        if (!isHelplineError(err, 'CONFLICT') || attempt >= attempts) throw err;
      }
    }
  }

  /**
   * `engineerId` takes the ticket if nobody has: exactly one of any number of simultaneous claims
   * wins; the others get ALREADY_CLAIMED with `details.assigneeId`. Claiming a ticket you already
   * hold returns it unchanged (a redelivered button click). A resolved or closed ticket cannot be
   * claimed (ILLEGAL_TRANSITION).
   */
  async claim(ticketId: string, engineerId: string, now: Date, options: ClaimOptions = {}): Promise<Ticket> {
    const attempts = options.attempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      const current = await this.require(ticketId);
      let next: ReturnType<typeof transition>;
      try {
        next = transition(current, { type: 'claim' }, engineerId, now);
      } catch (err) {
        if (isHelplineError(err, 'ALREADY_CLAIMED') && current.assigneeId === engineerId) return current;
        throw err;
      }
      const claimed = await runProcedure(this.#db, claimTicketTx, {
        current,
        engineerId,
        next,
        clocks: options.clocks?.(current, next.ticket),
      });
      if (claimed) return claimed;
      // Lost a race: the next read shows who won (ALREADY_CLAIMED) or an unrelated change (retry).
      if (attempt >= attempts) throw conflict(current, current.version + 1);
    }
  }
}
