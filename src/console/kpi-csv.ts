/**
 * The KPIs as CSV (RFC 4180): one figure per row — `section,group,metric,value` — so a spreadsheet
 * can pivot it and a script can read it without knowing the JSON's shape. Text cells that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) are
 * prefixed with an apostrophe (OWASP's CSV-injection advice); numbers are written as numbers.
 */
import type { KpiFigures, Kpis } from './kpis.ts';

type Cell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (cells: readonly Cell[]) => cells.map(csvCell).join(',');

const CSV_HEADER = ['section', 'group', 'metric', 'value'] as const;

function figureRows(section: string, group: string, f: KpiFigures): Cell[][] {
  return [
    [section, group, 'tickets', f.tickets],
    [section, group, 'first_response_count', f.firstResponse.count],
    [section, group, 'first_response_p50_ms', f.firstResponse.p50Ms],
    [section, group, 'first_response_p90_ms', f.firstResponse.p90Ms],
    [section, group, 'mttr_count', f.mttr.count],
    [section, group, 'mttr_p50_ms', f.mttr.p50Ms],
    [section, group, 'mttr_p90_ms', f.mttr.p90Ms],
    [section, group, 'sla_attainment_first_response', f.slaAttainment.firstResponse],
    [section, group, 'sla_attainment_resolution', f.slaAttainment.resolution],
    [section, group, 'sla_clocks_finished', f.slaAttainment.finished],
    [section, group, 'csat_average', f.csat.average],
    [section, group, 'csat_ratings', f.csat.ratings],
    [section, group, 'reopen_rate', f.reopenRate],
  ];
}

export function kpisCsv(k: Kpis): string {
  const rows: Cell[][] = [
    ['period', '', 'from', k.from],
    ['period', '', 'to', k.to],
    ['period', '', 'time_zone', k.timeZone],
    ...Object.entries(k.filter).map(([key, v]): Cell[] => ['filter', '', key, v ?? null]),
    ...figureRows('overall', '', k),
    ['overall', '', 'self_service_rate', k.selfService.rate],
    ['overall', '', 'self_service_turns', k.selfService.turns],
    ['overall', '', 'self_served_turns', k.selfService.selfServed],
  ];
  for (const [section, groups] of [
    ['severity', k.bySeverity],
    ['category', k.byCategory],
    ['platform', k.byPlatform],
  ] as const) {
    for (const [group, f] of Object.entries(groups)) rows.push(...figureRows(section, group, f));
  }
  for (const d of k.perDay) {
    for (const s of ['P0', 'P1', 'P2', 'P3'] as const) rows.push(['per_day', d.day, s, d[s]]);
  }
  k.busiestHours.tickets.forEach((n, h) => {
    rows.push(['hour', String(h).padStart(2, '0'), 'tickets', n]);
    rows.push(['hour', String(h).padStart(2, '0'), 'questions', k.busiestHours.questions[h] ?? 0]);
  });
  for (const r of k.handoffReasons) rows.push(['handoff_reason', r.reason, 'tickets', r.tickets]);
  for (const c of k.topCategories) rows.push(['top_category', c.category, 'tickets', c.tickets]);
  k.csatDistribution.forEach((n, i) => {
    rows.push(['csat_rating', String(i + 1), 'tickets', n]);
  });
  return `${[CSV_HEADER, ...rows].map(csvLine).join('\r\n')}\r\n`;
}
