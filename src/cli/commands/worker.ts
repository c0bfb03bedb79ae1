import { HelplineError } from '../../errors.ts';
import { chatModelFor } from '../../llm/from-config.ts';
import { createLogger } from '../../ops/logger.ts';
import { onShutdown } from '../../ops/shutdown.ts';
import { channelsFromConfig } from '../../server/channels.ts';
import { createRuntime } from '../../server/runtime.ts';
import { cliConfig, cliKb } from '../context.ts';
import { type Command, HELP, KB } from './command.ts';

export const worker: Command = {
  usage:
    'helpline worker [--kb DIR]\n  Needs REDIS_URL (and usually DATABASE_URL) shared with the `helpline serve` processes.',
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
    const opened = await cliKb(config, io);
    const runtime = await createRuntime({
      config,
      opened,
      chat: chatModelFor(config),
      logger,
      channels: (deps, store) => channelsFromConfig(config, deps, { store }),
    });
    await runtime.startWorkers();
    io.err(
      `Helpline worker ready: BullMQ on ${config.redis.url.replace(/\/\/[^@]*@/, '//****@')}, database ${runtime.databaseLabel}. Ctrl+C to stop.`,
    );
    // SIGTERM/SIGINT: drain running jobs and close, within the deadline; a second signal exits at once.
    onShutdown(runtime.shutdownSteps(), { logger });
    return new Promise<number>(() => {});
  },
};
