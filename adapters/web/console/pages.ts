/**
 * The console's pages (issue 14; DESIGN §6): `/console` (inbox), `/console/tickets/:number`
 * (workspace), `/console/incidents` and `/console/incidents/:number`; the KPI page and the monthly report (insights-pages.ts) share the frame. Each is a
 * server-rendered frame in the user's language with labelled landmarks and controls; console.js fills in the data from the JSON API, so every figure
 * shown went through the policy there. Like the chat page, the only script and style are inline
 * and allowed by hash (Content-Security-Policy). Not signed in: a page that says how to sign in.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { principalOf } from '../../../src/access/chat-access.ts';
import {
  incidentDecision,
  insightsDecision,
  knowledgeDecision,
  type Principal,
} from '../../../src/access/policy.ts';
import { WORKSPACE_ACTIONS } from '../../../src/console/allowed-actions.ts';
import {
  type ConsoleLang,
  categoryName,
  LABELS,
  LANG_COOKIE,
  type Labels,
  nameOf,
  pickLang,
} from '../../../src/console/labels.ts';
import { TIERS } from '../../../src/tickets/lifecycle.ts';
import { TICKET_WORDS } from '../../../src/tickets/ticket-words.ts';
import { CATEGORIES, SEVERITIES } from '../../../src/triage/types.ts';
import { incidentBox, incidentPage, incidentsPage } from './incident-pages.ts';

const pageScript = readFileSync(new URL('./console.js', import.meta.url), 'utf8');
const style = readFileSync(new URL('./style.css', import.meta.url), 'utf8');
// The incidents pages and the workspace's incident box; runs after console.js, on its helpers.
const incidentsScript = readFileSync(new URL('./incidents.js', import.meta.url), 'utf8');
if ([pageScript, incidentsScript].some((s) => /<\/script/i.test(s)) || /<\/style/i.test(style)) {
  throw new Error(
    'console.js / incidents.js / style.css must not contain a closing </script> or </style> tag',
  );
}
/** JSON as a script literal: "<" escaped, so no text in it can close the script element. */
const literal = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');
/**
 * console.js, after the data it reads (as the web chat's helpers are, adapters/web/page-helpers.ts):
 * categories and statuses in the reader's words, and the actions each ticket state allows.
 */
const script = `var TICKET_WORDS = ${literal(TICKET_WORDS)};
var WORKSPACE_ACTIONS = ${literal(WORKSPACE_ACTIONS)};
${pageScript}`;
export const sha256 = (text: string) =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The console's Content-Security-Policy; a page with more scripts or styles names their sources. */
export function consoleCsp(extra: { script?: string[]; style?: string[] } = {}): string {
  return [
    "default-src 'none'",
    `script-src ${[sha256(script), ...(extra.script ?? [])].join(' ')}`,
    `style-src ${[sha256(style), ...(extra.style ?? [])].join(' ')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const consolePageCsp = consoleCsp();
/** The incidents pages and the ticket workspace (its incident box) run incidents.js too. */
const incidentsPageCsp = consoleCsp({ script: [sha256(incidentsScript)] });
const withIncidents = { tail: html`<script>${raw(incidentsScript)}</script>` };

export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The chat platforms a ticket comes from (src/console/kpis.ts platformOf). */
const PLATFORMS = ['web', 'lark', 'slack'] as const;

/** The console's sections in its navigation, and the section each page (`data-page`) belongs to. */
const SECTIONS = [
  ['/console', 'inbox'],
  ['/console/incidents', 'incidents'],
  ['/console/insights', 'insights'],
  ['/console/knowledge', 'knowledge'],
] as const;
const SECTION_OF: Record<string, string> = {
  inbox: '/console',
  ticket: '/console',
  incidents: '/console/incidents',
  incident: '/console/incidents',
  insights: '/console/insights',
  report: '/console/insights',
  knowledge: '/console/knowledge',
};

/** Whether the policy lets `p` use a section, so the nav shows no link that only says no. */
function mayOpen(p: Principal, section: (typeof SECTIONS)[number][1]): boolean {
  switch (section) {
    case 'inbox':
      return true;
    case 'incidents':
      return incidentDecision(p, 'list').allowed;
    case 'insights':
      return insightsDecision(p).allowed;
    case 'knowledge':
      return knowledgeDecision(p, 'read').allowed;
  }
}

/** A console page: `extra.head` goes in <head>, `extra.tail` (a page's own script) after console.js. */
export function frame(
  lang: ConsoleLang,
  p: Principal | undefined,
  title: string,
  data: Record<string, string>,
  content: Markup,
  extra: { head?: Markup; tail?: Markup } = {},
): Markup {
  const L = LABELS[lang];
  const attrs = Object.entries(data)
    .map(([k, v]) => html` data-${k}="${v}"`)
    .reduce((a, b) => html`${a}${b}`, html``);
  // JSON inside a non-executing script element; "<" escaped so no text can close it.
  const labels = literal(L);
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · ${L.console}</title><style>${raw(style)}</style>${extra.head ?? ''}</head>
<body${attrs}><a class="skip" href="#main">${lang === 'zh' ? '跳到正文' : 'Skip to content'}</a>
<header><h1>${L.console}</h1>
<nav aria-label="${L.console}">${SECTIONS.filter(([, key]) => !p || mayOpen(p, key)).map(
    ([href, key]) =>
      html`<a href="${href}"${SECTION_OF[data.page ?? ''] === href ? raw(' aria-current="page"') : ''}>${L[key]}</a>`,
  )}
<a href="?lang=${lang === 'zh' ? 'en' : 'zh'}" lang="${lang === 'zh' ? 'en' : 'zh'}">${L.language}</a></nav>
${p ? html`<span class="me">${L.signedInAs} <strong id="me">${p.userId}</strong> (${nameOf(L, 'role', p.role)})</span>` : ''}
</header>
<main id="main">${content}<p id="status" role="status" aria-live="polite"></p></main>
<script type="application/json" id="labels">${raw(labels)}</script>
<script>${raw(script)}</script>${extra.tail ?? ''}</body></html>`;
}

function select(
  id: string,
  label: string,
  any: string,
  options: readonly string[],
  name: (option: string) => string = (o) => o,
) {
  return html`<label for="${id}">${label}<select id="${id}" name="${id}"><option value="">${any}</option>${options.map(
    (o) => html`<option value="${o}">${name(o)}</option>`,
  )}</select></label>`;
}

function inboxPage(lang: ConsoleLang) {
  const L = LABELS[lang];
  return html`<h2>${L.inbox} <small id="live" aria-live="polite"></small></h2>
<nav id="queues" aria-label="${L.queues}"></nav>
<form id="filters" class="inline" aria-label="${L.filters}">
${select('severity', L.severity, L.any, SEVERITIES)}${select('category', L.category, L.any, CATEGORIES, (c) => categoryName(lang, c))}
${select('platform', L.platform, L.any, PLATFORMS, (p) => nameOf(L, 'platform', p))}${select('tier', L.tier, L.any, TIERS, (t) => nameOf(L, 'tier', t))}
</form>
<p class="shortcuts">${L.shortcuts}</p>
<div class="table-box" role="region" tabindex="0" aria-label="${L.inbox} (${L.scrollTable})"><table aria-label="${L.inbox}"><thead><tr><th scope="col">${L.ticket}</th><th scope="col">${L.severity}</th><th scope="col">${L.title}</th>
<th scope="col">${L.category} · ${L.platform} · ${L.tier}</th><th scope="col">${L.status}</th><th scope="col">${L.assignee}</th><th scope="col">${L.deadline}</th></tr></thead>
<tbody id="tickets"></tbody></table></div>`;
}

/** The workspace; the incident box only for those the policy shows incidents to (not employees). */
function ticketPage(L: Labels, p: Principal) {
  return html`<p><a href="/console">← ${L.back}</a></p><h2 id="heading"></h2>
<div class="grid" id="workspace"><div>
<section aria-labelledby="h-words"><h2 id="h-words">${L.employeeSaid}</h2><div id="words"></div></section>
<section aria-labelledby="h-sev"><h2 id="h-sev">${L.rationale}</h2><div id="severity"></div></section>
<section aria-labelledby="h-conv"><h2 id="h-conv">${L.conversation}</h2><div id="conversation"></div></section>
<section id="actions" aria-labelledby="h-actions" hidden><h2 id="h-actions">${L.actions}</h2>
<div class="buttons"><button type="button" class="act" id="claim">${L.claim}</button>
<button type="button" class="act secondary" id="escalate">${L.escalate}</button>
<button type="button" class="act secondary" id="resolve">${L.resolve}</button></div>
<form id="reply-form"><label for="reply">${L.reply}<textarea id="reply" name="reply" required></textarea></label>
<label class="check" id="ask-option"><span><input type="checkbox" id="ask"> ${L.askEmployee}</span></label>
<button type="submit" class="act" id="send">${L.send}</button></form>
<form id="note-form"><label for="note">${L.note}<textarea id="note" name="note" required></textarea></label>
<button type="submit" class="act secondary">${L.addNote}</button></form>
<form id="override-form" class="inline"><label for="new-severity">${L.severity}<select id="new-severity">${SEVERITIES.map(
    (s) => html`<option value="${s}">${s}</option>`,
  )}</select></label>
<label for="override-reason">${L.overrideReason}<input id="override-reason" required></label>
<button type="submit" class="act secondary">${L.override}</button></form>
<form id="reopen-form" class="inline"><label for="reopen-reason">${L.reason}<input id="reopen-reason" required></label>
<button type="submit" class="act secondary">${L.reopen}</button></form>
</section></div><div>
<section aria-labelledby="h-facts"><h2 id="h-facts">${L.ticket}</h2><div id="facts"></div></section>
${mayOpen(p, 'incidents') ? incidentBox(L) : ''}
<section aria-labelledby="h-clocks"><h2 id="h-clocks">${L.clocks}</h2><div id="clocks"></div></section>
<section aria-labelledby="h-audit"><h2 id="h-audit">${L.audit}</h2><div id="audit"></div></section>
</div></div>`;
}

export function signInPage(L: Labels) {
  return html`<h2>${L.signIn}</h2><p>${L.signInHint}</p><p><a href="/auth/login">${L.signInLink}</a></p>`;
}

/** The page's language by the user's preference; an explicit `?lang=` is remembered. */
export function langOf(c: Context): ConsoleLang {
  const query = c.req.query('lang');
  const lang = pickLang(query, getCookie(c, LANG_COOKIE), c.req.header('accept-language'));
  if (query === lang) setCookie(c, LANG_COOKIE, lang, { path: '/', sameSite: 'Lax', maxAge: 365 * 86400 });
  return lang;
}

export function createConsolePages(): Hono {
  const app = new Hono();
  const send = (c: Context, body: Markup, status: 200 | 401 = 200, policy = consolePageCsp) => {
    c.header('Content-Security-Policy', policy);
    c.header('Cache-Control', 'no-store');
    return c.html(body, status);
  };

  app.get('/console', (c) => {
    const lang = langOf(c);
    const p = principalOf(c);
    const L = LABELS[lang];
    if (!p) return send(c, frame(lang, p, L.signIn, {}, signInPage(L)), 401);
    return send(c, frame(lang, p, L.inbox, { page: 'inbox' }, inboxPage(lang)));
  });
  app.get('/console/tickets/:number', (c) => {
    const lang = langOf(c);
    const p = principalOf(c);
    const L = LABELS[lang];
    if (!p) return send(c, frame(lang, p, L.signIn, {}, signInPage(L)), 401);
    const number = c.req.param('number').slice(0, 40);
    return send(
      c,
      frame(lang, p, number, { page: 'ticket', ticket: number }, ticketPage(L, p), withIncidents),
      200,
      incidentsPageCsp,
    );
  });
  app.get('/console/incidents', (c) => {
    const lang = langOf(c);
    const p = principalOf(c);
    const L = LABELS[lang];
    if (!p) return send(c, frame(lang, p, L.signIn, {}, signInPage(L)), 401);
    const page = frame(lang, p, L.incidents, { page: 'incidents' }, incidentsPage(L), withIncidents);
    return send(c, page, 200, incidentsPageCsp);
  });
  app.get('/console/incidents/:number', (c) => {
    const lang = langOf(c);
    const p = principalOf(c);
    const L = LABELS[lang];
    if (!p) return send(c, frame(lang, p, L.signIn, {}, signInPage(L)), 401);
    const number = c.req.param('number').slice(0, 40);
    const page = frame(
      lang,
      p,
      number,
      { page: 'incident', incident: number },
      incidentPage(L),
      withIncidents,
    );
    return send(c, page, 200, incidentsPageCsp);
  });
  return app;
}
