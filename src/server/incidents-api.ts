/**
 * The incidents JSON API (issue 14 item 3; DESIGN §2 flow 8), mounted under /api before the
 * console's ticket actions (so `link` and `unlink` are not taken for one of those):
 *   GET  /api/incidents                  → {incidents}: open first by severity and age, with counts
 *   GET  /api/incidents/:id              → the incident, who reported it (`reportedBy`, words masked), updates
 *   POST /api/incidents/:id/updates      {text, key?}     → delivered to every reporter once per key
 *   POST /api/incidents/:id/resolve      {note?, version?} → the incident and all its open reports
 *   GET  /api/tickets/:id/incident       → the ticket's incident and the open incidents it could join
 *   POST /api/tickets/:id/link           {incident}       → links the ticket to an open incident
 *   POST /api/tickets/:id/unlink         {reason?}        → takes it off its incident
 * Every route is decided by the policy through the incident service (employees: no incidents).
 */
import { type Context, Hono } from 'hono';
import { type Principal, ticketDecision } from '../access/policy.ts';
import { platformOf } from '../console/kpis.ts';
import { HelplineError } from '../errors.ts';
import type { Incident, IncidentService } from '../incidents/incident-service.ts';
import { maskPii } from '../privacy/pii.ts';
import { isOpen } from '../tickets/lifecycle.ts';
import type { Ticket } from '../tickets/types.ts';
import { callerOf } from './ticket-reads.ts';

/** The first thing the employee said (the title when the transcript is empty). */
const wordsOf = (t: Ticket) => t.transcript.find((l) => l.author === 'user')?.text ?? t.title;

/** One reporter as `p` may see them: personal data only for the report's requester and assignee. */
function reporterView(t: Ticket, p: Principal, opener: boolean) {
  const base = { platform: platformOf(t), reportedAt: t.createdAt, status: t.status, opener };
  if (!ticketDecision(p, 'read', t).allowed) return { ...base, hidden: true };
  const plain =
    p.aliases.includes(t.requesterId) || (t.assigneeId !== null && p.aliases.includes(t.assigneeId));
  return {
    ...base,
    hidden: false,
    number: t.number,
    requesterId: t.requesterId,
    words: plain ? wordsOf(t) : maskPii(wordsOf(t)),
  };
}

/** What the list shows of an incident: the parent's facts and counts over its reporters. */
function incidentSummary({ incident: t, reports }: Incident) {
  const everyone = [t, ...reports];
  const platforms: Record<string, number> = {};
  for (const r of everyone) platforms[platformOf(r)] = (platforms[platformOf(r)] ?? 0) + 1;
  return {
    id: t.id,
    number: t.number,
    title: t.title,
    status: t.status,
    open: isOpen(t.status),
    severity: t.severity,
    category: t.category,
    assigneeId: t.assigneeId,
    createdAt: t.createdAt,
    resolvedAt: t.resolvedAt,
    version: t.version,
    reporters: everyone.length,
    openReports: reports.filter((r) => isOpen(r.status)).length,
    platforms,
    lastReportAt: everyone
      .map((r) => r.createdAt)
      .sort()
      .at(-1),
  };
}

const brief = (t: Ticket | undefined, p: Principal) =>
  t && {
    number: t.number,
    status: t.status,
    open: isOpen(t.status),
    ...(ticketDecision(p, 'read', t).allowed && {
      title: t.title,
      severity: t.severity,
      reporters: t.reporters,
    }),
  };

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const body = (await c.req.json().catch(() => null)) as unknown;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HelplineError('BAD_REQUEST', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

const text = (body: Record<string, unknown>, k: string) =>
  typeof body[k] === 'string' ? (body[k] as string) : undefined;

export function createIncidentsApi(incidents: IncidentService): Hono {
  const app = new Hono();

  app.get('/incidents', async (c) => {
    const p = callerOf(c);
    return c.json({ incidents: (await incidents.list(p)).map(incidentSummary) });
  });

  app.get('/incidents/:id', async (c) => {
    const p = callerOf(c);
    const found = await incidents.get(p, c.req.param('id'));
    return c.json({
      ...incidentSummary(found),
      rationale: found.incident.rationale,
      reportedBy: [
        reporterView(found.incident, p, true),
        ...found.reports.map((r) => reporterView(r, p, false)),
      ],
      updates: found.updates.map((u) => ({
        id: u.id,
        author: u.author,
        text: u.text,
        reporters: u.reporters,
        at: u.createdAt,
      })),
      canWork: ticketDecision(p, 'work', found.incident).allowed,
    });
  });

  app.post('/incidents/:id/updates', async (c) => {
    const p = callerOf(c);
    const body = await jsonBody(c);
    const { update, reporters } = await incidents.postUpdate(p, c.req.param('id'), {
      text: text(body, 'text'),
      key: text(body, 'key'),
    });
    return c.json({
      ok: true,
      update: { id: update.id, text: update.text, at: update.createdAt },
      reporters,
    });
  });

  app.post('/incidents/:id/resolve', async (c) => {
    const p = callerOf(c);
    const body = await jsonBody(c);
    if (body.version !== undefined && !Number.isInteger(body.version)) {
      throw new HelplineError('BAD_REQUEST', '"version" must be the whole number the incident was read at.');
    }
    const done = await incidents.resolve(p, c.req.param('id'), {
      note: text(body, 'note'),
      version: body.version as number | undefined,
    });
    return c.json({
      ok: true,
      incident: {
        number: done.incident.number,
        status: done.incident.status,
        version: done.incident.version,
      },
      resolvedReports: done.resolvedReports.map((t) => t.number),
    });
  });

  app.get('/tickets/:id/incident', async (c) => {
    const p = callerOf(c);
    const found = await incidents.ofTicket(p, c.req.param('id'));
    return c.json({
      incident: brief(found.parent, p) ?? null,
      isIncident: found.ticket.reporters > 1,
      canLink: found.canLink,
      candidates: found.candidates.map((t) => ({
        number: t.number,
        title: t.title,
        severity: t.severity,
        reporters: t.reporters,
      })),
    });
  });

  app.post('/tickets/:id/link', async (c) => {
    const p = callerOf(c);
    const body = await jsonBody(c);
    const incident = text(body, 'incident')?.trim();
    if (!incident) {
      throw new HelplineError('BAD_REQUEST', 'Say which incident to link to: {"incident": "HL-1042"}.');
    }
    const done = await incidents.link(p, c.req.param('id'), incident);
    return c.json({ ok: true, ticket: done.ticket.number, incident: brief(done.incident, p) });
  });

  app.post('/tickets/:id/unlink', async (c) => {
    const p = callerOf(c);
    const body = await jsonBody(c);
    const done = await incidents.unlink(p, c.req.param('id'), text(body, 'reason'));
    return c.json({
      ok: true,
      ticket: done.ticket.number,
      status: done.ticket.status,
      incident: done.incident.number,
    });
  });

  return app;
}
