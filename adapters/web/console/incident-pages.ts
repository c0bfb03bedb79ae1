/**
 * The incidents pages' frames (issue 14 item 3): `/console/incidents` (open incidents first by
 * severity and age) and `/console/incidents/:number` (reporters, updates, post an update, resolve),
 * plus the incident box of the ticket workspace (link to an incident, unlink). incidents.js fills
 * them in from the incidents API; pages.ts serves them in the console's frame.
 */
import { html } from 'hono/html';
import type { Labels } from '../../../src/console/labels.ts';

export function incidentsPage(L: Labels) {
  return html`<h2>${L.incidents} <small id="live" aria-live="polite"></small></h2>
<div class="table-box" id="incidents-box" role="region" tabindex="0" aria-label="${L.incidents} (${L.scrollTable})"><table aria-label="${L.incidents}"><thead><tr><th scope="col">${L.incident}</th><th scope="col">${L.severity}</th><th scope="col">${L.title}</th>
<th scope="col">${L.status}</th><th scope="col">${L.reporters}</th><th scope="col">${L.openReports}</th><th scope="col">${L.platform}</th>
<th scope="col">${L.opened}</th><th scope="col">${L.lastReport}</th></tr></thead><tbody id="incidents"></tbody></table></div>`;
}

export function incidentPage(L: Labels) {
  return html`<p><a href="/console/incidents">← ${L.incidents}</a></p><h2 id="heading"></h2>
<div class="grid" id="incident-page"><div>
<section aria-labelledby="h-reporters"><h2 id="h-reporters">${L.reporters}</h2>
<div class="table-box" role="region" tabindex="0" aria-label="${L.reporters} (${L.scrollTable})"><table aria-labelledby="h-reporters"><thead><tr><th scope="col">${L.reporter}</th><th scope="col">${L.platform}</th><th scope="col">${L.reportedAt}</th>
<th scope="col">${L.words}</th><th scope="col">${L.ticket}</th></tr></thead><tbody id="reporters"></tbody></table></div></section>
<section id="incident-actions" aria-labelledby="h-inc-actions" hidden><h2 id="h-inc-actions">${L.actions}</h2>
<form id="update-form"><label for="update">${L.updateText}<textarea id="update" name="update" required></textarea></label>
<button type="submit" class="act" id="send-update">${L.sendUpdate}</button></form>
<form id="resolve-form"><label for="resolution">${L.resolutionNote}<input id="resolution" name="resolution"></label>
<button type="submit" class="act secondary" id="resolve-incident">${L.resolveIncident}</button></form>
</section>
<section aria-labelledby="h-updates"><h2 id="h-updates">${L.updates}</h2><div id="updates"></div></section>
</div><div>
<section aria-labelledby="h-facts"><h2 id="h-facts">${L.incident}</h2><div id="facts"></div></section>
<section aria-labelledby="h-sev"><h2 id="h-sev">${L.rationale}</h2><p id="rationale" class="rationale"></p></section>
</div></div>`;
}

/** The ticket workspace's incident section: which incident the ticket is part of, link or unlink. */
export function incidentBox(L: Labels) {
  return html`<section id="incident-box" aria-labelledby="h-incident"><h2 id="h-incident">${L.incident}</h2>
<p id="incident-of"></p>
<form id="link-form" hidden><label for="link-incident">${L.linkTo}<input id="link-incident" list="incident-candidates" required></label>
<datalist id="incident-candidates"></datalist><button type="submit" class="act secondary">${L.link}</button></form>
<form id="unlink-form" hidden><label for="unlink-reason">${L.unlinkReason}<input id="unlink-reason"></label>
<button type="submit" class="act secondary">${L.unlink}</button></form></section>`;
}
