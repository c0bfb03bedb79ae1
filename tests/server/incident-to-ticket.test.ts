/**
 * DESIGN "done when" for tickets: an incident typed in the web chat produces a ticket whose
 * severity, rationale and deadlines are visible through the API. The whole server stack in-process
 * (Hono app, web chat routes, runtime on an embedded database).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessStores } from '../../src/access/stores.ts';
import { loadConfig } from '../../src/config/load.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { ingestKb } from '../../src/knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { channelsFromConfig } from '../../src/server/channels.ts';
import { createHttpApp } from '../../src/server/http.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPglite } from '../../src/store/pglite.ts';

let runtime: Runtime;
let app: ReturnType<typeof createHttpApp>;
let token = '';
/** The tickets API needs a credential: an L2 engineer's token. */
const asEngineer = (path: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });
const runner = new InProcessRunner();
const queue = { drain: () => runner.idle() };

beforeAll(async () => {
  const config = loadConfig({ env: {} });
  const { passages, summary } = await ingestKb('kb');
  const kb = new KnowledgeBase(passages, { synonyms: DEFAULT_SYNONYMS });
  const db = await openPglite({});
  await migrate(db);
  const logger = pino({ level: 'silent' });
  runtime = await createRuntime({
    config,
    opened: { kb, summary, dir: 'kb', dense: false },
    logger,
    db,
    runner,
    channels: (deps, store) => channelsFromConfig(config, deps, { store }),
  });
  await runtime.startWorkers();
  const access = accessStores(db, config);
  app = createHttpApp({ config, runtime, access, logger, baseUrl: () => 'http://127.0.0.1' });
  ({ token } = await access.tokens.create({ userId: 'eng-1', role: 'l2' }));
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

const post = (body: unknown) =>
  app.request('/api/chat/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('incident in the web chat → ticket in the API', () => {
  it('shows the ticket in the thread and its severity, rationale and deadlines in /api/tickets', async () => {
    const res = await post({
      userId: 'li.lei',
      text: 'The whole Shanghai office cannot clock in since 9am, the attendance app shows error 500',
    });
    expect(res.status).toBe(202);
    const { threadId } = (await res.json()) as { threadId: string };
    await queue.drain();
    const { messages } = (await (await app.request(`/api/chat/threads/${threadId}/messages`)).json()) as {
      messages: { author: string; text: string; ticket?: { id: string; number: string; severity: string } }[];
    };
    const bot = messages.at(-1)!;
    expect(bot.author).toBe('bot');
    expect(bot.ticket?.number).toMatch(/^HL-\d+$/);
    expect(['P0', 'P1']).toContain(bot.ticket?.severity);

    const ticket = (await (await asEngineer(`/api/tickets/${bot.ticket!.number}`)).json()) as Record<
      string,
      unknown
    > & {
      id: string;
      rationale: string;
      sla: Record<'firstResponse' | 'resolution', { dueAt: string; state: string }>;
    };
    expect(ticket).toMatchObject({
      number: bot.ticket!.number,
      category: 'attendance',
      status: 'waiting_l2',
      requesterId: 'li.lei',
    });
    expect(ticket.rationale.length).toBeGreaterThan(10);
    expect(ticket.sla.firstResponse.dueAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(ticket.sla.resolution.dueAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(['running', 'warning']).toContain(ticket.sla.firstResponse.state);

    const events = (await (await asEngineer(`/api/tickets/${ticket.id}/events`)).json()) as {
      events: { action: string }[];
    };
    expect(events.events[0].action).toBe('opened');
    const list = (await (await asEngineer('/api/tickets?open=true')).json()) as { tickets: unknown[] };
    expect(list.tickets).toHaveLength(1);
  });

  it('answers 404 with a code for an unknown ticket', async () => {
    const res = await asEngineer('/api/tickets/HL-999999');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TICKET_NOT_FOUND');
  });
});
