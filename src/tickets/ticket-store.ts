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
import { HelplineError, isHelplineError } from '../errors.ts';
import type { SlaClock } from '../sla/types.ts';
import { type Database, jsonParam, type Queryable } from '../store/database.ts';
import { procedure, runProcedure } from '../store/procedure.ts';
import { CLAIMABLE_STATUSES, OPEN_STATUSES, transition } from './lifecycle.ts';
import {
  type EventRow,
  isUuid,
  parseNumber,
  TICKET_SELECT,
  type TicketRow,
  toEvent,
  toTicket,
} from './ticket-rows.ts';
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

  /** Appends one audit entry that changes nothing (a sensitive ticket was read). */
  async audit(event: NewTicketEvent): Promise<void> {
    await writeEvents(this.#db, [event]);
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

async function readTicket(q: Queryable, where: string, params: unknown[]): Promise<Ticket | undefined> {
  const rows = await q.query<TicketRow>(`${TICKET_SELECT} WHERE ${where}`, params);
  return rows[0] && toTicket(rows[0]);
}

async function writeClocks(tx: Queryable, ticketId: string, clocks: SlaClock[]): Promise<void> {
  for (const c of clocks) {
    await tx.query(
      `INSERT INTO sla_clocks (ticket_id, kind, severity, calendar_id, started_at, budget_ms, consumed_ms, running_since,
         stopped_at, warned_at, breached_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (ticket_id, kind) DO UPDATE SET severity = EXCLUDED.severity, calendar_id = EXCLUDED.calendar_id,
         started_at = EXCLUDED.started_at, budget_ms = EXCLUDED.budget_ms, consumed_ms = EXCLUDED.consumed_ms,
         running_since = EXCLUDED.running_since, stopped_at = EXCLUDED.stopped_at, warned_at = EXCLUDED.warned_at,
         breached_at = EXCLUDED.breached_at`,
      [
        ticketId,
        c.kind,
        c.severity,
        c.calendarId,
        c.startedAt,
        Math.round(c.budgetMs),
        Math.round(c.consumedMs),
        c.runningSince,
        c.stoppedAt,
        c.warnedAt,
        c.breachedAt,
      ],
    );
  }
}

/** Appends audit events inside the caller's transaction (a change recorded with its own rows). */
export async function writeEvents(tx: Queryable, events: NewTicketEvent[]): Promise<void> {
  for (const e of events) {
    await tx.query(
      `INSERT INTO ticket_events (ticket_id, at, actor, action, from_value, to_value, reason, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [e.ticketId, e.at, e.actor, e.action, e.from, e.to, e.reason, jsonParam(e.data ?? {})],
    );
  }
}

function notFound(idOrNumber: string): HelplineError {
  return new HelplineError(
    'TICKET_NOT_FOUND',
    `There is no ticket ${idOrNumber}; check the number (like HL-1042).`,
    {
      details: { ticket: idOrNumber },
    },
  );
}

function conflict(ticket: Ticket, actualVersion: number): HelplineError {
  return new HelplineError(
    'CONFLICT',
    `${ticket.number} was changed by someone else while you were working on it; read it again and retry.`,
    {
      details: { ticketId: ticket.id, number: ticket.number, expectedVersion: ticket.version, actualVersion },
    },
  );
}

/** The transactions of the store, run whole where the database's engine is (procedure.ts). */
export const createTicketTx = procedure(
  import.meta.url,
  'createTicketTx',
  async (
    tx,
    a: {
      id: string;
      at: string;
      record: NewTicketRecord;
      actor: string;
      clocks: SlaClock[];
      parentId: string | null;
      eventData?: Record<string, unknown>;
    },
  ): Promise<Ticket> => {
    await tx.query(
      `INSERT INTO tickets (id, title, status, severity, category, intent, rationale, signals, sensitive, sensitive_reason,
         tier, requester_id, thread_id, parent_id, transcript, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $16)`,
      [
        a.id,
        a.record.title,
        a.record.status,
        a.record.severity,
        a.record.category,
        a.record.intent,
        a.record.rationale,
        jsonParam(a.record.signals),
        a.record.sensitive,
        a.record.sensitiveReason,
        a.record.tier,
        a.record.requesterId,
        a.record.threadId,
        a.parentId,
        jsonParam(a.record.transcript),
        a.at,
      ],
    );
    await writeClocks(tx, a.id, a.clocks);
    await writeEvents(tx, [
      {
        ticketId: a.id,
        at: a.at,
        actor: a.actor,
        action: 'opened',
        from: null,
        to: a.record.status,
        reason: a.record.rationale || null,
        data: {
          severity: a.record.severity,
          category: a.record.category,
          tier: a.record.tier,
          ...a.eventData,
        },
      },
    ]);
    return (await readTicket(tx, 't.id = $1', [a.id]))!;
  },
);

export const updateTicketTx = procedure(
  import.meta.url,
  'updateTicketTx',
  async (tx, change: TicketChange): Promise<Ticket> => {
    const { ticket } = change;
    for (const other of change.unchanged ?? []) {
      // FOR SHARE: the other ticket cannot change until this transaction ends.
      const rows = await tx.query<{ version: number }>(
        'SELECT version FROM tickets WHERE id = $1 FOR SHARE',
        [other.id],
      );
      if (!rows[0]) throw notFound(other.number);
      if (rows[0].version !== other.version) throw conflict(other, rows[0].version);
    }
    const updated = await tx.query(
      `UPDATE tickets SET title = $3, status = $4, severity = $5, category = $6, intent = $7, rationale = $8,
         signals = $9::jsonb, sensitive = $10, sensitive_reason = $11, tier = $12, assignee_id = $13, parent_id = $14,
         transcript = $15::jsonb, csat = $16, resolved_at = $17, closed_at = $18, updated_at = $19, version = version + 1
       WHERE id = $1 AND version = $2 RETURNING id`,
      [
        ticket.id,
        ticket.version,
        ticket.title,
        ticket.status,
        ticket.severity,
        ticket.category,
        ticket.intent,
        ticket.rationale,
        jsonParam(ticket.signals),
        ticket.sensitive,
        ticket.sensitiveReason,
        ticket.tier,
        ticket.assigneeId,
        ticket.parentId,
        jsonParam(ticket.transcript),
        ticket.csat,
        ticket.resolvedAt,
        ticket.closedAt,
        ticket.updatedAt,
      ],
    );
    if (updated.length === 0) {
      const rows = await tx.query<{ version: number }>('SELECT version FROM tickets WHERE id = $1', [
        ticket.id,
      ]);
      throw rows[0] ? conflict(ticket, rows[0].version) : notFound(ticket.number);
    }
    await writeClocks(tx, ticket.id, ticket.clocks);
    await writeEvents(tx, change.events);
    return (await readTicket(tx, 't.id = $1', [ticket.id]))!;
  },
);

export const claimTicketTx = procedure(
  import.meta.url,
  'claimTicketTx',
  async (
    tx,
    a: { current: Ticket; engineerId: string; next: ReturnType<typeof transition>; clocks?: SlaClock[] },
  ): Promise<Ticket | undefined> => {
    const { current, engineerId, next } = a;
    const marks = CLAIMABLE_STATUSES.map((_, i) => `$${i + 5}`).join(', ');
    const won = await tx.query(
      `UPDATE tickets SET status = 'claimed', assignee_id = $2, updated_at = $3, version = version + 1
       WHERE id = $1 AND version = $4 AND assignee_id IS NULL AND status IN (${marks}) RETURNING id`,
      [current.id, engineerId, next.ticket.updatedAt, current.version, ...CLAIMABLE_STATUSES],
    );
    if (won.length === 0) return undefined;
    if (a.clocks) await writeClocks(tx, current.id, a.clocks);
    await writeEvents(tx, [next.event]);
    return readTicket(tx, 't.id = $1', [current.id]);
  },
);
