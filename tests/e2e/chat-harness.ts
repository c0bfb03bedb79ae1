/**
 * What the chat platform end-to-end tests share: the whole runtime (real jobs on the in-process
 * runner, embedded PostgreSQL, the sample KB) with the channels built from the config exactly as
 * `npm start` builds them, the Hono app with their webhooks, and a poll helper. Platform APIs are
 * the local stand-ins the config points at (SLACK_API_URL, LARK_DOMAIN).
 */
import { Writable } from 'node:stream';
import type { Hono } from 'hono';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load.ts';
import { InProcessRunner } from '../../src/jobs/in-process-runner.ts';
import { ingestKb } from '../../src/knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { DEFAULT_SYNONYMS } from '../../src/knowledge/synonyms.ts';
import { createApp } from '../../src/server/app.ts';
import { channelsFromConfig } from '../../src/server/channels.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPglite } from '../../src/store/pglite.ts';

export interface ChatStack {
  runtime: Runtime;
  app: Hono;
  runner: InProcessRunner;
  /** What each channel's start() said. */
  banner: string[];
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

let kbCache:
  | Promise<{ kb: KnowledgeBase; summary: Awaited<ReturnType<typeof ingestKb>>['summary'] }>
  | undefined;
const sampleKb = () => {
  kbCache ??= ingestKb('kb').then(({ passages, summary }) => ({
    kb: new KnowledgeBase(passages, { synonyms: DEFAULT_SYNONYMS }),
    summary,
  }));
  return kbCache;
};

export async function chatStack(
  env: Record<string, string>,
  overrides: Record<string, unknown>,
): Promise<ChatStack> {
  const config = loadConfig({ env, overrides });
  const { kb, summary } = await sampleKb();
  const db = await openPglite({});
  await migrate(db);
  const logs: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  // Failed tries (rate-limit waits included) are asserted through their effects, not printed.
  const runner = new InProcessRunner({ onError: () => {} });
  const runtime = await createRuntime({
    config,
    opened: { kb, summary, dir: 'kb', dense: false },
    logger: pino({ level: 'debug' }, stream),
    db,
    runner,
    channels: (deps, store) => channelsFromConfig(config, deps, { store }),
  });
  await runtime.startWorkers();
  const banner: string[] = [];
  for (const ch of runtime.channels) if (ch.platform !== 'web') banner.push(await ch.start());
  const app = createApp({ channels: runtime.channels, logger: pino({ level: 'silent' }) });
  return {
    runtime,
    app,
    runner,
    banner,
    logs,
    close: () => runtime.close(),
  };
}

/** Polls `get` (letting queued jobs run) until it returns something truthy. */
export async function waitFor<T>(
  runner: InProcessRunner,
  get: () => T | undefined | false,
  ms = 8000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    await runner.idle();
    const value = get();
    if (value) return value;
    if (Date.now() > end)
      throw new Error(`timed out after ${ms} ms waiting for ${get.toString().slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}
