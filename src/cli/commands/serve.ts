import { HelplineError } from '../../errors.ts';
import { createLogger } from '../../ops/logger.ts';
import { onShutdown } from '../../ops/shutdown.ts';
import { startServer } from '../../server/start.ts';
import { cliConfig } from '../context.ts';
import { type Command, HELP, KB } from './command.ts';

const ROLES = ['all', 'web', 'worker'] as const;

export const serve: Command = {
  usage: `helpline serve [--port N] [--kb DIR] [--role all|web|worker]
  --role all (default): web chat, API, webhooks and job workers in this process.
  --role web: HTTP only; jobs run in \`helpline worker\` processes (needs REDIS_URL).
  --role worker: the same as \`helpline worker\` (needs REDIS_URL).`,
  options: { ...HELP, ...KB, port: { type: 'string' }, role: { type: 'string' } },
  async run(values, positionals, io) {
    const role = (values.role as string | undefined) ?? 'all';
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new HelplineError('USAGE', `--role must be one of ${ROLES.join(', ')}; got "${role}".`);
    }
    const config = cliConfig(values);
    if (role !== 'all' && !config.redis.url) {
      throw new HelplineError(
        'USAGE',
        `--role ${role} needs REDIS_URL: web and worker processes share their jobs through Redis. Without it, run \`helpline serve\` (role all).`,
      );
    }
    if (role === 'worker') return (await import('./worker.ts')).worker.run(values, positionals, io);
    const server = await startServer(config, io, { workers: role === 'all' });
    // SIGTERM/SIGINT: the steps in order, within the deadline; a second signal exits at once.
    onShutdown(server.shutdownSteps(), { logger: createLogger({ level: process.env.LOG_LEVEL ?? 'info' }) });
    return new Promise<number>(() => {});
  },
};
