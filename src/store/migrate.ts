/**
 * Versioned schema migrations: `migrations/NNN_name.sql`, applied in order, each in its own
 * transaction, recorded in `schema_migrations`. Safe to run at every start and from several
 * processes at once: a transaction-scoped advisory lock (per schema) lets one starter migrate while
 * the others wait and then find nothing to do. An applied migration must never be edited; its
 * checksum is checked and a changed file stops the start with DB_MIGRATION_FAILED.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelplineError, isHelplineError } from '../errors.ts';
import type { Database, Queryable } from './database.ts';

export interface Migration {
  version: number;
  /** File name, e.g. "001_init.sql". */
  name: string;
  sql: string;
  /** sha256 of the SQL with line endings normalized (a Windows checkout must not look edited). */
  checksum: string;
}

export interface MigrationResult {
  /** Migrations this call applied (empty when the schema was current). */
  applied: Migration[];
  /** Highest version now in the database. */
  version: number;
}

const FILE = /^(\d{3,})_[a-z0-9_]+\.sql$/;
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => FILE.test(f)).sort();
  const migrations: Migration[] = [];
  for (const name of files) {
    const sql = (await readFile(join(dir, name), 'utf8')).replace(/\r\n/g, '\n');
    const version = Number(FILE.exec(name)![1]);
    if (migrations.some((m) => m.version === version)) {
      throw new HelplineError(
        'DB_MIGRATION_FAILED',
        `Two migrations share version ${version} in ${dir}; renumber one.`,
      );
    }
    migrations.push({ version, name, sql, checksum: checksum(sql) });
  }
  return migrations;
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

export async function migrate(db: Database, migrations?: Migration[]): Promise<MigrationResult> {
  const all = migrations ?? (await loadMigrations());
  const applied: Migration[] = [];
  let known = await db.transaction(async (tx) => {
    await lock(tx);
    return recorded(tx);
  });
  verify(all, known);
  for (const migration of all) {
    if (known.has(migration.version)) continue;
    const done = await db.transaction(async (tx) => {
      await lock(tx);
      // Another process may have applied it while we waited for the lock.
      known = await recorded(tx);
      if (known.has(migration.version)) return false;
      try {
        await tx.exec(migration.sql);
      } catch (err) {
        if (isHelplineError(err)) throw err;
        throw new HelplineError(
          'DB_MIGRATION_FAILED',
          `Migration ${migration.name} failed and was rolled back: ${(err as Error).message}. Fix it and start again.`,
          { cause: err, details: { migration: migration.name } },
        );
      }
      await tx.query(
        'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, now())',
        [migration.version, migration.name, migration.checksum],
      );
      return true;
    });
    if (done) applied.push(migration);
  }
  const rows = await db.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return { applied, version: rows[0]?.version ?? 0 };
}

async function lock(tx: Queryable): Promise<void> {
  // Keyed by schema so test runs in different schemas do not wait for each other.
  await tx.query(
    "SELECT pg_advisory_xact_lock(hashtext('helpline:migrate:' || coalesce(current_schema(), '')))",
  );
  await tx.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version integer PRIMARY KEY,
       name text NOT NULL,
       checksum text NOT NULL,
       applied_at timestamptz NOT NULL
     )`,
  );
}

async function recorded(tx: Queryable): Promise<Map<number, { name: string; checksum: string }>> {
  const rows = await tx.query<{ version: number; name: string; checksum: string }>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );
  return new Map(rows.map((r) => [r.version, { name: r.name, checksum: r.checksum }]));
}

function verify(all: Migration[], known: Map<number, { name: string; checksum: string }>): void {
  for (const migration of all) {
    const row = known.get(migration.version);
    if (row && row.checksum !== migration.checksum) {
      throw new HelplineError(
        'DB_MIGRATION_FAILED',
        `Migration ${migration.name} was changed after it was applied to this database (as ${row.name}). ` +
          'Restore the original file and put the change in a new migration.',
        { details: { migration: migration.name } },
      );
    }
  }
}
