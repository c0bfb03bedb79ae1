/**
 * The KPI API, its CSV, the KPI page, the monthly report (HTML and PDF) and the SLA clock history
 * through the real app in process: staff only, filters checked, CSV headers and escaping (formula
 * injection included), the report's figures in both languages, PDF bytes from Chromium.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccessRole } from '../../src/access/policy.ts';
import { csvCell, kpisCsv } from '../../src/console/kpi-csv.ts';
import { computeKpis } from '../../src/console/kpis.ts';
import { localDay, monthPeriod } from '../../src/console/period.ts';
import type { Ticket } from '../../src/tickets/types.ts';
import { asUser, openReport, SHANGHAI_OUTAGE, type TestApp } from '../support/console-api.ts';
import { makeApp } from '../web/fake-assistant.ts';

let t: TestApp;
let ticket: Ticket;
const ZONE = 'Asia/Shanghai';

/** GET as `userId` with `role` (and `lang`, as a browser asks for it). */
const as = async (userId: string, role: AccessRole, lang?: string) =>
  (await asUser(t, userId, role, lang)).get;

beforeEach(async () => {
  t = await makeApp();
  ({ ticket } = await openReport(
    t,
    'emp-a',
    'Clock-in fails for the whole Shanghai office',
    SHANGHAI_OUTAGE,
  ));
  await t.runtime.tickets.claim(ticket.id, 'eng-1');
  await t.runtime.tickets.waitOnEmployee(ticket.id, 'eng-1', 'Since when?');
  await t.runtime.tickets.employeeReplied(ticket.id, 'emp-a');
  await t.runtime.tickets.resolve(ticket.id, 'eng-1');
  await t.runtime.tickets.close(ticket.id, 'emp-a', { csat: 4 });
});

describe('KPI API', () => {
  it('is for staff only; an employee is refused on the API, the CSV and the pages', async () => {
    const emp = await as('emp-a', 'employee');
    for (const path of [
      '/api/insights/kpis',
      '/api/insights/kpis.csv',
      '/console/insights',
      '/console/reports/2026-11',
      '/console/reports/2026-11.pdf',
    ]) {
      expect((await emp(path)).status, path).toBe(403);
    }
    expect((await t.app.request('/api/insights/kpis')).status).toBe(401);
    expect((await t.app.request('/console/insights')).status).toBe(401);
  });

  it('filters by severity, category and platform and refuses unknown values with the reason', async () => {
    const eng = await as('eng-1', 'l2');
    const all = await (await eng('/api/insights/kpis')).json();
    expect(all).toMatchObject({ tickets: 1, timeZone: ZONE, csat: { average: 4, ratings: 1 } });
    expect(all.handoffReasons).toEqual([{ reason: 'incident', tickets: 1 }]);
    expect(all.topCategories).toEqual([{ category: 'attendance', tickets: 1 }]);
    expect((await (await eng('/api/insights/kpis?severity=P1&platform=web')).json()).tickets).toBe(1);
    expect((await (await eng('/api/insights/kpis?severity=P0')).json()).tickets).toBe(0);
    expect((await (await eng('/api/insights/kpis?category=payroll')).json()).tickets).toBe(0);
    expect((await (await eng('/api/insights/kpis?platform=slack')).json()).tickets).toBe(0);
    for (const [query, reason] of [
      ['severity=P9', /"severity" must be one of P0, P1, P2, P3/],
      ['platform=fax', /"platform" must be one of web, slack, lark/],
      ['from=nope', /"from" must be a date/],
      ['from=2026-11-02&to=2026-11-01', /"from" must be before "to"/],
      ['from=2020-01-01&to=2026-01-01', /at most 400 days/],
      ['tz=Mars/Olympus', /IANA time zone/],
      ['format=xml', /"format" must be json or csv/],
    ] as const) {
      const res = await eng(`/api/insights/kpis?${query}`);
      expect(res.status, query).toBe(400);
      expect((await res.json()).error.message, query).toMatch(reason);
    }
  });

  it('reads dates as whole days in the service’s zone', async () => {
    const eng = await as('eng-1', 'l2');
    const k = await (await eng('/api/insights/kpis?from=2026-11-01&to=2026-11-30')).json();
    expect([k.from, k.to]).toEqual(['2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z']);
    const utc = await (await eng('/api/insights/kpis?from=2026-11-01&to=2026-11-30&tz=UTC')).json();
    expect([utc.from, utc.to]).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
  });

  it('exports CSV with its headers, one figure per row, as a download', async () => {
    const eng = await as('eng-1', 'l2');
    const res = await eng('/api/insights/kpis.csv?from=2026-01-01&to=2026-12-31&severity=P1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="helpline-kpis-2026-01-01-to-2026-12-31.csv"',
    );
    const text = await res.text();
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('section,group,metric,value');
    expect(lines).toContain('filter,,severity,P1');
    expect(lines).toContain('overall,,csat_average,4');
    expect(lines).toContain('severity,P1,tickets,1');
    expect(lines).toContain('csat_rating,4,tickets,1');
    expect(lines).toContain('handoff_reason,incident,tickets,1');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(lines.slice(1, -1).every((l) => l.split(',').length === 4)).toBe(true);
    const viaFormat = await eng('/api/insights/kpis?from=2026-01-01&to=2026-12-31&severity=P1&format=csv');
    expect(await viaFormat.text()).toBe(text);
  });

  it('escapes CSV cells and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+cmd')).toBe("'+cmd");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tTAB')).toBe("'\tTAB");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    // A category or reason from the database goes through the same cell.
    const period = monthPeriod('2026-11', ZONE);
    const hostile = {
      ...ticket,
      category: '=cmd|" /C calc"!A0',
      intent: '@evil',
      createdAt: '2026-11-03T01:00:00Z',
    };
    const csv = kpisCsv(
      computeKpis({
        period,
        tickets: [hostile],
        reopened: new Set(),
        selfService: { turns: 0, selfServed: 0 },
        questionsByHour: Array(24).fill(0),
      }),
    );
    expect(csv).toContain(`category,"'=cmd|"" /C calc""!A0",tickets,1`);
    expect(csv).toContain("handoff_reason,'@evil,tickets,1");
    expect(csv.split('\r\n').some((l) => /(^|,)[=+@]/.test(l))).toBe(false);
  });

  it('gives a ticket’s SLA clocks with the pause waiting on the employee', async () => {
    const res = await (await as('eng-1', 'l2'))(`/api/tickets/${ticket.number}/clocks`);
    const { clocks } = await res.json();
    expect(clocks.map((c: { kind: string }) => c.kind)).toEqual(['first_response', 'resolution']);
    const holds = clocks[1].holds;
    expect(holds.map((h: { kind: string; endedBy: string | null }) => [h.kind, h.endedBy])).toEqual([
      ['waiting_employee', 'employee_replied'],
      ['resolved', null],
    ]);
    expect(holds[0].reason).toBe('Since when?');
    expect((await (await as('emp-b', 'employee'))(`/api/tickets/${ticket.number}/clocks`)).status).toBe(404);
  });
});

describe('KPI page and monthly report', () => {
  const thisMonth = () => localDay(Date.now(), ZONE).slice(0, 7);

  it('renders the KPI page with the figures, the filters, the CSV link and its own CSP', async () => {
    const res = await (await as('eng-1', 'l2'))('/console/insights?severity=P1');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'sha256-[^']+' 'sha256-[^']+' 'self'/);
    expect(csp).not.toContain('unsafe-inline');
    const page = await res.text();
    expect(page).toContain('<td data-kpi="tickets">1</td>');
    expect(page).toContain('<option value="P1" selected>P1</option>');
    expect(page).toMatch(
      /href="\/api\/insights\/kpis\.csv\?from=\d{4}-\d{2}-\d{2}&amp;to=\d{4}-\d{2}-\d{2}&amp;severity=P1"/,
    );
    expect(page).toContain('<script src="/console/assets/chart.umd.js"></script>');
    const bad = await (await as('eng-1', 'l2'))('/console/insights?severity=P9');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('&quot;severity&quot; must be one of');
  });

  it('serves Chart.js from node_modules', async () => {
    const res = await t.app.request('/console/assets/chart.umd.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toContain('Chart');
  });

  it('renders the month’s report in English and Chinese with the same figures', async () => {
    const month = thisMonth();
    const en = await (await (await as('eng-1', 'l2', 'en'))(`/console/reports/${month}`)).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Monthly service report');
    expect(en).toMatch(/<td data-kpi="tickets">1<\/td><td>0<\/td>/);
    expect(en).toMatch(/<td data-kpi="csat">4 \(1\)<\/td>/);
    expect(en).toContain('Problem reported');
    expect(en).toContain(`href="/console/reports/${month}.pdf"`);
    const zh = await (await (await as('eng-1', 'l2', 'zh-CN'))(`/console/reports/${month}`)).text();
    expect(zh).toContain('<html lang="zh">');
    expect(zh).toContain('月度服务报告');
    // Categories in the reader's words (src/tickets/ticket-words.ts), as the chat and the console name them.
    expect(zh).toContain('<th scope="row">考勤</th>');
    expect(zh).not.toContain('>attendance<');
    expect(zh).toMatch(/<td data-kpi="tickets">1<\/td><td>0<\/td>/);
    const bad = await (await as('eng-1', 'l2'))('/console/reports/2026-13');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('A report month looks like 2026-11');
  });

  it('prints the report to PDF with Chromium', async () => {
    const res = await (await as('eng-1', 'l2', 'zh-CN'))(`/console/reports/${thisMonth()}.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="helpline-report-${thisMonth()}-zh.pdf"`,
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(10_000);
  }, 60_000);

  it('answers 503 with how to install Chromium when there is none', async () => {
    const t2 = await makeApp({ env: { HELPLINE_CHROMIUM: '/nonexistent/chromium' } });
    const { token } = await t2.access.tokens.create({ userId: 'eng-1', role: 'l2' });
    const res = await t2.app.request('/console/reports/2026-11.pdf', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/apt-get install chromium.*HELPLINE_CHROMIUM/);
  });
});
