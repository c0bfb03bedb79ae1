/**
 * The console's knowledge-upkeep page, `/console/knowledge` (issue 14 item 5): the clustered gap
 * report, every article's usage and 👍/👎, a draft-from-ticket editor that publishes into the KB,
 * and uploads. The frame is the console's (pages.ts); knowledge.js runs after console.js, on its
 * helpers, allowed by its own hash. What the viewer may see or do is decided by the API behind it
 * (the policy).
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { principalOf } from '../../../src/access/chat-access.ts';
import { knowledgeDecision } from '../../../src/access/policy.ts';
import { KNOWLEDGE_LABELS, type KnowledgeLabels } from '../../../src/console/knowledge-labels.ts';
import { LABELS } from '../../../src/console/labels.ts';
import { consoleCsp, frame, langOf, sha256, signInPage } from './pages.ts';

const script = readFileSync(new URL('./knowledge.js', import.meta.url), 'utf8');
if (/<\/script/i.test(script)) throw new Error('knowledge.js must not contain a closing </script> tag');
const csp = consoleCsp({ script: [sha256(script)] });
const withKnowledge = { tail: html`<script>${raw(script)}</script>` };

function knowledgePage(K: KnowledgeLabels) {
  const labels = JSON.stringify(K).replaceAll('<', '\\u003c');
  const th = (text: string) => html`<th scope="col">${text}</th>`;
  return html`<h2>${K.heading}</h2>
<script type="application/json" id="knowledge-labels">${raw(labels)}</script>
<form id="period" class="inline" aria-label="${K.days}"><label for="days">${K.days}<input type="number" id="days" min="1" max="400" value="90"></label>
<button type="submit" class="act">${K.show}</button></form>
<section aria-labelledby="h-gaps"><h2 id="h-gaps">${K.gaps}</h2><p>${K.gapsHint}</p>
<table aria-labelledby="h-gaps"><thead><tr>${th(K.question)}${th(K.count)}${th(K.declined)}${th(K.downvoted)}${th(K.firstSeen)}${th(K.lastSeen)}${th(K.example)}</tr></thead>
<tbody id="gaps"></tbody></table></section>
<section aria-labelledby="h-draft"><h2 id="h-draft">${K.draft}</h2>
<form id="draft-form" class="inline"><label for="draft-ticket">${K.ticket}<input id="draft-ticket" required placeholder="HL-1001"></label>
<button type="submit" class="act">${K.makeDraft}</button></form>
<form id="publish-form" hidden><p id="editors-only" hidden>${K.editorsOnly}</p>
<label for="article-path">${K.articlePath}<input id="article-path" required></label>
<label for="article">${K.editor}<textarea id="article" rows="18" required></textarea></label>
<button type="submit" class="act" id="publish">${K.publish}</button></form></section>
<section aria-labelledby="h-upload" id="upload-section"><h2 id="h-upload">${K.upload}</h2>
<form id="upload-form"><label for="upload-file">${K.file}<input type="file" id="upload-file" required accept=".md,.markdown,.txt,.html,.htm,.pdf,.docx"></label>
<label for="upload-path">${K.uploadPath}<input id="upload-path" required></label>
<label class="check"><span><input type="checkbox" id="upload-replace"> ${K.replace}</span></label>
<button type="submit" class="act">${K.send}</button></form></section>
<section aria-labelledby="h-articles"><h2 id="h-articles">${K.articles}</h2>
<table aria-labelledby="h-articles"><thead><tr>${th(K.path)}${th(K.title)}${th(K.lang)}${th(K.passages)}${th(K.cited)}${th(K.helpful)}${th(K.notHelpful)}${th(K.lastCited)}</tr></thead>
<tbody id="articles"></tbody></table>
<h3>${K.skipped}</h3><ul id="skipped"></ul>
<h3>${K.changes}</h3><ul id="changes"></ul></section>`;
}

export function createKnowledgePage(): Hono {
  const app = new Hono();
  app.get('/console/knowledge', (c) => {
    const lang = langOf(c);
    const p = principalOf(c);
    const L = LABELS[lang];
    const K = KNOWLEDGE_LABELS[lang];
    c.header('Content-Security-Policy', csp);
    c.header('Cache-Control', 'no-store');
    if (!p) return c.html(frame(lang, p, L.signIn, {}, signInPage(L)), 401);
    // Not for this person: one message, not the page's sections with an error under them.
    if (!knowledgeDecision(p, 'read').allowed) {
      const body = html`<h2>${K.heading}</h2><p role="alert">${K.forbidden}</p>`;
      return c.html(frame(lang, p, K.heading, {}, body), 403);
    }
    return c.html(frame(lang, p, K.heading, { page: 'knowledge' }, knowledgePage(K), withKnowledge));
  });
  return app;
}
