/**
 * `helpline serve`: opens the KB and the runtime, starts the workers in this process, mounts the
 * web chat, the JSON API and the ops endpoints, listens, and says clearly what is running and where.
 */

import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { AdminOps } from '../access/admin-ops.ts';
import { adminOps } from '../access/admin-ops.ts';
import { type AccessStores, accessStores } from '../access/stores.ts';
import { cliKb } from '../cli/context.ts';
import type { Io } from '../cli/io.ts';
import type { Config } from '../config/schema.ts';
import { type Config as FullConfig, oidcEnabled } from '../config/schema.ts';
import { chatModelFor } from '../llm/from-config.ts';
import { dbCheck, healthRoutes, kbCheck, redisCheck } from '../ops/health.ts';
import { createLogger } from '../ops/logger.ts';
import type { ShutdownStep } from '../ops/shutdown.ts';
import { writeBackup } from '../store/backup.ts';
import { adminSocketPath, serveAdminSocket } from './admin-socket.ts';
import { channelsFromConfig } from './channels.ts';
import { assertProtected, openTrialMode } from './exposure.ts';
import { createHttpApp } from './http.ts';
import { listen } from './listen.ts';
import { createRuntime } from './runtime.ts';

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
  io.err('Helpline is starting…');
  const opened = await cliKb(config, io, { summary: true });
  const chat = chatModelFor(config);
  const runtime = await createRuntime({
    config,
    opened,
    chat,
    logger,
    channels: (deps, store) => channelsFromConfig(config, deps, { store }),
  });
  if (workers) await runtime.startWorkers();
  const now = () => new Date();
  let stopping = false;
  const redis = config.redis.url ? redisCheck(config.redis.url) : undefined;
  const vectorIndex = opened.vectors?.index;
  const ops = healthRoutes({
    logger,
    metrics: runtime.metrics,
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
  let serverUrl = '';
  const baseUrl = () => config.server.publicUrl ?? serverUrl;
  const app = createHttpApp({ config, runtime, access, logger, ops, baseUrl, now });
  const server = await listen(app, config.server.port, { hostname: config.server.host });
  serverUrl = server.url;
  const ops_ = adminOps(access, baseUrl, { backup: (out) => writeBackup(runtime.db, out) });
  const admin = await openAdminSocket(config, ops_, logger);
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
  const on = (b: boolean) => (b ? 'on' : 'off');
  io.err(
    [
      '',
      `  Web chat      ${server.url}/`,
      `  Chat API      ${server.url}/api/chat/messages`,
      `  Tickets API   ${server.url}/api/tickets (token or sign-in)`,
      `  Console       ${server.url}/console (sign-in)`,
      `  Health        ${server.url}/healthz · ${server.url}/readyz · ${server.url}/metrics`,
      '',
      `  Knowledge     ${opened.summary.passages} passages from ${opened.dir}`,
      `  Answers       ${chat ? `generated by ${chat.model} (cited), extractive fallback` : 'extractive (set OPENAI_BASE_URL to generate)'}`,
      `  Dense search  ${on(opened.dense)}${opened.vectors ? ` (${config.llm.embeddingModel}; vectors ${opened.vectors.index.label})` : ` (set HELPLINE_EMBEDDING_MODEL with an endpoint${config.qdrant.url ? '; QDRANT_URL is unused until then' : ''})`}`,
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
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
  const shutdownSteps = (): ShutdownStep[] => [
    {
      name: 'stop accepting requests',
      run: async () => {
        stopping = true;
        await server.close();
      },
    },
    { name: 'close the admin socket', run: async () => admin?.close() },
    ...runtime.shutdownSteps(),
    { name: 'close health checks', run: async () => redis?.close() },
  ];
  return {
    url: server.url,
    shutdownSteps,
    async close() {
      for (const step of shutdownSteps()) await step.run();
    },
  };
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

/** The admin socket under HELPLINE_DATA; another process already serving it is not an error. */
async function openAdminSocket(config: FullConfig, ops: AdminOps, logger: Logger) {
  try {
    mkdirSync(config.data.dir, { recursive: true });
    return await serveAdminSocket(adminSocketPath(config.data.dir), ops, logger);
  } catch (err) {
    logger.warn({ err }, 'admin socket not opened; `helpline token` will use the database directly');
    return undefined;
  }
}
