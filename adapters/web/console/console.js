// @ts-check
/**
 * The console's page script (issue 14): one file for the inbox and the ticket workspace, chosen by
 * <body data-page>; the KPI page and the report draw their charts with insights.js. Data comes
 * from the JSON API; text is always set as text (never as HTML). Labels come from the server in
 * the user's language (#labels).
 */
(() => {
  const body = document.body;
  const page = body.dataset.page;
  /** @type {Record<string, string>} */
  const L = JSON.parse(document.getElementById('labels')?.textContent || '{}');
  const lang = document.documentElement.lang === 'zh' ? 'zh-CN' : 'en';
  /** @type {string | null} */
  let csrf = null;

  /**
   * @param {string} tag
   * @param {Record<string, any>} [attrs]
   * @param {...(Node | string | null | undefined)} children
   */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  /**
   * This page view: sent with every call, so the server audits a read of a sensitive ticket once
   * per page view, not once per call nor at every live refresh.
   */
  const view =
    typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

  /** @param {string} path @param {{method?: string, json?: unknown}} [opts] */
  async function api(path, opts = {}) {
    /** @type {Record<string, string>} */
    const headers = { 'x-helpline-view': view };
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      if (csrf) headers['x-csrf-token'] = csrf;
    }
    const res = await fetch(path, {
      method: opts.method || (opts.json !== undefined ? 'POST' : 'GET'),
      headers,
      body: opts.json !== undefined ? JSON.stringify(opts.json) : undefined,
      credentials: 'same-origin',
    });
    const data = await res.json().catch(() => ({}));
    // The status goes with the message: a page may ask before it retries (knowledge.js on a 409).
    if (!res.ok) {
      throw Object.assign(new Error(data?.error?.message || `HTTP ${res.status}`), { status: res.status });
    }
    return data;
  }

  /** @param {string | null | undefined} iso */
  const when = (iso) => (iso ? new Date(iso).toLocaleString(lang) : '—');

  /**
   * The same rule as kpi-view.ts's duration (the server's figures); change both together.
   * @param {number | null | undefined} ms
   */
  function duration(ms) {
    if (ms === null || ms === undefined) return '—';
    const s = Math.round(ms / 1000);
    if (s < 90) return `${s} s`;
    const m = Math.round(s / 60);
    if (m < 90) return `${m} min`;
    const h = m / 60;
    return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} d`;
  }

  /** @param {string} iso */
  function countdown(iso) {
    const left = Date.parse(iso) - Date.now();
    const sign = left < 0 ? '-' : '';
    return `${sign}${duration(Math.abs(left))}`;
  }

  /** @param {string} text */
  function announce(text) {
    const status = document.getElementById('status');
    if (status) status.textContent = text;
  }

  /** @type {Array<() => void>} */
  const followers = [];
  /** @type {EventSource | null} */
  let stream = null;

  /**
   * Calls `reload` on every change the server reports. One stream per page, however many parts of
   * it follow (the workspace and its incident box): every 5 s while the stream is down, and every
   * 30 s while it is up, so countdowns stay current.
   * @param {() => void} reload
   */
  function live(reload) {
    followers.push(reload);
    if (followers.length > 1) return;
    const badge = document.getElementById('live');
    const all = () => {
      for (const follow of followers) follow();
    };
    let timer = 0;
    const soon = () => {
      clearTimeout(timer);
      timer = window.setTimeout(all, 150);
    };
    if (typeof EventSource === 'function') {
      stream = new EventSource('/api/console/stream');
      stream.addEventListener('change', soon);
      stream.onopen = () => {
        if (badge) badge.textContent = L.live;
      };
      stream.onerror = () => {
        if (badge) badge.textContent = L.offline;
      };
    }
    let ticks = 0;
    setInterval(() => {
      ticks += 1;
      if (!stream || stream.readyState !== EventSource.OPEN || ticks % 6 === 0) all();
    }, 5000);
  }

  // ---- inbox ---------------------------------------------------------------------------------
  const QUEUES = ['all', 'unclaimed', 'mine', 'breaching', 'breached', 'waiting'];
  let queue = 'all';
  /** @type {any[]} */
  let rows = [];
  let cursor = 0;

  async function loadInbox() {
    const form = /** @type {HTMLFormElement | null} */ (document.getElementById('filters'));
    const params = new URLSearchParams();
    if (form) {
      for (const [k, v] of new FormData(form).entries()) if (v) params.set(k, String(v));
    }
    const data = await api(`/api/console/inbox?${params}`);
    const tabs = document.getElementById('queues');
    if (tabs) {
      tabs.replaceChildren(
        ...QUEUES.map((q) =>
          el(
            'button',
            {
              type: 'button',
              class: 'queue',
              'aria-pressed': String(q === queue),
              'data-queue': q,
              onclick: () => {
                queue = q;
                cursor = 0;
                loadInbox();
              },
            },
            `${L[q]} `,
            el('span', { class: 'count', text: data.counts[q] ?? 0 }),
          ),
        ),
      );
    }
    rows = data.tickets.filter((/** @type {any} */ t) => queue === 'all' || t.queues.includes(queue));
    const tbody = document.getElementById('tickets');
    if (!tbody) return;
    if (!rows.length) {
      tbody.replaceChildren(el('tr', {}, el('td', { colspan: 7, text: L.none })));
      return;
    }
    cursor = Math.min(cursor, rows.length - 1);
    tbody.replaceChildren(
      ...rows.map((t, i) =>
        el(
          'tr',
          {
            class: `sev-${t.severity}${i === cursor ? ' cursor' : ''}${t.queues.includes('breached') ? ' late' : ''}`,
            'data-number': t.number,
          },
          el('td', {}, el('a', { href: `/console/tickets/${t.number}`, text: t.number })),
          el('td', {}, el('span', { class: `sev sev-${t.severity}`, text: t.severity })),
          el('td', { text: t.title }),
          el('td', { text: `${t.category} · ${t.platform} · ${t.tier}` }),
          el('td', { text: t.status }),
          el('td', { text: t.assigneeId || '—' }),
          el(
            'td',
            { title: when(t.deadline) },
            t.deadline ? el('time', { datetime: t.deadline, text: countdown(t.deadline) }) : '—',
          ),
        ),
      ),
    );
  }

  function inbox() {
    const form = document.getElementById('filters');
    form?.addEventListener('change', () => loadInbox());
    form?.addEventListener('submit', (e) => {
      e.preventDefault();
      loadInbox();
    });
    loadInbox().catch((e) => announce(e.message));
    live(() => loadInbox().catch((e) => announce(e.message)));
    document.addEventListener('keydown', async (e) => {
      const target = /** @type {HTMLElement} */ (e.target);
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || e.metaKey || e.ctrlKey || e.altKey) return;
      const row = rows[cursor];
      if (e.key === 'j' || e.key === 'k') {
        cursor = Math.max(0, Math.min(rows.length - 1, cursor + (e.key === 'j' ? 1 : -1)));
        await loadInbox();
        /** @type {HTMLElement | null} */ (document.querySelector('tr.cursor a'))?.focus();
      } else if (e.key === 'Enter' && row && target === body) {
        location.href = `/console/tickets/${row.number}`;
      } else if (e.key === 'c' && row) {
        try {
          await api(`/api/tickets/${row.number}/claim`, { json: {} });
          announce(`${row.number}: ${L.done}`);
        } catch (err) {
          announce(/** @type {Error} */ (err).message);
        }
        loadInbox();
      } else if (e.key === 'r' && row) {
        location.href = `/console/tickets/${row.number}#reply`;
      }
    });
  }

  // ---- ticket workspace ------------------------------------------------------------------------
  /** One SLA clock with its pause history (GET /api/tickets/:id/clocks). @param {any} c */
  function clockView(c) {
    const label = c.kind === 'first_response' ? L.firstResponse : L.resolution;
    const holds = c.holds.map((/** @type {any} */ h) =>
      el(
        'li',
        { class: 'hold' },
        `${h.kind === 'waiting_employee' ? L.pausedWaiting : L.stoppedResolved}: `,
        el('time', { datetime: h.from, text: when(h.from) }),
        ' → ',
        h.to ? el('time', { datetime: h.to, text: when(h.to) }) : L.stillHeld,
        h.endedBy ? ` (${L.resumedBy} ${h.endedBy})` : '',
        h.reason ? el('div', { class: 'reason', text: h.reason }) : '',
      ),
    );
    return el(
      'div',
      { class: 'clock', 'data-clock': c.kind },
      el('h3', { text: `${label}: ${c.state}` }),
      el(
        'p',
        {},
        `${L.used} ${duration(c.consumedMs)} / ${duration(c.budgetMs)} (${c.calendar})`,
        c.stoppedAt ? '' : c.dueAt ? ` · ${L.due} ${when(c.dueAt)} (${countdown(c.dueAt)})` : '',
      ),
      holds.length
        ? el('ol', { class: 'holds', 'aria-label': `${label} · ${L.pauseHistory}` }, ...holds)
        : '',
    );
  }

  /** The version of the ticket the page shows: sent with a change of state, so a stale page is told. */
  let shownVersion = /** @type {number | undefined} */ (undefined);

  async function loadTicket() {
    const number = body.dataset.ticket || '';
    const [t, ev, conv, sla] = await Promise.all([
      api(`/api/tickets/${encodeURIComponent(number)}`),
      api(`/api/tickets/${encodeURIComponent(number)}/events`),
      api(`/api/tickets/${encodeURIComponent(number)}/conversation`),
      api(`/api/tickets/${encodeURIComponent(number)}/clocks`),
    ]);
    const set = (/** @type {string} */ id, /** @type {(Node|string)[]} */ ...nodes) =>
      document.getElementById(id)?.replaceChildren(...nodes);
    shownVersion = t.version;
    set(
      'heading',
      `${t.number} · ${t.title}`,
      t.sensitive ? el('span', { class: 'tag', text: L.sensitive }) : '',
    );
    set(
      'facts',
      el(
        'dl',
        {},
        el('dt', { text: L.status }),
        el('dd', { text: `${t.status} · ${t.tier}` }),
        el('dt', { text: L.category }),
        el('dd', { text: t.category }),
        el('dt', { text: L.assignee }),
        el('dd', { text: t.assigneeId || '—' }),
      ),
    );
    const said = t.transcript.filter((/** @type {any} */ l) => l.author === 'user');
    set('words', ...said.map((/** @type {any} */ l) => el('blockquote', { class: 'words', text: l.text })));
    set(
      'severity',
      el('p', {}, el('span', { class: `sev sev-${t.severity}`, text: t.severity })),
      el('p', { class: 'rationale', text: t.rationale }),
      t.signals.length
        ? el(
            'ul',
            { 'aria-label': L.signals },
            ...t.signals.map((/** @type {any} */ s) =>
              el('li', { text: `${s.name}: ${s.match}${s.effect ? ` → ${s.effect}` : ''}` }),
            ),
          )
        : '',
    );
    set('clocks', ...sla.clocks.map(clockView));
    set(
      'conversation',
      el(
        'ol',
        { class: 'conv' },
        ...conv.messages.map((/** @type {any} */ m) =>
          el(
            'li',
            { class: `msg ${m.author}` },
            el('span', { class: 'who', text: m.author }),
            el('span', { class: 'text', text: m.text }),
            el('time', { datetime: m.createdAt, text: when(m.createdAt) }),
          ),
        ),
      ),
    );
    set(
      'audit',
      el(
        'ol',
        { class: 'audit' },
        ...ev.events.map((/** @type {any} */ e) =>
          el(
            'li',
            {},
            el('time', { datetime: e.at, text: when(e.at) }),
            ` ${e.actor} · ${e.action}`,
            e.from || e.to ? ` (${e.from ?? ''} → ${e.to ?? ''})` : '',
            e.reason ? el('div', { class: 'reason', text: e.reason }) : '',
          ),
        ),
      ),
    );
    const actions = document.getElementById('actions');
    if (actions) actions.hidden = !conv.canWork;
  }

  function workspace() {
    const number = body.dataset.ticket || '';
    const run = async (/** @type {string} */ action, /** @type {Record<string, unknown>} */ json) => {
      try {
        await api(`/api/tickets/${encodeURIComponent(number)}/${action}`, { json });
        announce(L.done);
        await loadTicket();
        return true;
      } catch (err) {
        // Someone else acted first: say who, and show the ticket as it is now.
        announce(/** @type {Error} */ (err).message);
        await loadTicket().catch(() => {});
        return false;
      }
    };
    /** A change of state names the version the engineer saw. */
    const state = (/** @type {Record<string, unknown>} */ json) => ({ ...json, version: shownVersion });
    const value = (/** @type {string} */ id) =>
      /** @type {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} */ (document.getElementById(id))
        .value;
    const bind = (
      /** @type {string} */ id,
      /** @type {(form: HTMLFormElement) => Promise<boolean>} */ fn,
    ) => {
      const form = /** @type {HTMLFormElement | null} */ (document.getElementById(id));
      form?.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (await fn(form)) form.reset();
      });
    };
    document.getElementById('claim')?.addEventListener('click', () => run('claim', state({})));
    document.getElementById('escalate')?.addEventListener('click', () => run('escalate', state({})));
    document.getElementById('resolve')?.addEventListener('click', () => run('resolve', state({})));
    bind('reply-form', () =>
      run('reply', {
        text: value('reply'),
        key: crypto.randomUUID(),
        waitForEmployee: /** @type {HTMLInputElement} */ (document.getElementById('ask')).checked,
      }),
    );
    bind('note-form', () => run('note', { text: value('note') }));
    bind('override-form', () =>
      run('override', state({ severity: value('new-severity'), reason: value('override-reason') })),
    );
    bind('reopen-form', () => run('reopen', state({ reason: value('reopen-reason') })));
    // The actions show once the ticket is loaded; the inbox's `r` lands in the reply box.
    loadTicket()
      .then(() => {
        if (location.hash === '#reply') document.getElementById('reply')?.focus();
      })
      .catch((e) => announce(e.message));
    live(() => loadTicket().catch((e) => announce(e.message)));
  }

  const ready = fetch('/auth/me', { credentials: 'same-origin' })
    .then((r) => r.json())
    .then((me) => {
      csrf = me.csrf || null;
    })
    .catch(() => {});
  // incidents.js (the incidents pages, the workspace's incident box) and knowledge.js build on these.
  /** @type {any} */ (window).helplineConsole = { el, api, announce, when, live, L, ready };
  ready.finally(() => {
    if (page === 'inbox') inbox();
    else if (page === 'ticket') workspace();
  });
})();
