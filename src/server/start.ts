/**
 * `helpline serve`: opens the KB and the runtime, starts the workers in this process, mounts the
 * web chat, the JSON API and the ops endpoints, listens, and says clearly what is running and where.
 */

import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { adminOps } from '../access/admin-ops.ts';
import type { AccessStores } from '../access/stores.ts';
import type { Io } from '../cli/io.ts';
import { type Config, type Config as FullConfig, oidcEnabled } from '../config/schema.ts';
import type { OpenedKb } from '../knowledge/open-kb.ts';
import { createLogger } from '../ops/logger.ts';
import type { ShutdownStep } from '../ops/shutdown.ts';
import { writeBackup } from '../store/backup.ts';
import { allowedHosts } from './allowed-hosts.ts';
import { openConfiguredDatabase } from './configured-database.ts';
import { claimDataFolder } from './data-folder.ts';
import { assertProtected, openTrialMode } from './exposure.ts';
import { listen } from './listen.ts';
import { createStartingApp } from './starting-app.ts';

/** How long the banner waits for each chat platform to connect. */
const CONNECT_WAIT_MS = 15_000;

export interface RunningServer {
  url: string;
  /** Graceful shutdown, in order: stop accepting requests, then the runtime's steps. */
  shutdownSteps(): ShutdownStep[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Run the job workers and recovery passes here too (`--role all`); off for `--role web`. @defaultValue true */
  workers?: boolean;
}

export async function startServer(
  config: Config,
  io: Io,
  options: StartOptions = {},
): Promise<RunningServer> {
  const workers = options.workers ?? true;
  assertProtected(config);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
  // First, before the database or the port: a second process on this data folder stops here.
  const admin = await claimDataFolder(config, { command: 'helpline serve', serving: true, logger });
  io.err('Helpline is starting…');
  // The database opens first (in its worker thread, the longest step of a start) while this thread
  // opens the port and loads the rest and the KB.
  const opening = openConfiguredDatabase(config, logger);
  opening.catch(() => {}); // awaited in build(); unhandled until then is not an error
  // The port opens first and answers "starting" (503 on /readyz and the API) until the app is built.
  let phase = 'opening the knowledge base';
  let handler: Pick<Hono, 'fetch'> = createStartingApp({
    allowedHosts: allowedHosts(config.server),
    phase: () => phase,
  });
  const server = await listen(
    { fetch: (req: Request, ...rest: unknown[]) => handler.fetch(req, ...(rest as [])) },
    config.server.port,
    { hostname: config.server.host },
  ).catch(async (err) => {
    await opening.then((db) => db.close()).catch(() => {});
    await admin?.close();
    throw err;
  });
  const baseUrl = () => config.server.publicUrl ?? server.url;
  let stopping = false;
  /** Settles once the start is over: work that can wait (encoding the KB for search by meaning) waits for it. */
  let started!: () => void;
  const afterStart = new Promise<void>((resolve) => {
    started = resolve;
  });
  let built: Awaited<ReturnType<typeof build>>;
  try {
    built = await build();
  } catch (err) {
    await server.close();
    await opening.then((db) => db.close()).catch(() => {});
    await admin?.close();
    throw err;
  }
  const { opened, runtime, app, redis, chat, laps, access } = built;
  handler = app;
  phase = 'ready';
  // performance.now() counts from the process's launch: what a user waits for.
  const readyMs = Math.round(performance.now());
  const cpu = process.cpuUsage();
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  warmUpLater(opened, logger);
  void opened.refreshed?.then(
    () =>
      logger.info({ passages: opened.summary.passages }, 'knowledge base re-ingested; now answering from it'),
    (err) =>
      logger.error({ err }, 'knowledge base re-ingest failed; still answering from the previous index'),
  );
  const ops_ = adminOps(access, baseUrl, { backup: (out) => writeBackup(runtime.db, out) });
  admin?.serve(ops_);
  const firstAdmin = (await needsFirstAdmin(config, access))
    ? await ops_['login-link']({ userId: 'admin', role: 'admin' })
    : undefined;
  // Connect the chat platforms; one that fails is reported and the rest keeps running.
  const platformLines = new Map<string, string>();
  for (const ch of runtime.channels.filter((c) => c.platform !== 'web')) {
    const started = ch.start().then(
      (line) => {
        logger.info({ platform: ch.platform }, line);
        // The banner has its own label column: "Lark/Feishu: long connection as…" → "long connection as…".
        return line.replace(/^[^:]{1,20}:\s*/, '');
      },
      (err: Error) => {
        logger.error({ err, platform: ch.platform }, `${ch.platform} did not start`);
        return `NOT connected: ${err.message}`;
      },
    );
    // A platform still retrying its connection does not hold up the rest of the server.
    const waited = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), CONNECT_WAIT_MS);
      void started.then((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
    platformLines.set(ch.platform, waited ?? 'still connecting (its result will be logged)');
  }
  const routes = Object.entries(config.handoff.routes);
  const handoffLine = routes.length
    ? routes.map(([category, r]) => `${category} → ${r.platform} ${r.chat}`).join(', ')
    : 'no triage channels (add handoff.routes to helpline.config.yaml); tickets are in the API';
  io.err(
    [
      '',
      `  Web chat      ${server.url}/`,
      `  Chat API      ${server.url}/api/chat/messages`,
      `  Tickets API   ${server.url}/api/tickets (token or sign-in)`,
      `  Console       ${server.url}/console (sign-in)`,
      `  Health        ${server.url}/healthz · ${server.url}/readyz · ${server.url}/metrics`,
      '',
      `  Knowledge     ${opened.summary.passages} passages from ${opened.dir}${opened.source === 'stale' ? ' (files changed: re-ingesting in the background)' : ''}`,
      `  Answers       ${chat ? `generated by ${chat.model} (cited), extractive fallback` : 'extractive (set OPENAI_BASE_URL to generate)'}`,
      `  Dense search  ${denseLine(config, opened)}`,
      '  Triage        offline classifier + explicit signals',
      `  Database      ${runtime.databaseLabel}`,
      `  Jobs          ${runtime.runner.kind === 'bullmq' ? `BullMQ on Redis (${workers ? 'this process runs workers too; add more' : 'web role: workers run in'} \`helpline worker\`)` : 'in-process runner (set REDIS_URL for BullMQ)'}`,
      `  Lark/Feishu   ${platformLines.get('lark') ?? 'off (set LARK_APP_ID, LARK_APP_SECRET; see README "Lark/Feishu")'}`,
      `  Slack         ${platformLines.get('slack') ?? 'off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET or SLACK_APP_TOKEN; see README "Slack")'}`,
      `  Handoff       ${handoffLine}`,
      `  Access        ${accessLine(config)}`,
      ...(firstAdmin
        ? [
            '',
            `  No admin yet. Sign in as admin (once, within 15 min): ${firstAdmin.url}`,
            '  More links: `helpline login-link --user ID --role ROLE`; tokens: `helpline token create`.',
          ]
        : []),
      '',
      `Ready ${readyMs} ms after launch, ${cpuMs} ms of CPU (port open at ${laps.port} ms, knowledge base at ${laps.kb} ms, database and workers at ${laps.database} ms). Press Ctrl+C to stop.`,
    ].join('\n'),
  );
  started();
  const shutdownSteps = (): ShutdownStep[] => [
    {
      name: 'stop accepting requests',
      run: async () => {
        stopping = true;
        await server.close();
      },
    },
    ...runtime.shutdownSteps(),
    { name: 'close health checks', run: async () => redis?.close() },
    // Last: the data folder stays this process's until its database and journal are closed.
    { name: 'release the data folder', run: async () => admin?.close() },
  ];
  return {
    url: server.url,
    shutdownSteps,
    async close() {
      for (const step of shutdownSteps()) await step.run();
    },
  };
  /** Everything behind the port: the KB, the runtime and its workers, the real app. */
  async function build() {
    // Imported after the port is open: they are most of the start's module loading.
    const [
      { cliKb },
      { chatModelFor },
      { dbCheck, healthRoutes, kbCheck, redisCheck },
      { channelsFromConfig },
      { createRuntime },
      { createHttpApp },
      { accessStores },
    ] = await Promise.all([
      import('../cli/context.ts'),
      import('../llm/from-config.ts'),
      import('../ops/health.ts'),
      import('./channels.ts'),
      import('./runtime.ts'),
      import('./http.ts'),
      import('../access/stores.ts'),
    ]);
    const laps: Record<string, number> = { port: Math.round(performance.now()) };
    const opened = await cliKb(config, io, {
      summary: true,
      background: true,
      onDenseError: (err) =>
        logger.warn({ err }, 'search by meaning failed; answering this question by its words alone'),
      meaningAfter: afterStart,
    });
    if (!opened.kb.meaningReady)
      void opened.meaningReady?.then(() => {
        if (opened.kb.meaningReady) logger.info('English questions are matched by meaning too now');
      });
    laps.kb = Math.round(performance.now());
    phase = 'opening the database';
    const chat = chatModelFor(config);
    const runtime = await createRuntime({
      config,
      opened,
      chat,
      logger,
      opening,
      channels: (deps, store, requests) => channelsFromConfig(config, deps, { store, requests }),
    });
    laps.database = Math.round(performance.now());
    if (workers) await runtime.startWorkers();
    const now = () => new Date();
    const redis = config.redis.url ? redisCheck(config.redis.url) : undefined;
    const vectorIndex = opened.vectors?.index;
    const ops = healthRoutes({
      logger,
      metrics: runtime.metrics,
      details: () => ({ backlog: finite(runtime.backlog.report()) }),
      checks: {
        db: dbCheck(runtime.db),
        kb: kbCheck(() => opened.summary.passages),
        ...(redis ? { redis } : {}),
        ...(vectorIndex ? { vectors: () => vectorIndex.ready() } : {}),
        accepting: async () => {
          if (stopping) throw new Error('shutting down; send traffic to another instance');
        },
      },
    });
    const access = accessStores(runtime.db, config, now);
    const app = createHttpApp({ config, runtime, access, logger, ops, baseUrl, now });
    return { opened, runtime, app, redis, chat, laps, access };
  }
}

/**
 * What the first question would otherwise wait for — the segmenter's dictionary and the word
 * tables (~0.5 s) — loaded after the server is ready, one piece per turn of the event loop.
 */
function warmUpLater(opened: OpenedKb, logger: Logger): void {
  const steps = [() => opened.kb.searchLexical('工资', 1), () => opened.kb.searchLexical('salary', 1)];
  const next = () => {
    const step = steps.shift();
    if (!step) return;
    try {
      step();
    } catch (err) {
      logger.warn({ err }, 'knowledge base warm-up failed; the first question will load what it needs');
      return;
    }
    setTimeout(next, 10).unref();
  };
  setTimeout(next, 10).unref();
}

/** What the dense (by meaning) side of search is: the configured model, the shipped English encoder, or off. */
function denseLine(config: Config, opened: OpenedKb): string {
  if (opened.vectors) return `on (${config.llm.embeddingModel}; vectors ${opened.vectors.index.label})`;
  const endpoint = `set HELPLINE_EMBEDDING_MODEL with an endpoint${config.qdrant.url ? '; QDRANT_URL is unused until then' : ''}`;
  if (!config.retrieval.meaning) return `off (${endpoint}, or retrieval.meaning: true for English)`;
  const state = opened.kb.meaningReady
    ? ''
    : ' (preparing its vectors in the background; words only until then)';
  return `English by meaning with the shipped sentence encoder${state}; for Chinese too, ${endpoint}`;
}

/** JSON has no Infinity: an unbounded wait is shown as null. */
function finite(report: object): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(report as Record<string, number | undefined>).map(([k, v]) => [
      k,
      v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10) / 10,
    ]),
  );
}

/** The banner's access line: who may use what in this mode. */
function accessLine(config: FullConfig): string {
  if (oidcEnabled(config)) return `sign-in with ${config.oidc.issuer}; the API takes sessions and tokens`;
  return openTrialMode(config)
    ? 'open trial mode (loopback, no identity provider): the web chat takes userId from each request; every other API needs a token or a login link'
    : 'tokens and login links';
}

/** An admin sign-in link is printed while nobody can act as admin yet. */
async function needsFirstAdmin(config: FullConfig, access: AccessStores): Promise<boolean> {
  const configured = Object.values(config.roles).some(
    (r) => (typeof r === 'string' ? r : r.role) === 'admin',
  );
  if (configured && oidcEnabled(config)) return false;
  return !(await access.links.adminExists());
}
