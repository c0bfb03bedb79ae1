import { startServer } from '../../server/start.ts';
import { cliConfig } from '../context.ts';
import { type Command, HELP, KB } from './command.ts';

export const serve: Command = {
  summary: 'web chat, console, webhooks and workers (embedded defaults)',
  usage: 'helpline serve [--port N] [--kb DIR]',
  options: { ...HELP, ...KB, port: { type: 'string' } },
  async run(values, _positionals, io) {
    const config = cliConfig(values);
    const server = await startServer(config, io);
    await new Promise<void>((resolve) => {
      const stop = async (signal: string) => {
        io.err(`\n${signal} received: finishing running turns…`);
        await server.close();
        resolve();
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
    return 0;
  },
};
