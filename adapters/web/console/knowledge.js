// @ts-check
/**
 * The knowledge-upkeep page's script (/console/knowledge): the gap clusters and article usage from
 * the JSON API, a draft from a resolved ticket into an editor, publish (PUT) and upload (POST).
 * Runs after console.js and uses its helpers (window.helplineConsole): the same API call with the
 * session's CSRF token, the same element builder (text set as text, never as HTML).
 */
(() => {
  const H = /** @type {any} */ (window).helplineConsole;
  if (!H || document.body.dataset.page !== 'knowledge') return;
  const { el, api, announce, when } = H;
  /** @type {Record<string, string>} */
  const K = JSON.parse(document.getElementById('knowledge-labels')?.textContent || '{}');
  /** @type {string | undefined} */
  let draftTicket;

  /** @param {string} id */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @param {string} id */
  const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

  /** @param {string} template @param {Record<string, string | number>} values */
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => String(values[k] ?? ''));

  const days = () => input('days').value || '90';

  async function loadGaps() {
    const { clusters } = await api(`/api/knowledge/gaps?days=${encodeURIComponent(days())}`);
    const body = $('gaps');
    if (clusters.length === 0) {
      body.replaceChildren(el('tr', {}, el('td', { colspan: 7, text: K.noGaps })));
      return;
    }
    body.replaceChildren(
      ...clusters.map((/** @type {any} */ g) => {
        const others = g.questions.slice(1);
        const question =
          others.length > 0
            ? el(
                'details',
                {},
                el('summary', { text: `${g.question} (+${others.length} ${K.wordings})` }),
                el('ul', {}, ...others.map((/** @type {any} */ q) => el('li', { text: q.question }))),
              )
            : g.question;
        return el(
          'tr',
          { class: 'gap' },
          el('td', {}, question),
          el('td', { text: g.count }),
          el('td', { text: g.declined }),
          el('td', { text: g.downvoted }),
          el('td', { text: when(g.firstSeen) }),
          el('td', { text: when(g.lastSeen) }),
          el('td', {}, g.exampleThreadId ? el('code', { text: g.exampleThreadId }) : '—'),
        );
      }),
    );
  }

  async function loadArticles() {
    const data = await api(`/api/knowledge/articles?days=${encodeURIComponent(days())}`);
    $('articles').replaceChildren(
      ...data.articles.map((/** @type {any} */ a) =>
        el(
          'tr',
          { 'data-path': a.path },
          el('td', {}, el('code', { text: a.path })),
          el('td', { text: a.title }),
          el('td', { text: a.lang }),
          el('td', { text: a.passages }),
          el('td', { text: a.cited }),
          el('td', { text: a.helpful }),
          el('td', { text: a.notHelpful }),
          el('td', { text: when(a.lastCited) }),
        ),
      ),
    );
    $('skipped').replaceChildren(
      ...data.skipped.map((/** @type {any} */ s) =>
        el('li', {}, el('code', { text: s.file }), ` — ${s.reason}`),
      ),
    );
    $('changes').replaceChildren(
      ...data.changes.map((/** @type {any} */ c) =>
        el('li', {
          text: `${when(c.at)} · ${c.actor} · ${c.action} ${c.path}${c.ticketNumber ? ` (${c.ticketNumber})` : ''}`,
        }),
      ),
    );
    $('editors-only').hidden = data.canPublish;
    input('publish').disabled = !data.canPublish;
    $('upload-section').hidden = !data.canPublish;
  }

  const reload = () => Promise.all([loadGaps(), loadArticles()]).catch((err) => announce(err.message));

  $('period').addEventListener('submit', (e) => {
    e.preventDefault();
    reload();
  });

  $('draft-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const draft = await api('/api/knowledge/drafts', {
        json: { ticket: input('draft-ticket').value.trim() },
      });
      draftTicket = draft.ticket;
      input('article-path').value = draft.path;
      /** @type {HTMLTextAreaElement} */ ($('article')).value = draft.markdown;
      $('publish-form').hidden = false;
      $('article').focus();
      announce('');
    } catch (err) {
      announce(/** @type {Error} */ (err).message);
    }
  });

  /** @param {any} result */
  const done = (result) => {
    announce(
      fill(K.published, { path: result.written.path, passages: result.kb.passages, ms: result.reindexMs }),
    );
    return loadArticles();
  };

  $('publish-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const path = input('article-path').value.trim();
    /** @param {'create' | 'replace'} mode */
    const put = (mode) =>
      api(`/api/knowledge/articles/${path.split('/').map(encodeURIComponent).join('/')}`, {
        method: 'PUT',
        json: { content: /** @type {HTMLTextAreaElement} */ ($('article')).value, ticket: draftTicket, mode },
      });
    try {
      // A new article never overwrites one already there unless the editor says so.
      const result = await put('create').catch((/** @type {any} */ err) => {
        if (err.status === 409 && window.confirm(`${err.message} ${K.replaceConfirm}`)) return put('replace');
        throw err;
      });
      await done(result);
    } catch (err) {
      announce(/** @type {Error} */ (err).message);
    }
  });

  input('upload-file').addEventListener('change', () => {
    const file = input('upload-file').files?.[0];
    if (file && !input('upload-path').value) input('upload-path').value = file.name;
  });

  $('upload-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = input('upload-file').files?.[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    try {
      const result = await api('/api/knowledge/files', {
        json: {
          path: input('upload-path').value.trim(),
          contentBase64: btoa(binary),
          replace: input('upload-replace').checked,
        },
      });
      await done(result);
    } catch (err) {
      announce(/** @type {Error} */ (err).message);
    }
  });

  H.ready.finally(reload);
})();
