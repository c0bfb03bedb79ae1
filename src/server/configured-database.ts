/**
 * The database the configuration names: PostgreSQL at DATABASE_URL, else the embedded one under
 * HELPLINE_DATA in a worker thread. Its own small module so that serve can start opening it before
 * it loads the rest of the server.
 */
import { resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Database } from '../store/database.ts';
import { openDatabase } from '../store/open-database.ts';

export function openConfiguredDatabase(
  config: Config,
  logger: { warn: (obj: object, msg: string) => void },
): Promise<Database> {
  return openDatabase({
    url: config.database.url,
    dataDir: resolve(config.data.dir),
    thread: true,
    onIdleError: (err) => logger.warn({ err }, 'database connection dropped'),
  });
}
