/**
 * The console's JSON API (issue 14), mounted under /api beside the tickets API:
 *   GET  /api/console/inbox?severity&category&platform&tier → {me, counts, tickets} by SLA deadline
 *   GET  /api/console/stream                  → server-sent `change` events when any ticket changes
 *                                               (an employee's: when one of their own does); a read
 *                                               ('viewed' in the audit log) is not a change
 *   GET  /api/tickets/:id/conversation        → the ticket's part of the employee's thread, never
 *                                               another ticket's messages (masked unless theirs / held)
 *   POST /api/tickets/:id/:action             → claim | reply | note | escalate | resolve | reopen | override
 *                                               ({version}: 409 CONFLICT, naming who, if it changed since)
 * Service KPIs and SLA clock history are in insights-api.ts.
 * Every route is decided by the policy (src/access/policy.ts); the app's authentication checks the
 * CSRF token of cookie sessions on the POSTs. The stream watches the audit log's latest id, which
 * every change in any process writes, so it is live across web and worker processes alike. Reads
 * of sensitive tickets are audited too, but are not changes: a page that reloads on every change
 * would otherwise write a read, see it as a change, and reload again, forever.
 */
import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ticketDecision } from '../access/policy.ts';
import { countQueues, deadlineOf, type InboxEntry, queuesOf, sortByDeadline } from '../console/inbox.ts';
import { platformOf } from '../console/kpis.ts';
import { CONSOLE_ACTIONS, type ConsoleAction, type ConsoleActions } from '../console/ticket-actions.ts';
import type { ConversationStore } from '../conversations/types.ts';
import { HelplineError } from '../errors.ts';
import { maskPii } from '../privacy/pii.ts';
import type { CalendarSet } from '../sla/types.ts';
import type { Database } from '../store/database.ts';
import { ticketConversation } from '../tickets/thread-parts.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { Ticket } from '../tickets/types.ts';
import { callerOf, readTicket } from './ticket-reads.ts';
import { ticketView } from './tickets-api.ts';

export interface ConsoleApiDeps {
  tickets: TicketService;
  store: ConversationStore;
  db: Database;
  calendars: CalendarSet;
  actions: ConsoleActions;
  now: () => Date;
  /** How often the stream looks for changes. @defaultValue 1000 */
  pollMs?: number;
  /** A stream ends after this long; EventSource reconnects. @defaultValue 10 min */
  streamMaxMs?: number;
}

const INBOX_LIMIT = 500;

const caller = callerOf;

export function createConsoleApi(deps: ConsoleApiDeps): Hono {
  const app = new Hono();

  const readable = (c: Context, idOrNumber: string) => readTicket(deps, c, idOrNumber);

  app.get('/console/inbox', async (c) => {
    const p = caller(c);
    const now = deps.now();
    const found: Ticket[] =
      p.role === 'employee'
        ? (
            await Promise.all(
              p.aliases.map((requesterId) =>
                deps.tickets.list({ requesterId, open: true, limit: INBOX_LIMIT }),
              ),
            )
          ).flat()
        : await deps.tickets.list({ open: true, limit: INBOX_LIMIT });
    const q = (k: string) => c.req.query(k) || undefined;
    const filter = {
      severity: q('severity'),
      category: q('category'),
      platform: q('platform'),
      tier: q('tier'),
    };
    const entries: InboxEntry[] = sortByDeadline(
      found
        .filter((t) => ticketDecision(p, 'read', t).allowed)
        .map((t) => ticketView(t, deps.calendars, now))
        .filter(
          (v) =>
            (!filter.severity || v.severity === filter.severity) &&
            (!filter.category || v.category === filter.category) &&
            (!filter.tier || v.tier === filter.tier) &&
            (!filter.platform || platformOf(v) === filter.platform),
        ),
    ).map((v) => {
      const due = deadlineOf(v);
      return {
        ...v,
        // The inbox lists; the conversation is on the ticket's page.
        transcript: [],
        queues: queuesOf(v, p, now),
        deadline: Number.isFinite(due) ? new Date(due).toISOString() : null,
        platform: platformOf(v),
      };
    });
    return c.json({ me: { userId: p.userId, role: p.role }, counts: countQueues(entries), tickets: entries });
  });

  app.get('/console/stream', (c) => {
    const p = caller(c);
    // An employee's stream moves with their own tickets only: no one else's activity shows through it.
    const aliases = [...p.aliases];
    const marks = aliases.map((_, i) => `$${i + 1}`).join(', ');
    const mark = () =>
      p.role === 'employee'
        ? deps.db.query<{ id: string | number | null }>(
            `SELECT max(e.id) AS id FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
              WHERE t.requester_id IN (${marks}) AND e.action <> 'viewed'`,
            aliases,
          )
        : deps.db.query<{ id: string | number | null }>(
            `SELECT max(id) AS id FROM ticket_events WHERE action <> 'viewed'`,
          );
    const pollMs = deps.pollMs ?? 1000;
    const maxMs = deps.streamMaxMs ?? 10 * 60_000;
    return streamSSE(c, async (stream) => {
      let last: string | undefined;
      const started = Date.now();
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed && Date.now() - started < maxMs) {
        const [row] = await mark();
        const latest = String(row?.id ?? 0);
        if (latest !== last) {
          await stream.writeSSE({ event: 'change', data: latest });
          last = latest;
        } else {
          await stream.write(': keep-alive\n\n');
        }
        await stream.sleep(pollMs);
      }
    });
  });

  app.get('/tickets/:id/conversation', async (c) => {
    const { p, ticket } = await readable(c, c.req.param('id'));
    // Personal data shows to the employee and to the engineer holding the ticket; others see it masked.
    const plain = p.aliases.includes(ticket.requesterId) || p.aliases.includes(ticket.assigneeId ?? '');
    // Only this ticket's part of the thread: the employee's other tickets stay under their own.
    const messages = await ticketConversation(deps, ticket);
    return c.json({
      masked: !plain,
      messages: messages.map((m) => ({
        id: m.id,
        author: m.author,
        text: plain ? m.text : maskPii(m.text),
        createdAt: m.createdAt,
      })),
      canWork: ticketDecision(p, 'work', ticket).allowed,
    });
  });

  app.post('/tickets/:id/:action', async (c) => {
    const p = caller(c);
    const action = c.req.param('action') as ConsoleAction;
    if (!CONSOLE_ACTIONS.includes(action)) {
      throw new HelplineError(
        'NOT_FOUND',
        `There is no ticket action "${action.slice(0, 40)}"; use one of ${CONSOLE_ACTIONS.join(', ')}.`,
      );
    }
    const body = (await c.req.json().catch(() => {
      throw new HelplineError('BAD_REQUEST', 'The body must be a JSON object.');
    })) as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new HelplineError('BAD_REQUEST', 'The body must be a JSON object.');
    }
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
    if (body.version !== undefined && !Number.isInteger(body.version)) {
      throw new HelplineError(
        'BAD_REQUEST',
        'version must be the whole number the page read (ticket.version).',
      );
    }
    const ticket = await deps.actions.act(p, c.req.param('id'), action, {
      text: str('text'),
      reason: str('reason'),
      severity: str('severity'),
      key: str('key'),
      waitForEmployee: body.waitForEmployee === true,
      version: body.version as number | undefined,
    });
    return c.json({ ok: true, ticket: ticketView(ticket, deps.calendars, deps.now()) });
  });

  return app;
}
