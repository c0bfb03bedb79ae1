/**
 * JSON API over tickets and insights (the console's data): a ticket with its severity, rationale
 * and SLA deadlines, its audit log, and the knowledge-gap report.
 */
import { type Context, Hono } from 'hono';
import { insightsDecision, internalNotesDecision, ticketDecision } from '../access/policy.ts';
import { HelplineError } from '../errors.ts';
import { listGaps } from '../insights/knowledge-gaps.ts';
import { maskPii } from '../privacy/pii.ts';
import { calendarById } from '../sla/calendars/builtin.ts';
import { clockState, dueAt } from '../sla/clock.ts';
import { SEVERITIES } from '../sla/policy.ts';
import type { CalendarSet, SlaClock } from '../sla/types.ts';
import type { Database } from '../store/database.ts';
import { isOpen } from '../tickets/lifecycle.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket, TicketStatus } from '../tickets/types.ts';
import { callerOf, readTicket } from './ticket-reads.ts';

export interface TicketsApiDeps {
  tickets: TicketService;
  db: Database;
  calendars: CalendarSet;
  now: () => Date;
}

export type TicketView = ReturnType<typeof ticketView>;

export function ticketView(t: Ticket, calendars: CalendarSet, now: Date) {
  const clock = (c: SlaClock | undefined) => {
    if (!c) return null;
    const cal = calendarById(calendars, c.calendarId);
    return {
      state: clockState(c, cal, now),
      dueAt: dueAt(c, cal)?.toISOString() ?? null,
      budgetMs: c.budgetMs,
      calendar: c.calendarId,
      warnedAt: c.warnedAt,
      breachedAt: c.breachedAt,
    };
  };
  return {
    id: t.id,
    number: t.number,
    title: t.title,
    status: t.status,
    severity: t.severity,
    category: t.category,
    intent: t.intent,
    rationale: t.rationale,
    signals: t.signals,
    sensitive: t.sensitive,
    tier: t.tier,
    requesterId: t.requesterId,
    threadId: t.threadId,
    assigneeId: t.assigneeId,
    parentId: t.parentId,
    reporters: t.reporters,
    /** Sent back with a console action: a ticket changed since is a conflict, not a silent overwrite. */
    version: t.version,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    sla: {
      firstResponse: clock(t.clocks.find((c) => c.kind === 'first_response')),
      resolution: clock(t.clocks.find((c) => c.kind === 'resolution')),
    },
    // Personal data stays out of API listings; the full text is in the database and the DMs.
    transcript: t.transcript.map((l) => ({ ...l, text: maskPii(l.text) })),
  };
}

const STATUSES: TicketStatus[] = ['new', 'waiting_l2', 'claimed', 'waiting_employee', 'resolved', 'closed'];

/**
 * Every route needs a principal (the app's gate refuses anonymous calls before they get here); the
 * policy decides what each one returns. A ticket the caller may not read is a 404 for employees
 * (ids do not leak) and a 403 naming the reason for staff; every read of a sensitive ticket by
 * someone other than its requester goes to its audit log.
 */
export function createTicketsApi(deps: TicketsApiDeps): Hono {
  const app = new Hono();
  const caller = callerOf;
  const readable = async (c: Context, idOrNumber: string): Promise<Ticket> =>
    (await readTicket(deps, c, idOrNumber)).ticket;

  app.get('/tickets', async (c) => {
    const p = caller(c);
    const status = oneOf(c, 'status', STATUSES);
    const severity = oneOf(c, 'severity', SEVERITIES);
    const open = oneOf(c, 'open', ['true', 'false'] as const);
    const limitParam = c.req.query('limit');
    const asked = limitParam === undefined || limitParam === '' ? 100 : Number(limitParam);
    if (!Number.isInteger(asked) || asked < 1)
      throw new HelplineError(
        'BAD_REQUEST',
        `limit must be a whole number from 1 (at most 500 are listed), not "${limitParam}".`,
      );
    const limit = Math.min(asked, 500);
    const filter = {
      category: c.req.query('category') || undefined,
      threadId: c.req.query('thread') || undefined,
      open: open === 'true' ? true : undefined,
      status,
    };
    const requester = c.req.query('requester') || undefined;
    // An employee's own tickets, under each of their linked user keys; staff filter by policy.
    const requesters = p.role === 'employee' ? p.aliases : requester ? [requester] : [undefined];
    const found: Ticket[] = [];
    for (const requesterId of requesters) {
      found.push(...(await deps.tickets.list({ ...filter, requesterId, limit: Math.min(limit * 4, 2000) })));
    }
    const visible = found
      .filter((t) => ticketDecision(p, 'read', t).allowed)
      .filter(
        (t) => (severity ? t.severity === severity : true) && (open === 'false' ? !isOpen(t.status) : true),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
    const now = deps.now();
    return c.json({ tickets: visible.map((t) => ticketView(t, deps.calendars, now)) });
  });
  app.get('/tickets/:id', async (c) =>
    c.json(ticketView(await readable(c, c.req.param('id')), deps.calendars, deps.now())),
  );
  app.get('/tickets/:id/events', async (c) => {
    const { p, ticket } = await readTicket(deps, c, c.req.param('id'));
    const notes = internalNotesDecision(p, ticket).allowed;
    const events = await deps.tickets.events(ticket.id);
    return c.json({ events: notes ? events : events.filter((e) => e.action !== 'note') });
  });
  app.get('/insights/gaps', async (c) => {
    const decision = insightsDecision(caller(c));
    if (!decision.allowed) throw new HelplineError('FORBIDDEN', decision.reason);
    return c.json({ gaps: await listGaps(deps.db, { limit: 100 }) });
  });
  return app;
}

/** A query parameter that must be one of `allowed` when given: anything else is a 400 naming them. */
function oneOf<T extends string>(c: Context, name: string, allowed: readonly T[]): T | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new HelplineError('BAD_REQUEST', `${name} must be one of ${allowed.join(', ')}, not "${value}".`);
  return value as T;
}
