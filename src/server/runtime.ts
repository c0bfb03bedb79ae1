/**
 * Everything a running Helpline needs, composed once from the config: the KB, the database, the
 * conversation store, tickets with their SLA engine, triage and the turn handler. `helpline serve`
 * and the end-to-end tests build the same thing.
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { createTurnHandler } from '../assistant/turn.ts';
import type { Assistant } from '../assistant/types.ts';
import type { Config } from '../config/schema.ts';
import { PgConversationStore } from '../conversations/pg-store.ts';
import type { ConversationStore } from '../conversations/types.ts';
import type { OpenedKb } from '../knowledge/open-kb.ts';
import type { ChatModel } from '../llm/chat-model.ts';
import { withBuiltinCalendars } from '../sla/calendars/builtin.ts';
import { slaOps } from '../sla/ops.ts';
import type { BusinessCalendar, CalendarSet } from '../sla/types.ts';
import type { Database } from '../store/database.ts';
import { describeDatabase, openDatabase } from '../store/open-database.ts';
import { createTicketService, type TicketService } from '../tickets/ticket-service.ts';
import { classify } from '../triage/classify.ts';
import { getTriageModel } from '../triage/triage-model.ts';

export interface Runtime {
  db: Database;
  store: ConversationStore;
  tickets: TicketService;
  assistant: Assistant;
  calendars: CalendarSet;
  databaseLabel: string;
  close(): Promise<void>;
}

export interface RuntimeDeps {
  config: Config;
  opened: OpenedKb;
  chat?: ChatModel;
  logger: Logger;
  now?: () => Date;
  /** Use this database instead of opening one from the config (tests). */
  db?: Database;
}

export async function createRuntime(deps: RuntimeDeps): Promise<Runtime> {
  const { config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const where = { url: config.database.url, dataDir: resolve(config.data.dir) };
  const db =
    deps.db ??
    (await openDatabase({
      ...where,
      onIdleError: (err) => logger.warn({ err }, 'database connection dropped'),
    }));
  // Train the triage model now, not on the first employee's message.
  getTriageModel();
  const calendars = withBuiltinCalendars(config.sla.calendars as unknown as BusinessCalendar[]);
  const store = new PgConversationStore({ db, now });
  const tickets = createTicketService({ db, now, sla: slaOps(config.sla.policy, calendars) });
  const assistant = createTurnHandler({
    kb: deps.opened.kb,
    chat: deps.chat,
    k: config.retrieval.k,
    classify,
    tickets,
    db,
    history: async (threadId) =>
      (await store.listMessages(threadId))
        .slice(-20)
        .map((m) => ({ author: m.author, text: m.text, at: m.createdAt })),
    sla: { policy: config.sla.policy, calendars },
    incidents: {
      windowMs: config.incidents.windowMinutes * 60_000,
      minSimilarity: config.incidents.minSimilarity,
    },
    roleOf: (userId) => config.roles[userId] ?? config.roles[`web:${userId}`],
    now,
    onFallback: (reason, err) => logger.warn({ reason, err }, 'answer fell back to extractive'),
  });
  return {
    db,
    store,
    tickets,
    assistant,
    calendars,
    databaseLabel: deps.db ? `given (${db.kind})` : describeDatabase(where),
    close: () => db.close(),
  };
}
