/**
 * Knowledge upkeep's JSON API (issue 14 item 5), mounted under /api:
 *   GET  /api/knowledge/gaps?days=90           → clusters of declined and 👎 questions
 *   GET  /api/knowledge/articles?days=90       → every article with its citations and 👍/👎, the
 *                                                 files ingest skipped, the recent changes
 *   GET  /api/knowledge/articles/:path         → one file's text (KB editors)
 *   POST /api/knowledge/drafts {ticket}        → a draft article from a resolved ticket
 *   PUT  /api/knowledge/articles/:path {content, ticket?, mode?}  → publish text (create or replace)
 *   POST /api/knowledge/files {path, contentBase64, replace?}     → upload any type ingest reads
 * Each route is decided by src/access/policy.ts (`knowledgeDecision`, and the ticket's own read
 * decision for drafts). A write is checked as ingest checks files, refused whole with the reason,
 * and followed by a re-index of the running KB, so the next question is answered from it. The app
 * checks the CSRF token of cookie sessions on the POST and PUT.
 */
import { type Context, Hono } from 'hono';
import { type KnowledgeAction, knowledgeDecision, type Principal } from '../access/policy.ts';
import type { Config } from '../config/schema.ts';
import type { ConversationStore } from '../conversations/types.ts';
import { HelplineError } from '../errors.ts';
import { DEFAULT_SYNONYMS, synonymTable } from '../knowledge/synonyms.ts';
import { articleUsage } from '../knowledge/upkeep/article-usage.ts';
import { draftArticle } from '../knowledge/upkeep/draft-article.ts';
import { gapReport } from '../knowledge/upkeep/gap-report.ts';
import { readKbFile, recentKbChanges, writeKbFile } from '../knowledge/upkeep/kb-files.ts';
import type { KbReloader } from '../knowledge/upkeep/kb-reloader.ts';
import type { Database } from '../store/database.ts';
import { ticketConversation } from '../tickets/thread-parts.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import { callerOf, readTicket } from './ticket-reads.ts';

export interface KnowledgeApiDeps {
  config: Pick<Config, 'kb' | 'retrieval'>;
  knowledge: KbReloader;
  db: Database;
  tickets: TicketService;
  store: ConversationStore;
  now: () => Date;
}

const DAY = 24 * 3600_000;

/** The upload body's limit: the largest file ingest takes, base64-encoded, and the rest of the JSON. */
export function uploadBodyLimit(config: Pick<Config, 'kb'>): number {
  return Math.ceil((config.kb.maxFileMb * 1024 * 1024 * 4) / 3) + 64 * 1024;
}
export const UPLOAD_PATH = '/api/knowledge/files';

function decide(c: Context, action: KnowledgeAction): Principal {
  const p = callerOf(c);
  const d = knowledgeDecision(p, action);
  if (!d.allowed) throw new HelplineError('FORBIDDEN', d.reason);
  return p;
}

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const body = await c.req.json().catch(() => undefined);
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HelplineError('BAD_REQUEST', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function sinceOf(c: Context, now: Date): Date {
  const raw = c.req.query('days');
  const days = raw === undefined ? 90 : Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 400) {
    throw new HelplineError('BAD_REQUEST', '"days" must be a whole number from 1 to 400.');
  }
  return new Date(now.getTime() - days * DAY);
}

export function createKnowledgeApi(deps: KnowledgeApiDeps): Hono {
  const app = new Hono();
  const { knowledge, config } = deps;
  const synonyms = synonymTable([...DEFAULT_SYNONYMS, ...config.retrieval.synonyms]);
  const files = {
    dir: knowledge.opened.dir,
    maxFileBytes: config.kb.maxFileMb * 1024 * 1024,
    split: { chunkSize: config.kb.chunkSize },
    db: deps.db,
    now: deps.now,
  };

  /** Writes, re-indexes, and says what the KB now holds. */
  const publish = async (write: Parameters<typeof writeKbFile>[1]) => {
    const written = await writeKbFile(files, write);
    const started = performance.now();
    const summary = await knowledge.reload();
    return {
      written,
      reindexMs: Math.round(performance.now() - started),
      kb: { files: summary.files, passages: summary.passages },
    };
  };

  app.get('/knowledge/gaps', async (c) => {
    decide(c, 'read');
    const since = sinceOf(c, deps.now());
    return c.json({ since: since.toISOString(), clusters: await gapReport(deps.db, { since, synonyms }) });
  });

  app.get('/knowledge/articles', async (c) => {
    const p = decide(c, 'read');
    const since = sinceOf(c, deps.now());
    const { kb, summary } = knowledge.opened;
    return c.json({
      since: since.toISOString(),
      canPublish: knowledgeDecision(p, 'publish').allowed,
      articles: await articleUsage(deps.db, kb.passages, since),
      skipped: summary.skipped,
      changes: await recentKbChanges(deps.db, 20),
    });
  });

  app.get('/knowledge/articles/:path{.+}', async (c) => {
    decide(c, 'publish');
    return c.json(await readKbFile(knowledge.opened.dir, c.req.param('path')));
  });

  app.post('/knowledge/drafts', async (c) => {
    decide(c, 'draft');
    const body = await jsonBody(c);
    if (typeof body.ticket !== 'string' || !body.ticket.trim()) {
      throw new HelplineError('BAD_REQUEST', 'Name the ticket to draft from: {"ticket": "HL-1001"}.');
    }
    const { ticket } = await readTicket(deps, c, body.ticket.trim().slice(0, 60));
    if (ticket.status !== 'resolved' && ticket.status !== 'closed') {
      throw new HelplineError(
        'ILLEGAL_TRANSITION',
        `${ticket.number} is ${ticket.status}, not resolved: draft an article once the fix is known.`,
      );
    }
    // The ticket's own part of the thread: another ticket's words and fixes never reach its draft.
    const messages = await ticketConversation(deps, ticket);
    const events = await deps.tickets.events(ticket.id);
    return c.json(draftArticle({ ticket, events, messages, now: deps.now() }));
  });

  app.put('/knowledge/articles/:path{.+}', async (c) => {
    const p = decide(c, 'publish');
    const body = await jsonBody(c);
    if (typeof body.content !== 'string') {
      throw new HelplineError(
        'BAD_REQUEST',
        'Send the article as {"content": "---\\ntitle: …\\n---\\n# …"}.',
      );
    }
    const mode = body.mode === 'create' || body.mode === 'replace' ? body.mode : undefined;
    const result = await publish({
      path: c.req.param('path'),
      bytes: new TextEncoder().encode(body.content),
      actor: p.userId,
      mode,
      ticketNumber: typeof body.ticket === 'string' ? body.ticket.slice(0, 60) : undefined,
    });
    return c.json(result, result.written.action === 'created' ? 201 : 200);
  });

  app.post('/knowledge/files', async (c) => {
    const p = decide(c, 'publish');
    const body = await jsonBody(c);
    const encoded = body.contentBase64;
    if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) {
      throw new HelplineError(
        'BAD_REQUEST',
        'Send the file as {"path": "en/vpn.md", "contentBase64": "…", "replace": false}.',
      );
    }
    const result = await publish({
      path: String(body.path ?? ''),
      bytes: Buffer.from(encoded, 'base64'),
      actor: p.userId,
      mode: body.replace === true ? 'replace' : 'create',
    });
    return c.json(result, result.written.action === 'created' ? 201 : 200);
  });

  return app;
}
