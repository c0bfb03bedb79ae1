/**
 * The ticket store's transactions (ticket-store.ts): a ticket created, updated or claimed with its
 * SLA clocks and audit events, each one transaction. They are procedures (store/procedure.ts): the
 * embedded database runs each whole in its worker thread, PostgreSQL as an ordinary transaction.
 */
import { HelplineError } from '../errors.ts';
import type { SlaClock } from '../sla/types.ts';
import { jsonParam, type Queryable } from '../store/database.ts';
import { procedure } from '../store/procedure.ts';
import { CLAIMABLE_STATUSES, type transition } from './lifecycle.ts';
import { TICKET_SELECT, type TicketRow, toTicket } from './ticket-rows.ts';
import type { NewTicketRecord, TicketChange } from './ticket-store.ts';
import type { NewTicketEvent, Ticket } from './types.ts';

export async function readTicket(
  q: Queryable,
  where: string,
  params: unknown[],
): Promise<Ticket | undefined> {
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

export function conflict(ticket: Ticket, actualVersion: number): HelplineError {
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

/**
 * A read of a sensitive ticket, recorded unless the same person's read of it is recorded already
 * since `since`, or under the same page view (`data.view`). Serialized per ticket and reader by a
 * transaction-scoped advisory lock, so the several reads one page load makes at once write one row.
 * True when it wrote.
 */
export const recordViewTx = procedure(
  import.meta.url,
  'recordViewTx',
  async (tx, a: { event: NewTicketEvent; since: string; view: string | null }): Promise<boolean> => {
    const { event } = a;
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `helpline:viewed:${event.ticketId}:${event.actor}`,
    ]);
    const seen = await tx.query(
      `SELECT 1 FROM ticket_events
        WHERE ticket_id = $1 AND action = 'viewed' AND actor = $2
          AND (at > $3::timestamptz OR ($4::text IS NOT NULL AND data->>'view' = $4::text))
        LIMIT 1`,
      [event.ticketId, event.actor, a.since, a.view],
    );
    if (seen.length > 0) return false;
    await writeEvents(tx, [event]);
    return true;
  },
);

export function notFound(idOrNumber: string): HelplineError {
  return new HelplineError(
    'TICKET_NOT_FOUND',
    `There is no ticket ${idOrNumber}; check the number (like HL-1042).`,
    {
      details: { ticket: idOrNumber },
    },
  );
}
