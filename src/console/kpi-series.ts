/**
 * The KPI breakdowns the charts draw, pure over the period's tickets: tickets per local day by
 * severity, tickets per local hour, why tickets were opened (handoff reasons), the top categories
 * and the spread of CSAT ratings. Days and hours are read in the period's zone.
 */
import type { Ticket } from '../tickets/types.ts';
import { SEVERITIES } from '../triage/types.ts';
import { daysOf, localDay, localHour, type Period } from './period.ts';

export interface DayCount {
  day: string;
  P0: number;
  P1: number;
  P2: number;
  P3: number;
}

export interface KpiSeries {
  perDay: DayCount[];
  busiestHours: { tickets: number[]; questions: number[] };
  /** By triage intent, most first. */
  handoffReasons: { reason: string; tickets: number }[];
  /** Most first, at most TOP_CATEGORIES. */
  topCategories: { category: string; tickets: number }[];
  /** Tickets rated 1, 2, 3, 4, 5. */
  csatDistribution: number[];
}

const TOP_CATEGORIES = 10;

function ranked(counts: Map<string, number>): [string, number][] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function kpiSeries(
  tickets: readonly Ticket[],
  period: Period,
  questionsByHour: readonly number[],
): KpiSeries {
  const days = new Map(daysOf(period).map((day) => [day, { day, P0: 0, P1: 0, P2: 0, P3: 0 } as DayCount]));
  const hours = Array.from({ length: 24 }, () => 0);
  const reasons = new Map<string, number>();
  const categories = new Map<string, number>();
  const csat = [0, 0, 0, 0, 0];
  for (const t of tickets) {
    const at = Date.parse(t.createdAt);
    const day = days.get(localDay(at, period.timeZone));
    if (day && (SEVERITIES as readonly string[]).includes(t.severity)) day[t.severity] += 1;
    hours[localHour(at, period.timeZone)] += 1;
    reasons.set(t.intent, (reasons.get(t.intent) ?? 0) + 1);
    categories.set(t.category, (categories.get(t.category) ?? 0) + 1);
    if (t.csat !== null && t.csat >= 1 && t.csat <= 5) csat[t.csat - 1] += 1;
  }
  return {
    perDay: [...days.values()],
    busiestHours: { tickets: hours, questions: [...questionsByHour] },
    handoffReasons: ranked(reasons).map(([reason, n]) => ({ reason, tickets: n })),
    topCategories: ranked(categories)
      .slice(0, TOP_CATEGORIES)
      .map(([category, n]) => ({ category, tickets: n })),
    csatDistribution: csat,
  };
}
