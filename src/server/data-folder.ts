/**
 * One process per data folder while it keeps state there: the embedded database (no DATABASE_URL)
 * and the in-process runner's job journal (no REDIS_URL) each belong to one process. A second
 * `helpline serve` on the folder once opened its own PGlite on the same files: both numbered
 * tickets HL-1005, and after a restart one process's acknowledged messages were gone.
 *
 * The admin socket (admin-socket.ts) is the lock, claimed first thing at start, before the database
 * or the port opens: a live holder → DATA_DIR_IN_USE naming its pid; a dead one's socket (SIGKILL)
 * is taken over. The CLI commands that open the embedded database themselves hold it too while
 * they do (src/cli/server-or-database.ts). With DATABASE_URL and REDIS_URL, processes may share a
 * folder; the first one serves the admin socket.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import { HelplineError } from '../errors.ts';
import type { LogSink } from '../ops/logger.ts';
import {
  type AdminSocket,
  adminSocketPath,
  claimAdminSocket,
  type Holder,
  SocketTakenError,
} from './admin-socket.ts';

export interface ClaimDataFolderOptions {
  /** What this process is: `helpline serve`, `helpline backup`… */
  command: string;
  /** Whether this process will serve the admin operations (serve does; a CLI command does not). */
  serving: boolean;
  /** What the refusal tells the user to do. @defaultValue stop the other, or give this one its own folder */
  hint?: string;
  /** Not serving: what an admin command sent here is told to do. @defaultValue wait for this one to finish */
  busyHint?: string;
  logger: LogSink;
}

/** Whether processes may share the folder: it then holds only caches and the admin socket. */
export const sharedDataFolder = (config: Config) => Boolean(config.database.url && config.redis.url);

/**
 * The data folder's admin socket, claimed for this process. Throws DATA_DIR_IN_USE when another
 * live process holds a folder that cannot be shared; undefined when it can and another has it, or
 * when the socket cannot be made at all (then a warning says so).
 */
export async function claimDataFolder(
  config: Config,
  options: ClaimDataFolderOptions,
): Promise<AdminSocket | undefined> {
  const dir = resolve(config.data.dir);
  const exclusive = !sharedDataFolder(config);
  try {
    mkdirSync(dir, { recursive: true });
    return await claimAdminSocket(adminSocketPath(dir), {
      command: options.command,
      refusal: options.serving
        ? undefined
        : inUseMessage({ pid: process.pid, command: options.command }, dir, options.busyHint ?? WAIT),
      logger: options.logger,
    });
  } catch (err) {
    if (err instanceof SocketTakenError) {
      if (!exclusive) {
        options.logger.info(
          { holder: err.holder },
          'the admin socket of this data folder is served by another process; admin commands go there',
        );
        return undefined;
      }
      const message = inUseMessage(err.holder, dir, options.hint ?? hintFor(config));
      throw new HelplineError('DATA_DIR_IN_USE', message, { details: err.holder });
    }
    // No socket here (a path too long for one, a read-only folder): run, but say what is missing;
    // a folder that cannot be written fails where the database opens, with its own message.
    options.logger.warn(
      { reason: (err as Error).message },
      `no admin socket in ${dir}: another process on this data folder cannot be detected, and \`helpline token\`, \`login-link\` and \`backup\` cannot reach this one`,
    );
    return undefined;
  }
}

const WAIT = 'wait for it to finish, then try again';

function hintFor(config: Config): string {
  const missing = [config.database.url ? '' : 'DATABASE_URL', config.redis.url ? '' : 'REDIS_URL'].filter(
    Boolean,
  );
  const share =
    missing.length === 2
      ? 'use DATABASE_URL and REDIS_URL to share PostgreSQL and Redis between processes'
      : `set ${missing[0]} too: processes on one PostgreSQL and Redis may share a data folder`;
  return `stop it, or give this one its own HELPLINE_DATA (or ${share})`;
}

function inUseMessage(holder: Holder, dir: string, hint: string): string {
  const who = [holder.pid ? `pid ${holder.pid}` : '', holder.command ? `\`${holder.command}\`` : '']
    .filter(Boolean)
    .join(', ');
  return `Another helpline process${who ? ` (${who})` : ''} is using the data folder ${dir}; ${hint}.`;
}
