/**
 * Service KPIs for a period (issue 14; DESIGN §1 operators): first response time and MTTR (p50 and
 * p90), SLA attainment, CSAT, reopen rate and self-service rate, overall and by severity, category
 * and platform. `computeKpis` is pure over tickets and the period's turns; `loadKpis` reads them.
 *
 * Definitions (stated once, here):
 * - first response: from the ticket's opening to the stop of its first-response clock (the claim);
 * - MTTR: from opening to `resolvedAt`, over tickets resolved (or closed after resolving);
 * - SLA attainment: of the clocks that finished (stopped or breached), the share never breached;
 * - CSAT: mean of the 1–5 ratings; reopen rate: tickets reopened ÷ tickets ever resolved;
 * - self-service: turns the bot answered in the period whose conversation got no ticket within
 *   7 days, ÷ every answered, declined or ticketed turn;
 * - handoff reasons: why tickets were opened, by triage intent (incident, request, human = asked
 *   for a person, question = one the bot could not answer);
 * - busiest hours: tickets opened and questions asked per local hour of the service's zone.
 * Tickets are those opened in [from, to). Filters (severity, category, platform) narrow the tickets;
 * turns have no severity or category, so self-service and questions per hour follow the platform
 * filter only.
 */
import { HelplineError } from '../errors.ts';
import { PLATFORMS } from '../inbound/ports.ts';
import { parseConversationId } from '../inbound/thread-ids.ts';
import type { Database } from '../store/database.ts';
import { TICKET_SELECT, type TicketRow, toTicket } from '../tickets/ticket-rows.ts';
import type { Ticket } from '../tickets/types.ts';
import { CATEGORIES, SEVERITIES } from '../triage/types.ts';
import { type KpiSeries, kpiSeries } from './kpi-series.ts';
import type { Period } from './period.ts';

const SELF_SERVICE_WINDOW_MS = 7 * 24 * 3600_000;

export interface Percentiles {
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
}

export interface KpiFigures {
  tickets: number;
  firstResponse: Percentiles;
  mttr: Percentiles;
  /** Share 0–1 of finished clocks never breached; null with none finished. */
  slaAttainment: { firstResponse: number | null; resolution: number | null; finished: number };
  csat: { average: number | null; ratings: number };
  reopenRate: number | null;
}

/** Narrows the tickets counted; each is one value or absent (all). */
export interface KpiFilter {
  severity?: string;
  category?: string;
  platform?: string;
}

export interface Kpis extends KpiFigures, KpiSeries {
  from: string;
  to: string;
  timeZone: string;
  filter: KpiFilter;
  selfService: { rate: number | null; selfServed: number; turns: number };
  bySeverity: Record<string, KpiFigures>;
  byCategory: Record<string, KpiFigures>;
  byPlatform: Record<string, KpiFigures>;
  /** More tickets were opened than one call reads (MAX_TICKETS): the figures cover the first ones. */
  truncated: boolean;
}

/** Tickets one call reads; a help desk's 400 days stay far below it. */
const MAX_TICKETS = 50_000;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

function spread(values: number[]): Percentiles {
  const sorted = values.filter((v) => Number.isFinite(v) && v >= 0).sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90) };
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);
const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

export const platformOf = (t: Pick<Ticket, 'threadId'>) =>
  parseConversationId(t.threadId)?.platform ?? 'unknown';

/** The figures of one group of tickets; `reopened` holds the ids of tickets ever reopened. */
export function figures(tickets: readonly Ticket[], reopened: ReadonlySet<string>): KpiFigures {
  const firstResponse: number[] = [];
  const mttr: number[] = [];
  const finished = { first_response: [0, 0], resolution: [0, 0] } as Record<string, [number, number]>;
  let ratings = 0;
  let ratingSum = 0;
  let everResolved = 0;
  let reopens = 0;
  for (const t of tickets) {
    const opened = ms(t.createdAt);
    for (const c of t.clocks) {
      if (c.kind === 'first_response' && c.stoppedAt) firstResponse.push(ms(c.stoppedAt) - opened);
      if (c.stoppedAt || c.breachedAt) {
        finished[c.kind][1] += 1;
        if (!c.breachedAt) finished[c.kind][0] += 1;
      }
    }
    if (t.resolvedAt) mttr.push(ms(t.resolvedAt) - opened);
    if (t.resolvedAt || reopened.has(t.id)) everResolved += 1;
    if (reopened.has(t.id)) reopens += 1;
    if (t.csat !== null) {
      ratings += 1;
      ratingSum += t.csat;
    }
  }
  return {
    tickets: tickets.length,
    firstResponse: spread(firstResponse),
    mttr: spread(mttr),
    slaAttainment: {
      firstResponse: share(finished.first_response[0], finished.first_response[1]),
      resolution: share(finished.resolution[0], finished.resolution[1]),
      finished: finished.first_response[1] + finished.resolution[1],
    },
    csat: { average: ratings ? Math.round((ratingSum / ratings) * 100) / 100 : null, ratings },
    reopenRate: share(reopens, everResolved),
  };
}

function groupBy(
  tickets: readonly Ticket[],
  key: (t: Ticket) => string,
  reopened: ReadonlySet<string>,
): Record<string, KpiFigures> {
  const groups = new Map<string, Ticket[]>();
  for (const t of tickets) groups.set(key(t), [...(groups.get(key(t)) ?? []), t]);
  return Object.fromEntries([...groups.entries()].sort().map(([k, g]) => [k, figures(g, reopened)]));
}

/** The filter from a query, each value checked against the known ones. */
export function parseFilter(q: Record<string, string | undefined>): KpiFilter {
  const filter: KpiFilter = {};
  const known = { severity: SEVERITIES, category: CATEGORIES, platform: PLATFORMS } as const;
  for (const [key, values] of Object.entries(known) as [keyof KpiFilter, readonly string[]][]) {
    const value = q[key];
    if (!value) continue;
    if (!values.includes(value)) {
      throw new HelplineError('BAD_REQUEST', `"${key}" must be one of ${values.join(', ')}.`);
    }
    filter[key] = value;
  }
  return filter;
}

export function computeKpis(input: {
  period: Period;
  filter?: KpiFilter;
  tickets: readonly Ticket[];
  reopened: ReadonlySet<string>;
  selfService: { selfServed: number; turns: number };
  questionsByHour: readonly number[];
  truncated?: boolean;
}): Kpis {
  const { tickets, reopened, period } = input;
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    timeZone: period.timeZone,
    filter: input.filter ?? {},
    ...figures(tickets, reopened),
    selfService: { ...input.selfService, rate: share(input.selfService.selfServed, input.selfService.turns) },
    bySeverity: groupBy(tickets, (t) => t.severity, reopened),
    byCategory: groupBy(tickets, (t) => t.category, reopened),
    byPlatform: groupBy(tickets, platformOf, reopened),
    ...kpiSeries(tickets, period, input.questionsByHour),
    truncated: input.truncated ?? false,
  };
}

/** A condition on a conversation id column for a platform (web ids have no colon). */
function platformSql(column: string, platform: string | undefined, params: unknown[]): string {
  if (!platform) return 'TRUE';
  if (platform === 'web') return `position(':' in ${column}) = 0`;
  params.push(`${platform}:%`);
  return `${column} LIKE $${params.length}`;
}

/** Reads the period's tickets, reopen events and turns, and computes the KPIs. */
export async function loadKpis(db: Database, period: Period, filter: KpiFilter = {}): Promise<Kpis> {
  const params: unknown[] = [period.from.toISOString(), period.to.toISOString()];
  const where = ['t.created_at >= $1', 't.created_at < $2'];
  for (const key of ['severity', 'category'] as const) {
    if (!filter[key]) continue;
    params.push(filter[key]);
    where.push(`t.${key} = $${params.length}`);
  }
  where.push(platformSql('t.thread_id', filter.platform, params));
  const rows = await db.query<TicketRow>(
    `${TICKET_SELECT} WHERE ${where.join(' AND ')} ORDER BY t.created_at LIMIT ${MAX_TICKETS + 1}`,
    params,
  );
  const tickets = rows.slice(0, MAX_TICKETS).map(toTicket);
  const reopenedRows = await db.query<{ ticket_id: string }>(
    `SELECT DISTINCT e.ticket_id FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
      WHERE e.action = 'reopened' AND ${where.join(' AND ')}`,
    params,
  );
  const turnParams: unknown[] = [period.from.toISOString(), period.to.toISOString()];
  const turnsOn = platformSql('m.conversation_id', filter.platform, turnParams);
  turnParams.push(String(SELF_SERVICE_WINDOW_MS));
  const [turns] = await db.query<{ turns: number | string; self_served: number | string }>(
    `SELECT count(*) AS turns,
            count(*) FILTER (WHERE o.outcome = 'answered' AND NOT EXISTS (
              SELECT 1 FROM tickets k WHERE k.thread_id = m.conversation_id
                AND k.created_at >= o.at AND k.created_at < o.at + ($${turnParams.length} || ' milliseconds')::interval
            )) AS self_served
       FROM turn_outcomes o JOIN messages m ON m.id = o.message_id
      WHERE o.outcome IN ('answered', 'declined', 'ticketed') AND o.at >= $1 AND o.at < $2 AND ${turnsOn}`,
    turnParams,
  );
  const hourParams = [...turnParams.slice(0, -1), period.timeZone];
  const hours = await db.query<{ hour: number | string; questions: number | string }>(
    `SELECT extract(hour FROM o.at AT TIME ZONE $${hourParams.length}) AS hour, count(*) AS questions
       FROM turn_outcomes o JOIN messages m ON m.id = o.message_id
      WHERE o.outcome IN ('answered', 'declined', 'ticketed') AND o.at >= $1 AND o.at < $2 AND ${turnsOn}
      GROUP BY 1`,
    hourParams,
  );
  const questionsByHour = Array.from({ length: 24 }, () => 0);
  for (const h of hours) questionsByHour[Number(h.hour)] = Number(h.questions);
  return computeKpis({
    period,
    filter,
    tickets,
    reopened: new Set(reopenedRows.map((r) => r.ticket_id)),
    selfService: { turns: Number(turns?.turns ?? 0), selfServed: Number(turns?.self_served ?? 0) },
    questionsByHour,
    truncated: rows.length > MAX_TICKETS,
  });
}
