/**
 * Service KPIs and SLA clock history over the JSON API (issue 14 items 2 and 4), under /api:
 *   GET /api/insights/kpis?from&to&severity&category&platform&tz → the KPIs as JSON
 *       (`&format=csv`, or GET /api/insights/kpis.csv?…, → the same figures as a CSV download)
 *   GET /api/tickets/:id/clocks → the ticket's SLA clocks with their pause history
 * `from`/`to` are dates (whole days in the service's zone, both included) or ISO times; the default
 * is the last 30 days. The KPIs are for the roles the policy allows insights; the clocks for
 * whoever may read the ticket.
 */
import { type Context, Hono } from 'hono';
import { insightsDecision } from '../access/policy.ts';
import { clockHistory } from '../console/clock-history.ts';
import { kpisCsv } from '../console/kpi-csv.ts';
import { loadKpis, parseFilter } from '../console/kpis.ts';
import { localDay, parsePeriod } from '../console/period.ts';
import { HelplineError } from '../errors.ts';
import type { CalendarSet } from '../sla/types.ts';
import type { Database } from '../store/database.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import { callerOf, readTicket } from './ticket-reads.ts';

export interface InsightsApiDeps {
  db: Database;
  tickets: TicketService;
  calendars: CalendarSet;
  /** The service's zone (src/console/period.ts `serviceZone`). */
  timeZone: string;
  now: () => Date;
}

/** The KPIs a request asks for, after the policy allowed the caller. */
async function requestedKpis(deps: InsightsApiDeps, c: Context) {
  const decision = insightsDecision(callerOf(c));
  if (!decision.allowed) throw new HelplineError('FORBIDDEN', decision.reason);
  const q = c.req.query();
  const period = parsePeriod(q, { now: deps.now(), timeZone: deps.timeZone });
  return loadKpis(deps.db, period, parseFilter(q));
}

export function createInsightsApi(deps: InsightsApiDeps): Hono {
  const app = new Hono();

  const csv = async (c: Context) => {
    const k = await requestedKpis(deps, c);
    const first = localDay(Date.parse(k.from), k.timeZone);
    const last = localDay(Date.parse(k.to) - 1, k.timeZone);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="helpline-kpis-${first}-to-${last}.csv"`);
    c.header('Cache-Control', 'no-store');
    return c.body(kpisCsv(k));
  };

  app.get('/insights/kpis.csv', csv);
  app.get('/insights/kpis', async (c) => {
    const format = c.req.query('format');
    if (format === 'csv') return csv(c);
    if (format && format !== 'json') {
      throw new HelplineError('BAD_REQUEST', '"format" must be json or csv.');
    }
    return c.json(await requestedKpis(deps, c));
  });

  app.get('/tickets/:id/clocks', async (c) => {
    const { ticket } = await readTicket(deps, c, c.req.param('id'));
    const events = await deps.tickets.events(ticket.id);
    return c.json({ clocks: clockHistory(ticket, events, deps.calendars, deps.now()) });
  });

  return app;
}
