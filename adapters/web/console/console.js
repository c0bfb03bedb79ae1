// @ts-check
/**
 * The console's page script (issue 14): one file for the inbox and the ticket workspace, chosen by
 * <body data-page>; the KPI page and the report draw their charts with insights.js. Data comes
 * from the JSON API; text is always set as text (never as HTML). Labels come from the server in
 * the user's language (#labels); so do, written in front of this script (pages.ts), TICKET_WORDS
 * (categories and statuses, src/tickets/ticket-words.ts) and WORKSPACE_ACTIONS (what each ticket
 * state allows, src/console/allowed-actions.ts).
 */
(() => {
  const body = document.body;
  const page = body.dataset.page;
  /** @type {Record<string, string>} */
  const L = JSON.parse(document.getElementById('labels')?.textContent || '{}');
  const zh = document.documentElement.lang === 'zh';
  const lang = zh ? 'zh-CN' : 'en';
  /** @type {string | null} */
  let csrf = null;
  /** Who is signed in (/auth/me), for the wording of a refusal. */
  const me = { role: '' };

  // Page data from pages.ts; page-globals.d.ts declares TICKET_WORDS without the console's part.
  /** @type {{categories: Record<string, string>, statuses: Record<string, string>, staffStatuses: Record<string, string>}} */
  const WORDS = /** @type {any} */ (TICKET_WORDS)[zh ? 'zh' : 'en'];
  /** @type {Record<string, Record<string, string[]>>} */
  const ALLOWED = /** @type {any} */ (window).WORKSPACE_ACTIONS || {};

  /** A ticket category in the reader's words. @param {string | null | undefined} c */
  const category = (c) => (c && WORDS.categories[c]) || c || '';
  /** A ticket status as staff read it ("waiting_l2" → "等待工程师"). @param {string | null | undefined} s */
  const status = (s) => (s && (WORDS.staffStatuses[s] || WORDS.statuses[s])) || s || '';
  /**
   * An id of the ticket's record by its name in the labels (src/console/record-labels.ts: audit,
   * author, clock, calendar, tier, platform, role); one without a name shows as it is.
   * @param {string} kind @param {string | number | null | undefined} id
   */
  const word = (kind, id) => (id === null || id === undefined ? '' : (L[`${kind}_${id}`] ?? String(id)));
  /** A label with the ticket's number in it. @param {string} text @param {string} number */
  const fill = (text, number) => text.split('{number}').join(number);

  /**
   * One clear message in place of a page's content (a ticket not found, a page not for this
   * person): the content (by id) hidden, the message in the status line under the heading.
   * @param {string} text @param {string[]} hide @param {...(Node | string)} more
   */
  function problem(text, hide, ...more) {
    for (const id of hide) {
      const node = document.getElementById(id);
      if (node) node.hidden = true;
    }
    const status = document.getElementById('status');
    status?.classList.add('problem');
    status?.replaceChildren(text, ...more);
  }

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
      throw Object.assign(new Error(data?.error?.message || `HTTP ${res.status}`), {
        status: res.status,
        code: data?.error?.code,
      });
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
          el('td', {
            text: `${category(t.category)} · ${word('platform', t.platform)} · ${word('tier', t.tier)}`,
          }),
          el('td', { text: status(t.status) }),
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
        h.endedBy ? ` (${L.resumedBy} ${word('audit', h.endedBy)})` : '',
        h.reason ? el('div', { class: 'reason', text: reasonText(h.reason) }) : '',
      ),
    );
    return el(
      'div',
      { class: 'clock', 'data-clock': c.kind },
      el('h3', { text: `${label}: ${word('clock', c.state)}` }),
      el(
        'p',
        {},
        `${L.used} ${duration(c.consumedMs)} / ${duration(c.budgetMs)} (${word('calendar', c.calendar)})`,
        c.stoppedAt ? '' : c.dueAt ? ` · ${L.due} ${when(c.dueAt)} (${countdown(c.dueAt)})` : '',
      ),
      holds.length
        ? el('ol', { class: 'holds', 'aria-label': `${label} · ${L.pauseHistory}` }, ...holds)
        : '',
    );
  }

  /**
   * A reason in the audit log as the reader's words where Helpline wrote it: a sensitive read
   * ("read as hr_admin", "… (incident)", "… (incident HL-1001)": src/server/ticket-reads.ts,
   * src/incidents/incident-service.ts) and the console's own; a person's reason as they typed it.
   * @param {string} reason
   */
  function reasonText(reason) {
    const read = /^read as ([a-z0-9_]+)( \(incident(?: (HL-\d+))?\))?$/.exec(reason);
    if (!read) return L[`reason_${reason}`] ?? reason;
    const via = read[3] ? fill(L.viewedFromIncident, read[3]) : read[2] ? L.viewedIncident : '';
    return `${L.readAs.replace('{role}', word('role', read[1]))}${via}`;
  }

  /** The statuses, tiers and other ids an audit event moved between, in the reader's words. @param {any} e */
  function auditMove(e) {
    if (e.action === 'linked_to_parent' || e.action === 'unlinked_from_parent') {
      return e.data?.parentNumber ? ` (${e.data.parentNumber})` : '';
    }
    if (e.from === null && e.to === null) return '';
    /** @param {string | null} v */
    const name = (v) => (v === null ? '' : WORDS.statuses[v] ? status(v) : word('tier', v));
    if (e.from === null) return ` → ${name(e.to)}`;
    return e.to === null ? ` (${name(e.from)})` : ` (${name(e.from)} → ${name(e.to)})`;
  }

  /** The version of the ticket the page shows: sent with a change of state, so a stale page is told. */
  let shownVersion = /** @type {number | undefined} */ (undefined);
  /** The severity the override list was last set to; a live reload keeps an engineer's choice. */
  let shownSeverity = '';

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
        el('dd', { text: `${status(t.status)} · ${word('tier', t.tier)}` }),
        el('dt', { text: L.category }),
        el('dd', { text: category(t.category) }),
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
            el('span', { class: 'who', text: word('author', m.author) }),
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
            { 'data-action': e.action },
            el('time', { datetime: e.at, text: when(e.at) }),
            ` ${e.actor} · ${word('audit', e.action)}${auditMove(e)}`,
            e.reason ? el('div', { class: 'reason', text: reasonText(e.reason) }) : '',
          ),
        ),
      ),
    );
    const actions = document.getElementById('actions');
    if (actions) actions.hidden = !conv.canWork;
    showAllowed(t);
  }

  /**
   * Only the actions the ticket's state allows (WORKSPACE_ACTIONS, from the lifecycle): no Claim
   * on a resolved ticket, no Reopen on an open one. The severity list starts at the ticket's own.
   * @param {any} t
   */
  function showAllowed(t) {
    const can = ALLOWED[t.status]?.[t.tier] ?? [];
    for (const [id, action] of [
      ['claim', 'claim'],
      ['escalate', 'escalate'],
      ['resolve', 'resolve'],
      ['override-form', 'override'],
      ['reopen-form', 'reopen'],
      ['ask-option', 'wait'],
    ]) {
      const node = document.getElementById(id);
      if (node) node.hidden = !can.includes(action);
    }
    const ask = /** @type {HTMLInputElement | null} */ (document.getElementById('ask'));
    if (ask && !can.includes('wait')) ask.checked = false;
    const severity = /** @type {HTMLSelectElement | null} */ (document.getElementById('new-severity'));
    if (severity && t.severity !== shownSeverity) {
      // The form's reset after an override comes back to the current severity too.
      for (const option of severity.options) option.defaultSelected = option.value === t.severity;
      severity.value = t.severity;
      shownSeverity = t.severity;
    }
  }

  /**
   * The ticket cannot be shown to this person (none by that number, or not theirs): one message
   * instead of the workspace's empty sections. @param {any} err @param {string} number
   */
  function ticketProblem(err, number) {
    const says =
      err.code === 'TICKET_NOT_FOUND'
        ? fill(L.ticketNotFound, number)
        : err.code === 'FORBIDDEN'
          ? fill(L.ticketForbidden, number)
          : err.message;
    document.getElementById('heading')?.replaceChildren(number);
    problem(says, ['workspace']);
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
    let gone = false;
    const failed = (/** @type {any} */ err) => {
      if (err.status === 404 || err.status === 403) {
        gone = true;
        ticketProblem(err, number);
      } else announce(err.message);
    };
    // The actions show once the ticket is loaded; the inbox's `r` lands in the reply box.
    loadTicket()
      .then(() => {
        if (location.hash === '#reply') document.getElementById('reply')?.focus();
      })
      .catch(failed);
    live(() => {
      if (!gone) loadTicket().catch(failed);
    });
  }

  const ready = fetch('/auth/me', { credentials: 'same-origin' })
    .then((r) => r.json())
    .then((who) => {
      csrf = who.csrf || null;
      me.role = who.role || '';
    })
    .catch(() => {});
  // incidents.js (the incidents pages, the workspace's incident box) and knowledge.js build on these.
  /** @type {any} */ (window).helplineConsole = {
    el,
    api,
    announce,
    when,
    live,
    L,
    ready,
    me,
    category,
    status,
    word,
    fill,
    problem,
  };
  ready.finally(() => {
    if (page === 'inbox') inbox();
    else if (page === 'ticket') workspace();
  });
})();
