/**
 * The KPI page and the monthly service report (issue 14 item 4), server-rendered in the console's
 * frame in the user's language, for the roles the policy allows insights:
 *   GET /console/insights?from&to&severity&category&platform → figures, charts, CSV link
 *   GET /console/reports/2026-11     → the month's report, print-friendly, against the month before
 *   GET /console/reports/2026-11.pdf → the same page printed by Chromium (report-pdf.ts), or 503
 *   GET /console/assets/chart.umd.js → Chart.js, as installed from npm
 * Figures come from src/console/kpis.ts, the same code as GET /api/insights/kpis. The charts are
 * drawn by insights.js (its own hash in the page's CSP) with Chart.js (allowed as 'self').
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import { principalOf } from '../../../src/access/chat-access.ts';
import { insightsDecision, type Principal } from '../../../src/access/policy.ts';
import { INSIGHT_LABELS } from '../../../src/console/insights-labels.ts';
import { type KpiFilter, type Kpis, loadKpis, parseFilter } from '../../../src/console/kpis.ts';
import { type ConsoleLang, categoryName, LABELS, nameOf } from '../../../src/console/labels.ts';
import {
  localDay,
  monthPeriod,
  type Period,
  parsePeriod,
  previousMonth,
} from '../../../src/console/period.ts';
import { isHelplineError } from '../../../src/errors.ts';
import { toZonedIso } from '../../../src/sla/zone.ts';
import type { Database } from '../../../src/store/database.ts';
import { CATEGORIES, SEVERITIES } from '../../../src/triage/types.ts';
import { breakdowns, chartData, charts, headline, type ViewText } from './kpi-view.ts';
import { consoleCsp, frame, langOf, type Markup, sha256, signInPage } from './pages.ts';
import { printPdf } from './report-pdf.ts';

const script = readFileSync(new URL('./insights.js', import.meta.url), 'utf8');
const style = readFileSync(new URL('./insights.css', import.meta.url), 'utf8');
if (/<\/script/i.test(script) || /<\/style/i.test(style)) {
  throw new Error('insights.js / insights.css must not contain a closing </script> or </style> tag');
}
const CHART_PATH = '/console/assets/chart.umd.js';
const chartJs = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
  'utf8',
);

const insightsPageCsp = consoleCsp({ script: [sha256(script), "'self'"], style: [sha256(style)] });

export interface InsightsPagesDeps {
  db: Database;
  /** The service's zone (src/console/period.ts `serviceZone`). */
  timeZone: string;
  now: () => Date;
  /** HELPLINE_CHROMIUM; unset: looked for (report-pdf.ts). */
  chromiumPath?: string;
}

const extra = (k: Kpis, t: ViewText) => ({
  head: html`<style>${raw(style)}</style>`,
  tail: html`${chartData(t, k)}<script src="${CHART_PATH}"></script><script>${raw(script)}</script>`,
});

function select(
  id: string,
  label: string,
  any: string,
  options: readonly string[],
  chosen?: string,
  name: (option: string) => string = (o) => o,
) {
  return html`<label for="${id}">${label}<select id="${id}" name="${id}"><option value="">${any}</option>${options.map(
    (o) => html`<option value="${o}"${o === chosen ? raw(' selected') : ''}>${name(o)}</option>`,
  )}</select></label>`;
}

const monthOf = (ms: number, timeZone: string) => localDay(ms, timeZone).slice(0, 7);

function monthName(month: string, lang: ConsoleLang): string {
  const [y, m] = month.split('-').map(Number);
  if (lang === 'zh') return `${y} 年 ${m} 月`;
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleString('en', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function insightsContent(t: ViewText, k: Kpis, period: Period, filter: KpiFilter, problem?: string) {
  const { L, I } = t;
  const first = localDay(period.from.getTime(), period.timeZone);
  const last = localDay(period.to.getTime() - 1, period.timeZone);
  const query = new URLSearchParams({ from: first, to: last, ...filter });
  const month = monthOf(period.to.getTime() - 1, period.timeZone);
  return html`<h2>${L.insights}</h2>
${problem ? html`<p role="alert" class="problem">${problem}</p>` : ''}
<form id="period" class="inline" method="get" action="/console/insights" aria-label="${L.filters}">
<label for="from">${L.from}<input type="date" id="from" name="from" value="${first}"></label>
<label for="to">${L.to}<input type="date" id="to" name="to" value="${last}"></label>
${select('severity', L.severity, L.any, SEVERITIES, filter.severity)}${select('category', L.category, L.any, CATEGORIES, filter.category, (c) => categoryName(t.lang, c))}
${select('platform', L.platform, L.any, ['web', 'lark', 'slack'], filter.platform, (p) => nameOf(L, 'platform', p))}
<button type="submit" class="act">${L.show}</button></form>
<p class="note">${I.filtersHint} ${I.timeZone}: ${period.timeZone}.</p>
<p class="links"><a id="csv" href="/api/insights/kpis.csv?${query.toString()}" download>${I.downloadCsv}</a>
<a id="report" href="/console/reports/${month}">${I.monthlyReport} ${month}</a>
<a href="/console/reports/${previousMonth(month)}">${I.monthlyReport} ${previousMonth(month)}</a></p>
${k.truncated ? html`<p role="alert">${I.truncated}</p>` : ''}
${headline(t, k)}
${charts(t, k, false)}
<section aria-labelledby="h-breakdowns"><h2 id="h-breakdowns">${L.bySeverity} · ${L.byCategory} · ${L.byPlatform}</h2>
${breakdowns(t, k)}</section>`;
}

function reportContent(t: ViewText, month: string, k: Kpis, previous: Kpis, generated: string) {
  const { L, I, lang } = t;
  const other = lang === 'zh' ? 'en' : 'zh';
  return html`<h2>${I.report} · ${monthName(month, lang)}</h2>
<p class="meta">${I.period}: ${localDay(Date.parse(k.from), k.timeZone)} – ${localDay(Date.parse(k.to) - 1, k.timeZone)} · ${I.timeZone}: ${k.timeZone} · ${I.generated}: ${generated}</p>
<p class="links noprint"><a href="/console/insights">← ${L.insights}</a> <a id="pdf" href="/console/reports/${month}.pdf">${I.downloadPdf}</a>
<a href="/api/insights/kpis.csv?${new URLSearchParams({ from: k.from, to: k.to }).toString()}" download>${I.downloadCsv}</a>
<a href="/console/reports/${previousMonth(month)}">${I.previousMonth}</a>
<a href="?lang=${other}" lang="${other}">${LABELS[other].language}</a></p>
${k.tickets === 0 ? html`<p>${I.none}</p>` : ''}
${k.truncated ? html`<p role="alert">${I.truncated}</p>` : ''}
${headline(t, k, previous)}
${charts(t, k, true)}
<section aria-labelledby="h-breakdowns"><h2 id="h-breakdowns">${L.bySeverity} · ${L.byCategory} · ${L.byPlatform}</h2>
${breakdowns(t, k)}</section>`;
}

export function createInsightsPages(deps: InsightsPagesDeps): Hono {
  const app = new Hono();
  const send = (c: Context, body: Markup, status: 200 | 400 | 401 | 403 = 200) => {
    c.header('Content-Security-Policy', insightsPageCsp);
    c.header('Cache-Control', 'no-store');
    return c.html(body, status);
  };
  /** The caller when they may see insights; otherwise the page that says why not. */
  const gate = (
    c: Context,
  ): { lang: ConsoleLang; t: ViewText; p?: Principal; refused?: Response | Promise<Response> } => {
    const lang = langOf(c);
    const t: ViewText = { lang, L: LABELS[lang], I: INSIGHT_LABELS[lang] };
    const p = principalOf(c);
    if (!p) return { lang, t, refused: send(c, frame(lang, p, t.L.signIn, {}, signInPage(t.L)), 401) };
    if (!insightsDecision(p).allowed) {
      const body = html`<h2>${t.L.insights}</h2><p role="alert">${t.I.forbidden}</p>`;
      return { lang, t, p, refused: send(c, frame(lang, p, t.L.insights, {}, body), 403) };
    }
    return { lang, t, p };
  };

  app.get(CHART_PATH, (c) =>
    c.body(chartJs, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=86400',
    }),
  );

  app.get('/console/insights', async (c) => {
    const { lang, t, p, refused } = gate(c);
    if (refused) return refused;
    const q = c.req.query();
    const defaults = { now: deps.now(), timeZone: deps.timeZone };
    let period: Period;
    let filter: KpiFilter;
    let problem: string | undefined;
    try {
      period = parsePeriod(q, defaults);
      filter = parseFilter(q);
    } catch (err) {
      if (!isHelplineError(err, 'BAD_REQUEST')) throw err;
      problem = err.message;
      period = parsePeriod({}, defaults);
      filter = {};
    }
    const k = await loadKpis(deps.db, period, filter);
    return send(
      c,
      frame(
        lang,
        p,
        t.L.insights,
        { page: 'insights' },
        insightsContent(t, k, period, filter, problem),
        extra(k, t),
      ),
      problem ? 400 : 200,
    );
  });

  app.get('/console/reports/:month', async (c) => {
    const { lang, t, p, refused } = gate(c);
    if (refused) return refused;
    const asked = c.req.param('month');
    const pdf = asked.endsWith('.pdf');
    const month = pdf ? asked.slice(0, -4) : asked;
    let period: Period;
    try {
      period = monthPeriod(month, deps.timeZone);
    } catch (err) {
      if (!isHelplineError(err, 'BAD_REQUEST')) throw err;
      return send(
        c,
        frame(lang, p, t.I.report, {}, html`<h2>${t.I.report}</h2><p role="alert">${err.message}</p>`),
        400,
      );
    }
    const [k, previous] = await Promise.all([
      loadKpis(deps.db, period),
      loadKpis(deps.db, monthPeriod(previousMonth(month), deps.timeZone)),
    ]);
    const generated = toZonedIso(deps.now(), deps.timeZone);
    const page = frame(
      lang,
      p,
      `${t.I.report} ${month}`,
      { page: 'report' },
      reportContent(t, month, k, previous, generated),
      extra(k, t),
    );
    if (!pdf) return send(c, page);
    const bytes = await printPdf(
      { html: String(await page), assets: { [CHART_PATH]: { body: chartJs, type: 'text/javascript' } } },
      deps.chromiumPath,
    );
    return c.body(new Uint8Array(bytes), 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="helpline-report-${month}-${lang}.pdf"`,
      'Cache-Control': 'no-store',
    });
  });

  return app;
}
