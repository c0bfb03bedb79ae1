// @ts-check
/**
 * Draws the KPI page's and the monthly report's charts with Chart.js (served from node_modules at
 * /console/assets/chart.umd.js) from the figures the server put in #kpi-data. The same figures are
 * in the tables under each chart; the charts add nothing the tables do not hold. When every chart
 * is drawn, <body data-charts="ready"> tells the PDF printer (and the tests) the page is complete.
 */
(() => {
  /** @type {any} */
  const Chart = /** @type {any} */ (window).Chart;
  const source = document.getElementById('kpi-data');
  if (!Chart || !source) return;
  /** @type {any} */
  const d = JSON.parse(source.textContent || '{}');
  const w = d.words;
  // Colours with at least 3:1 contrast against white, told apart by more than hue in the tables.
  const SEVERITY_COLOURS = { P0: '#b3261e', P1: '#c25400', P2: '#1a5fb4', P3: '#5e6670' };
  const BLUE = '#1a5fb4';
  const GREEN = '#2e7d32';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, "Noto Sans CJK SC", "Noto Sans SC", sans-serif';
  Chart.defaults.color = '#1f2328';

  /** @param {string} id @param {any} config */
  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }
  const hours = (/** @type {number | null} */ ms) => (ms === null ? null : ms / 3600000);
  const integerTicks = { beginAtZero: true, ticks: { precision: 0 } };

  draw('chart-per-day', {
    type: 'bar',
    data: {
      labels: d.perDay.map((/** @type {any} */ x) => x.day),
      datasets: d.severities.map((/** @type {'P0'|'P1'|'P2'|'P3'} */ s) => ({
        label: s,
        data: d.perDay.map((/** @type {any} */ x) => x[s]),
        backgroundColor: SEVERITY_COLOURS[s],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { ...integerTicks, stacked: true } } },
  });

  draw('chart-response', {
    type: 'bar',
    data: {
      labels: d.response.map((/** @type {any} */ x) => x.severity),
      datasets: [
        { label: `${w.firstResponse} p50`, key: 'firstResponseP50', backgroundColor: '#6d9eeb' },
        { label: `${w.firstResponse} p90`, key: 'firstResponseP90', backgroundColor: BLUE },
        { label: `${w.mttr} p50`, key: 'mttrP50', backgroundColor: '#81c784' },
        { label: `${w.mttr} p90`, key: 'mttrP90', backgroundColor: GREEN },
      ].map(({ key, ...set }) => ({
        ...set,
        data: d.response.map((/** @type {any} */ x) => hours(x[key])),
      })),
    },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: w.hours } } } },
  });

  draw('chart-hours', {
    type: 'bar',
    data: {
      labels: d.hours.tickets.map((/** @type {number} */ _, /** @type {number} */ h) =>
        `${h}`.padStart(2, '0'),
      ),
      datasets: [
        { label: w.tickets, data: d.hours.tickets, backgroundColor: BLUE },
        { label: w.questions, data: d.hours.questions, backgroundColor: '#9aa0a6' },
      ],
    },
    options: { scales: { y: integerTicks } },
  });

  draw('chart-categories', {
    type: 'bar',
    data: {
      labels: d.categories.map((/** @type {any} */ c) => c.name),
      datasets: [
        {
          label: w.tickets,
          data: d.categories.map((/** @type {any} */ c) => c.tickets),
          backgroundColor: BLUE,
        },
      ],
    },
    options: { indexAxis: 'y', scales: { x: integerTicks }, plugins: { legend: { display: false } } },
  });

  draw('chart-reasons', {
    type: 'bar',
    data: {
      labels: d.reasons.map((/** @type {any} */ r) => r.name),
      datasets: [
        {
          label: w.tickets,
          data: d.reasons.map((/** @type {any} */ r) => r.tickets),
          backgroundColor: '#c25400',
        },
      ],
    },
    options: { indexAxis: 'y', scales: { x: integerTicks }, plugins: { legend: { display: false } } },
  });

  draw('chart-csat', {
    type: 'bar',
    data: {
      labels: ['1 ★', '2 ★', '3 ★', '4 ★', '5 ★'],
      datasets: [
        {
          label: w.tickets,
          data: d.csat,
          backgroundColor: ['#b3261e', '#c25400', '#5e6670', '#1a5fb4', '#2e7d32'],
        },
      ],
    },
    options: { scales: { y: integerTicks }, plugins: { legend: { display: false } } },
  });

  document.body.dataset.charts = 'ready';
})();
