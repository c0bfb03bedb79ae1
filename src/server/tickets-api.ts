/**
 * JSON API over tickets and insights (the console's data): a ticket with its severity, rationale
 * and SLA deadlines, its audit log, and the knowledge-gap report.
 */
import { Hono } from 'hono';
import { listGaps } from '../insights/knowledge-gaps.ts';
import { maskPii } from '../privacy/pii.ts';
import { calendarById } from '../sla/calendars/builtin.ts';
import { clockState, dueAt } from '../sla/clock.ts';
import type { CalendarSet, SlaClock } from '../sla/types.ts';
import type { Database } from '../store/database.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket, TicketStatus } from '../tickets/types.ts';

export interface TicketsApiDeps {
  tickets: TicketService;
  db: Database;
  calendars: CalendarSet;
  now: () => Date;
}

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

export function createTicketsApi(deps: TicketsApiDeps): Hono {
  const app = new Hono();
  app.get('/tickets', async (c) => {
    const status = c.req.query('status');
    const list = await deps.tickets.list({
      requesterId: c.req.query('requester') || undefined,
      category: c.req.query('category') || undefined,
      threadId: c.req.query('thread') || undefined,
      open: c.req.query('open') === 'true' ? true : undefined,
      status: status && STATUSES.includes(status as TicketStatus) ? (status as TicketStatus) : undefined,
      limit: Math.min(Number(c.req.query('limit') ?? 100) || 100, 500),
    });
    const now = deps.now();
    return c.json({ tickets: list.map((t) => ticketView(t, deps.calendars, now)) });
  });
  app.get('/tickets/:id', async (c) =>
    c.json(ticketView(await deps.tickets.get(c.req.param('id')), deps.calendars, deps.now())),
  );
  app.get('/tickets/:id/events', async (c) =>
    c.json({ events: await deps.tickets.events(c.req.param('id')) }),
  );
  app.get('/insights/gaps', async (c) => c.json({ gaps: await listGaps(deps.db, 100) }));
  return app;
}
