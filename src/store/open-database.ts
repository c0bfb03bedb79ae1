/**
 * Chooses the database from configuration: PostgreSQL when a URL is given (DATABASE_URL), else the
 * embedded PGlite under `${dataDir}/pg` (HELPLINE_DATA), else PGlite in memory. Migrations are
 * applied before it is returned, so callers always see the current schema.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { maskUrl } from '../util/mask-url.ts';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';

export interface OpenDatabaseOptions {
  /** PostgreSQL URL (DATABASE_URL). When set, dataDir is not used. */
  url?: string;
  /** Data folder (HELPLINE_DATA); the embedded database lives in its `pg` subfolder. In memory when unset. */
  dataDir?: string;
  /** Schema to work in (created when missing). @defaultValue public */
  schema?: string;
  /** Apply pending migrations at open. @defaultValue true */
  migrate?: boolean;
  /**
   * Run the embedded database in a worker thread (pglite-thread.ts): what serve and worker do, so
   * PostgreSQL's WebAssembly never holds up the HTTP thread. @defaultValue false
   */
  thread?: boolean;
  /** Idle PostgreSQL connection failures (they are replaced; log them). */
  onIdleError?: (err: Error) => void;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.thread && !options.url && options.dataDir) {
    const { openPgliteThread } = await import('./pglite-thread.ts');
    return openPgliteThread({ dataDir: options.dataDir, schema: options.schema, migrate: options.migrate });
  }
  const db = options.url
    ? await (await import('./postgres.ts')).openPostgres({
        url: options.url,
        schema: options.schema,
        onIdleError: options.onIdleError,
      })
    : await (await import('./pglite.ts')).openPglite({
        dataDir: await seeded(options.dataDir),
        schema: options.schema,
      });
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close().catch(() => {});
      throw err;
    }
  }
  return db;
}

/** The embedded database's folder, copied from the template when it is new (pglite-template.ts). */
async function seeded(dataDir: string | undefined): Promise<string | undefined> {
  if (!dataDir) return undefined;
  const pgDir = join(dataDir, 'pg');
  if (!existsSync(join(pgDir, 'PG_VERSION')))
    await (await import('./pglite-template.ts')).seedFromTemplate(pgDir);
  return pgDir;
}

/** Where the data lives, for the startup banner and logs (no password). */
export function describeDatabase(options: Pick<OpenDatabaseOptions, 'url' | 'dataDir'>): string {
  if (options.url) return `PostgreSQL ${maskUrl(options.url)}`;
  return options.dataDir
    ? `embedded (PGlite) in ${join(options.dataDir, 'pg')}`
    : 'embedded (PGlite) in memory';
}
