import { createLogger } from '../../ops/logger.ts';
import { onShutdown } from '../../ops/shutdown.ts';
import { startServer } from '../../server/start.ts';
import { cliConfig } from '../context.ts';
import { type Command, HELP, KB } from './command.ts';

export const serve: Command = {
  usage: 'helpline serve [--port N] [--kb DIR]',
  options: { ...HELP, ...KB, port: { type: 'string' } },
  async run(values, _positionals, io) {
    const config = cliConfig(values);
    const server = await startServer(config, io);
    // SIGTERM/SIGINT: the steps in order, within the deadline; a second signal exits at once.
    onShutdown(server.shutdownSteps(), { logger: createLogger({ level: process.env.LOG_LEVEL ?? 'info' }) });
    return new Promise<number>(() => {});
  },
};
