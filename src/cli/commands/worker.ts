import { HelplineError } from '../../errors.ts';
import { chatModelFor } from '../../llm/from-config.ts';
import { dbCheck, healthRoutes, redisCheck } from '../../ops/health.ts';
import { createLogger } from '../../ops/logger.ts';
import { onShutdown } from '../../ops/shutdown.ts';
import { channelsFromConfig } from '../../server/channels.ts';
import { claimDataFolder, sharedDataFolder } from '../../server/data-folder.ts';
import { listen } from '../../server/listen.ts';
import { createRuntime } from '../../server/runtime.ts';
import { maskUrl } from '../../util/mask-url.ts';
import { cliConfig, cliKb } from '../context.ts';
import { type Command, HELP, KB } from './command.ts';

export const worker: Command = {
  usage:
    'helpline worker [--kb DIR]\n  Needs REDIS_URL (and usually DATABASE_URL) shared with the `helpline serve` processes.\n  With HELPLINE_OPS_PORT set, serves /healthz, /readyz and /metrics there, for probes and Prometheus.',
  options: { ...HELP, ...KB },
  async run(values, _positionals, io) {
    const config = cliConfig(values);
    if (!config.redis.url) {
      throw new HelplineError(
        'USAGE',
        'helpline worker needs REDIS_URL: without Redis, `helpline serve` already runs the workers in its own process.',
      );
    }
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
    // On the embedded database (no DATABASE_URL) the data folder is this process's alone.
    const folder = sharedDataFolder(config)
      ? undefined
      : await claimDataFolder(config, {
          command: 'helpline worker',
          serving: false,
          busyHint: 'stop it first (workers meant to run beside `helpline serve` need DATABASE_URL)',
          logger,
        });
    const opened = await cliKb(config, io);
    const runtime = await createRuntime({
      config,
      opened,
      chat: chatModelFor(config),
      logger,
      channels: (deps, store, requests) => channelsFromConfig(config, deps, { store, requests }),
    });
    await runtime.startWorkers();
    // Jobs run here, so their metrics (dead letters, deliveries, SLA events) are scraped here.
    const redis = redisCheck(config.redis.url);
    const vectorIndex = opened.vectors?.index;
    const ops =
      config.server.opsPort === undefined
        ? undefined
        : await listen(
            healthRoutes({
              logger,
              metrics: runtime.metrics,
              checks: {
                db: dbCheck(runtime.db),
                redis,
                ...(vectorIndex ? { vectors: () => vectorIndex.ready() } : {}),
              },
            }),
            config.server.opsPort,
            { hostname: config.server.host },
          );
    io.err(
      `Helpline worker ready: BullMQ on ${maskUrl(config.redis.url)}, database ${runtime.databaseLabel}; ${ops ? `health and metrics at ${ops.url}/metrics` : 'no health or metrics endpoint (set HELPLINE_OPS_PORT)'}. Ctrl+C to stop.`,
    );
    // SIGTERM/SIGINT: drain running jobs and close, within the deadline; a second signal exits at once.
    onShutdown(
      [
        { name: 'stop ops endpoints', run: async () => ops?.close() },
        ...runtime.shutdownSteps(),
        { name: 'close health checks', run: () => redis.close() },
        { name: 'release the data folder', run: async () => folder?.close() },
      ],
      { logger },
    );
    return new Promise<number>(() => {});
  },
};
