// @ts-check
/**
 * The incidents pages and the ticket workspace's incident box (issue 14 item 3), chosen by
 * <body data-page>. Runs after console.js and uses its helpers (window.helplineConsole): the same
 * API call with the CSRF token, the same element builder (text set as text, never as HTML), the
 * same live reload and labels.
 */
(() => {
  const H = /** @type {any} */ (window).helplineConsole;
  if (!H) return;
  const { el, api, announce, when, live, category, status, word, fill, problem, me } = H;
  /** @type {Record<string, string>} */
  const L = H.L;
  const body = document.body;
  const enc = encodeURIComponent;

  /** @param {string} id @param {...(Node | string)} nodes */
  const set = (id, ...nodes) => document.getElementById(id)?.replaceChildren(...nodes);
  /** @param {string} id */
  const input = (id) => /** @type {HTMLInputElement | HTMLTextAreaElement} */ (document.getElementById(id));
  /** @param {Record<string, number>} platforms */
  const platformText = (platforms) =>
    Object.entries(platforms)
      .map(([name, n]) => `${word('platform', name)} ${n}`)
      .join(' · ');
  /**
   * @param {string} id
   * @param {() => Promise<unknown>} fn
   */
  const onSubmit = (id, fn) =>
    document.getElementById(id)?.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await fn();
      } catch (err) {
        announce(/** @type {Error} */ (err).message);
      }
    });

  // ---- the list ------------------------------------------------------------------------------
  async function loadList() {
    const { incidents } = await api('/api/incidents');
    if (!incidents.length) {
      set('incidents', el('tr', {}, el('td', { colspan: 9, text: L.noIncidents })));
      return;
    }
    set(
      'incidents',
      ...incidents.map((/** @type {any} */ i) =>
        el(
          'tr',
          { class: `sev-${i.severity}`, 'data-number': i.number },
          el('td', {}, el('a', { href: `/console/incidents/${i.number}`, text: i.number })),
          el('td', {}, el('span', { class: `sev sev-${i.severity}`, text: i.severity })),
          el('td', { text: i.title }),
          el('td', { text: status(i.status) }),
          el('td', { class: 'reporters', text: i.reporters }),
          el('td', { text: i.openReports }),
          el('td', { text: platformText(i.platforms) }),
          el('td', {}, el('time', { datetime: i.createdAt, text: when(i.createdAt) })),
          el('td', {}, el('time', { datetime: i.lastReportAt, text: when(i.lastReportAt) })),
        ),
      ),
    );
  }

  // ---- one incident ----------------------------------------------------------------------------
  const number = body.dataset.incident || '';
  /** @type {any} */
  let shown = null;
  /** The key of the update being sent: a retry after a failure re-sends the same update, never a second. */
  let updateKey = '';

  async function loadIncident() {
    const i = await api(`/api/incidents/${enc(number)}`);
    shown = i;
    set('heading', `${i.number} · ${i.title}`);
    set(
      'facts',
      el(
        'dl',
        {},
        el('dt', { text: L.status }),
        el('dd', { id: 'incident-status', text: status(i.status) }),
        el('dt', { text: L.severity }),
        el('dd', {}, el('span', { class: `sev sev-${i.severity}`, text: i.severity })),
        el('dt', { text: L.category }),
        el('dd', { text: category(i.category) }),
        el('dt', { text: L.reporters }),
        el('dd', { text: `${i.reporters} (${platformText(i.platforms)})` }),
        el('dt', { text: L.openReports }),
        el('dd', { text: i.openReports }),
        el('dt', { text: L.assignee }),
        el('dd', { text: i.assigneeId || '—' }),
        el('dt', { text: L.opened }),
        el('dd', { text: when(i.createdAt) }),
      ),
      el('p', {}, el('a', { href: `/console/tickets/${i.number}`, text: L.openTicket })),
    );
    set('rationale', i.rationale);
    set(
      'reporters',
      ...i.reportedBy.map((/** @type {any} */ r) =>
        r.hidden
          ? el(
              'tr',
              {},
              el('td', { colspan: 3, text: L.hiddenReport }),
              el('td', { text: word('platform', r.platform) }),
              el('td', { text: when(r.reportedAt) }),
            )
          : el(
              'tr',
              { 'data-number': r.number },
              el('td', {}, r.requesterId, r.opener ? el('small', { text: ` (${L.opener})` }) : ''),
              el('td', { text: word('platform', r.platform) }),
              el('td', {}, el('time', { datetime: r.reportedAt, text: when(r.reportedAt) })),
              el('td', {}, el('blockquote', { class: 'words', text: r.words })),
              el(
                'td',
                {},
                el('a', { href: `/console/tickets/${r.number}`, text: r.number }),
                ` ${status(r.status)}`,
              ),
            ),
      ),
    );
    set(
      'updates',
      i.updates.length
        ? el(
            'ol',
            { class: 'audit' },
            ...i.updates.map((/** @type {any} */ u) =>
              el(
                'li',
                {},
                el('time', { datetime: u.at, text: when(u.at) }),
                ` ${u.author} · ${L.sentTo} ${u.reporters}`,
                el('div', { class: 'reason', text: u.text }),
              ),
            ),
          )
        : el('p', { text: L.noUpdates }),
    );
    const actions = document.getElementById('incident-actions');
    // Nothing left to do on an incident resolved with all its reports.
    if (actions) actions.hidden = !i.canWork || (!i.open && i.openReports === 0);
    const updateForm = document.getElementById('update-form');
    if (updateForm) updateForm.hidden = !i.open;
    const resolveForm = document.getElementById('resolve-form');
    if (resolveForm) resolveForm.hidden = !i.open && i.openReports === 0;
    set('resolve-incident', i.open ? L.resolveIncident : L.resolveRest);
  }

  /**
   * The incident cannot be shown (no such number, a report rather than an incident, not for this
   * person): one message instead of the page's empty sections. @param {any} err
   */
  async function incidentProblem(err) {
    const hide = ['incident-page'];
    document.getElementById('heading')?.replaceChildren(number);
    if (err.code === 'NOT_FOUND') {
      // A report linked to an incident: point at the incident.
      const box = await api(`/api/tickets/${enc(number)}/incident`).catch(() => null);
      const parent = box?.incident?.number;
      if (parent) {
        problem(
          fill(L.incidentIsReport, number),
          hide,
          ' ',
          el('a', { href: `/console/incidents/${parent}`, text: parent }),
        );
        return;
      }
    }
    const says =
      err.code === 'FORBIDDEN'
        ? me.role === 'employee'
          ? L.incidentsForStaff
          : fill(L.incidentForbidden, number)
        : err.code === 'TICKET_NOT_FOUND' || err.code === 'NOT_FOUND'
          ? fill(L.incidentNotFound, number)
          : err.message;
    problem(says, hide);
  }

  function incident() {
    onSubmit('update-form', async () => {
      const text = input('update').value;
      updateKey ||= crypto.randomUUID();
      const done = await api(`/api/incidents/${enc(number)}/updates`, { json: { text, key: updateKey } });
      updateKey = '';
      input('update').value = '';
      announce(`${L.done} (${L.sentTo} ${done.reporters})`);
      await loadIncident();
    });
    onSubmit('resolve-form', async () => {
      await api(`/api/incidents/${enc(number)}/resolve`, {
        json: { note: input('resolution').value, version: shown?.version },
      });
      input('resolution').value = '';
      announce(L.resolvedAll);
      await loadIncident();
    });
    let gone = false;
    const reload = () => {
      if (gone) return;
      loadIncident().catch((/** @type {any} */ e) => {
        if (e.status === 403 || e.status === 404) {
          gone = true;
          incidentProblem(e);
        } else announce(e.message);
      });
    };
    reload();
    live(reload);
  }

  // ---- the ticket workspace's incident box -------------------------------------------------------
  async function loadBox() {
    const ticket = body.dataset.ticket || '';
    const box = await api(`/api/tickets/${enc(ticket)}/incident`);
    const linkForm = document.getElementById('link-form');
    const unlinkForm = document.getElementById('unlink-form');
    if (box.incident) {
      set(
        'incident-of',
        `${L.partOf} `,
        el('a', { href: `/console/incidents/${box.incident.number}`, text: box.incident.number }),
        ` · ${status(box.incident.status)}${box.incident.title ? ` · ${box.incident.title}` : ''}`,
      );
    } else if (box.isIncident) {
      set(
        'incident-of',
        `${L.isIncident} `,
        el('a', { href: `/console/incidents/${ticket}`, text: L.incidents }),
      );
    } else {
      set('incident-of', '—');
    }
    set(
      'incident-candidates',
      ...box.candidates.map((/** @type {any} */ c) =>
        el('option', { value: c.number, text: `${c.severity} · ${c.title} (${c.reporters})` }),
      ),
    );
    if (linkForm) linkForm.hidden = !box.canLink || Boolean(box.incident);
    if (unlinkForm) unlinkForm.hidden = !box.canLink || !box.incident;
  }

  function incidentBox() {
    // No box on this page: incidents are not for this person (pages.ts asks the policy).
    if (!document.getElementById('incident-box')) return;
    const ticket = body.dataset.ticket || '';
    const reload = () =>
      loadBox().catch((/** @type {any} */ e) => {
        // Not for this person (an employee: incidents are for staff), or no such ticket (the
        // workspace says so): no box, and no second message.
        if (e.status === 403 || e.status === 404) {
          const box = document.getElementById('incident-box');
          if (box) box.hidden = true;
        } else announce(e.message);
      });
    onSubmit('link-form', async () => {
      await api(`/api/tickets/${enc(ticket)}/link`, {
        json: { incident: input('link-incident').value.trim() },
      });
      input('link-incident').value = '';
      announce(L.done);
      await reload();
    });
    onSubmit('unlink-form', async () => {
      await api(`/api/tickets/${enc(ticket)}/unlink`, { json: { reason: input('unlink-reason').value } });
      input('unlink-reason').value = '';
      announce(L.done);
      await reload();
    });
    reload();
    // On the workspace's stream (console.js opens one per page): linked or unlinked elsewhere shows here.
    live(reload);
  }

  H.ready.finally(() => {
    const page = body.dataset.page;
    if (page === 'incidents') {
      let gone = false;
      const reload = () => {
        if (gone) return;
        loadList().catch((/** @type {any} */ e) => {
          // Employees have no incidents list: say so once, instead of an empty table.
          if (e.status === 403) {
            gone = true;
            problem(L.incidentsForStaff, ['incidents-box']);
          } else announce(e.message);
        });
      };
      reload();
      live(reload);
    } else if (page === 'incident') incident();
    else if (page === 'ticket') incidentBox();
  });
})();
