/**
 * The KPI figures as HTML, shared by the KPI page and the monthly report so both show the same
 * numbers the same way: the headline table, the breakdown tables, and one <figure> per chart
 * (a canvas insights.js draws with Chart.js) followed by the chart's figures as a table, which is
 * what screen readers and the printed page rely on.
 */
import { html, raw } from 'hono/html';
import { type InsightLabels, reasonName } from '../../../src/console/insights-labels.ts';
import type { KpiFigures, Kpis } from '../../../src/console/kpis.ts';
import { type ConsoleLang, categoryName, type Labels, nameOf } from '../../../src/console/labels.ts';

const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;

/**
 * A duration as people read it (45 s, 12 min, 3.5 h, 2.1 d). console.js has the same rule for the
 * figures it draws in the browser (live countdowns): the page scripts are inline, hash-allowed and
 * not modules, so they cannot import this; change both together.
 */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const h = m / 60;
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} d`;
}

export const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
const csat = (f: KpiFigures) => (f.csat.average === null ? '—' : `${f.csat.average} (${f.csat.ratings})`);

export interface ViewText {
  lang: ConsoleLang;
  L: Labels;
  I: InsightLabels;
}

/** The headline figures; with `previous`, a second column for the month before. */
export function headline(t: ViewText, k: Kpis, previous?: Kpis) {
  const { L, I } = t;
  const rows: [string, string, (x: Kpis) => string][] = [
    ['tickets', L.tickets, (x) => String(x.tickets)],
    ['self-service', L.selfService, (x) => pct(x.selfService.rate)],
    ['first-response', `${L.firstResponse} p50`, (x) => duration(x.firstResponse.p50Ms)],
    ['first-response-p90', `${L.firstResponse} p90`, (x) => duration(x.firstResponse.p90Ms)],
    ['mttr', `${L.mttr} p50`, (x) => duration(x.mttr.p50Ms)],
    ['mttr-p90', `${L.mttr} p90`, (x) => duration(x.mttr.p90Ms)],
    [
      'sla-first-response',
      `${L.slaAttainment} · ${L.firstResponse}`,
      (x) => pct(x.slaAttainment.firstResponse),
    ],
    ['sla-resolution', `${L.slaAttainment} · ${L.resolution}`, (x) => pct(x.slaAttainment.resolution)],
    ['csat', L.csat, csat],
    ['reopen-rate', L.reopenRate, (x) => pct(x.reopenRate)],
  ];
  return html`<table class="headline"><caption>${I.headline}</caption>
<thead><tr><th scope="col">${I.figure}</th><th scope="col">${previous ? I.thisMonth : I.period}</th>${
    previous ? html`<th scope="col">${I.previousMonth}</th>` : ''
  }</tr></thead><tbody>${rows.map(
    ([key, name, value]) =>
      html`<tr><th scope="row">${name}</th><td data-kpi="${key}">${value(k)}</td>${
        previous ? html`<td>${value(previous)}</td>` : ''
      }</tr>`,
  )}</tbody></table>`;
}

function figureTable(
  t: ViewText,
  caption: string,
  groups: Record<string, KpiFigures>,
  name: (k: string) => string,
) {
  const { L } = t;
  const cols = [
    L.tickets,
    `${L.firstResponse} p50 / p90`,
    `${L.mttr} p50 / p90`,
    `${L.slaAttainment} (${L.firstResponse} / ${L.resolution})`,
    L.csat,
    L.reopenRate,
  ];
  return html`<table><caption>${caption}</caption><thead><tr><th scope="col">${caption}</th>${cols.map(
    (c) => html`<th scope="col">${c}</th>`,
  )}</tr></thead><tbody>${Object.entries(groups).map(
    ([key, f]) => html`<tr><th scope="row">${name(key)}</th><td>${f.tickets}</td>
<td>${duration(f.firstResponse.p50Ms)} / ${duration(f.firstResponse.p90Ms)}</td>
<td>${duration(f.mttr.p50Ms)} / ${duration(f.mttr.p90Ms)}</td>
<td>${pct(f.slaAttainment.firstResponse)} / ${pct(f.slaAttainment.resolution)}</td>
<td>${csat(f)}</td><td>${pct(f.reopenRate)}</td></tr>`,
  )}</tbody></table>`;
}

export function breakdowns(t: ViewText, k: Kpis) {
  const { L, lang } = t;
  return html`${figureTable(t, L.bySeverity, k.bySeverity, (s) => s)}
${figureTable(t, L.byCategory, k.byCategory, (c) => categoryName(lang, c))}
${figureTable(t, L.byPlatform, k.byPlatform, (p) => nameOf(L, 'platform', p))}`;
}

function simpleTable(caption: string, head: string[], rows: (string | number)[][]) {
  return html`<table class="series"><caption>${caption}</caption><thead><tr>${head.map(
    (h) => html`<th scope="col">${h}</th>`,
  )}</tr></thead><tbody>${rows.map(
    ([first, ...rest]) => html`<tr><th scope="row">${first}</th>${rest.map((v) => html`<td>${v}</td>`)}</tr>`,
  )}</tbody></table>`;
}

/** Every chart, each followed by its figures: folded on the KPI page, open in the printed report. */
export function charts(t: ViewText, k: Kpis, unfolded: boolean) {
  const { L, I, lang } = t;
  const chart = (id: string, title: string, table: ReturnType<typeof simpleTable>) =>
    html`<figure class="chart"><figcaption id="${id}-title">${title}</figcaption>
<div class="canvas"><canvas id="${id}" role="img" aria-labelledby="${id}-title"></canvas></div>
<details class="figures"${unfolded ? raw(' open') : ''}><summary>${I.figures}</summary>${table}</details></figure>`;
  const hours = (ms: number | null) => (ms === null ? '—' : (ms / 3_600_000).toFixed(2));
  return html`<section class="charts" aria-labelledby="h-charts"><h2 id="h-charts">${I.charts}</h2>
<p class="note">${I.chartsNote}</p>
${chart(
  'chart-per-day',
  I.perDay,
  simpleTable(
    I.perDay,
    [I.day, ...SEVERITIES],
    k.perDay.map((d) => [d.day, d.P0, d.P1, d.P2, d.P3]),
  ),
)}
${chart(
  'chart-response',
  I.responseTimes,
  simpleTable(
    I.responseTimes,
    [L.severity, `${L.firstResponse} p50`, `${L.firstResponse} p90`, `${L.mttr} p50`, `${L.mttr} p90`],
    SEVERITIES.map((s) => {
      const f = k.bySeverity[s];
      return [
        s,
        hours(f?.firstResponse.p50Ms ?? null),
        hours(f?.firstResponse.p90Ms ?? null),
        hours(f?.mttr.p50Ms ?? null),
        hours(f?.mttr.p90Ms ?? null),
      ];
    }),
  ),
)}
${chart(
  'chart-hours',
  I.busiestHours,
  simpleTable(
    I.busiestHours,
    [I.hour, L.tickets, I.questions],
    k.busiestHours.tickets.map((n, h) => [
      `${String(h).padStart(2, '0')}:00`,
      n,
      k.busiestHours.questions[h] ?? 0,
    ]),
  ),
)}
${chart(
  'chart-categories',
  I.topCategories,
  simpleTable(
    I.topCategories,
    [L.category, L.tickets],
    k.topCategories.map((c) => [categoryName(lang, c.category), c.tickets]),
  ),
)}
${chart(
  'chart-reasons',
  I.handoffReasons,
  simpleTable(
    I.handoffReasons,
    [I.reason, L.tickets],
    k.handoffReasons.map((r) => [reasonName(lang, r.reason), r.tickets]),
  ),
)}
${chart(
  'chart-csat',
  I.csatSpread,
  simpleTable(
    I.csatSpread,
    [I.rating, L.tickets],
    k.csatDistribution.map((n, i) => [`${i + 1} ★`, n]),
  ),
)}
</section>`;
}

/**
 * What insights.js draws, as JSON in a non-executing script element ("<" escaped so no text can
 * close it): the series and the words for axes and legends, already in the page's language.
 */
export function chartData(t: ViewText, k: Kpis) {
  const { L, I, lang } = t;
  const data = {
    severities: SEVERITIES,
    perDay: k.perDay,
    response: SEVERITIES.map((s) => ({
      severity: s,
      firstResponseP50: k.bySeverity[s]?.firstResponse.p50Ms ?? null,
      firstResponseP90: k.bySeverity[s]?.firstResponse.p90Ms ?? null,
      mttrP50: k.bySeverity[s]?.mttr.p50Ms ?? null,
      mttrP90: k.bySeverity[s]?.mttr.p90Ms ?? null,
    })),
    hours: k.busiestHours,
    categories: k.topCategories.map((c) => ({ name: categoryName(lang, c.category), tickets: c.tickets })),
    reasons: k.handoffReasons.map((r) => ({ name: reasonName(lang, r.reason), tickets: r.tickets })),
    csat: k.csatDistribution,
    words: {
      tickets: L.tickets,
      questions: I.questions,
      hours: I.hours,
      firstResponse: L.firstResponse,
      mttr: L.mttr,
    },
  };
  return html`<script type="application/json" id="kpi-data">${raw(JSON.stringify(data).replaceAll('<', '\\u003c'))}</script>`;
}
