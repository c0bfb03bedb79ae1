/**
 * The web chat as it runs, with a scripted assistant: the real runtime (in-process runner, the
 * embedded database in a fresh schema, the web channel, delivery) around a FakeAssistant.
 * `queue.drain()` waits until the work caused so far is done.
 */
import { Writable } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';
import { pino } from 'pino';
import { accessStores } from '../../src/access/stores.ts';
import type { Assistant, BotReply, Turn } from '../../src/assistant/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { channelsFromConfig } from '../../src/server/channels.ts';
import { createHttpApp } from '../../src/server/http.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import type { Database } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPglite, startPgliteEngine } from '../../src/store/pglite.ts';

export function botReply(text: string, extra: Partial<BotReply> = {}): BotReply {
  return { action: 'answered', text, lang: 'en', citations: [], buttons: [], ...extra };
}

export class FakeAssistant implements Assistant {
  readonly turns: Turn[] = [];
  handler: (turn: Turn) => Promise<BotReply>;
  constructor(handler?: (turn: Turn) => Promise<BotReply>) {
    this.handler = handler ?? (async (turn) => botReply(`echo: ${turn.text}`));
  }
  reply(turn: Turn): Promise<BotReply> {
    this.turns.push(turn);
    return this.handler(turn);
  }
}

/** The fields tests read from any JSON response of the chat API (202 bodies and errors). */
export interface ApiJson {
  threadId: string;
  messageId: string;
  error: { code: string; message: string };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface MakeAppOptions {
  assistant?: FakeAssistant;
  /** Deadline of the never-silent watchdog. @defaultValue 15000 */
  replyDeadlineMs?: number;
  /** @defaultValue 15000 */
  sseHeartbeatMs?: number;
  /** Settings as environment variables (e.g. OIDC_*, HELPLINE_HOST). @defaultValue none: the open trial mode */
  env?: Record<string, string>;
  /** Settings by config path, as a config file would give them (`roles`, `access.streamsPerUser`). */
  overrides?: Record<string, unknown>;
  /** A migrated database (e.g. PostgreSQL from tests/store/backends.ts). @defaultValue embedded, fresh schema */
  db?: Database;
}

let engine: Promise<PGlite> | undefined;
let schemas = 0;

/** A log line the runtime wrote: `turn failed` entries are how failures are reported. */
export type LogLine = Record<string, unknown> & { msg: string };

async function freshPglite(): Promise<Database> {
  engine ??= startPgliteEngine();
  const db = await openPglite({ engine: await engine, schema: `web_${process.pid}_${++schemas}` });
  await migrate(db);
  return db;
}

export async function makeApp(options: MakeAppOptions = {}) {
  const assistant = options.assistant ?? new FakeAssistant();
  const db = options.db ?? (await freshPglite());
  const logs: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
        done();
      },
    }),
  );
  const queueErrors: unknown[] = [];
  const runner = new InProcessRunner({ onError: (err) => queueErrors.push(err) });
  const config = loadConfig({ env: options.env ?? {}, overrides: options.overrides });
  const runtime: Runtime = await createRuntime({
    config,
    opened: {
      kb: new KnowledgeBase([]),
      summary: { files: 0, passages: 0, skipped: [] } as never,
      dir: 'kb',
      dense: false,
    },
    logger,
    db,
    runner,
    assistant: () => assistant,
    replyDeadlineMs: options.replyDeadlineMs,
    eventAttempts: 1,
    channels: (deps, store) =>
      channelsFromConfig(config, deps, { store, sseHeartbeatMs: options.sseHeartbeatMs }),
  });
  await runtime.startWorkers();
  const access = accessStores(db, config);
  const app = createHttpApp({ config, runtime, access, logger, baseUrl: () => 'http://127.0.0.1:3000' });
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const messages = async (threadId: string) => {
    const res = await app.request(`/api/chat/threads/${threadId}/messages`);
    return (await res.json()) as { messages: Array<Record<string, unknown>> };
  };
  const queue = { drain: () => runner.idle() };
  /** Failed turns, as the runtime logged them. */
  const failures = () => logs.filter((l) => l.msg === 'turn failed') as Array<LogLine & { reason: string }>;
  return {
    app,
    assistant,
    store: runtime.store,
    runtime,
    access,
    config,
    db,
    runner,
    queue,
    queueErrors,
    failures,
    logs,
    post,
    messages,
  };
}
