import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import { loadMigrations } from '../../src/store/migrate.ts';
import { describeDatabase, openDatabase } from '../../src/store/open-database.ts';
import { postgresAvailable, TEST_DATABASE_URL } from './backends.ts';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'helpline-db-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('keeps the embedded database on disk under <data>/pg across restarts, migrating once', async () => {
    const data = await tempDir();
    const first = await openDatabase({ dataDir: data });
    expect(first.kind).toBe('pglite');
    await first.query(
      `INSERT INTO conversations (id, platform, user_id, created_at) VALUES ('c1', 'web', 'u1', '2025-01-01T00:00:00.000Z')`,
    );
    await first.close();
    const second = await openDatabase({ dataDir: data });
    try {
      expect(await second.query('SELECT id, created_at FROM conversations')).toEqual([
        { id: 'c1', created_at: '2025-01-01T00:00:00.000Z' },
      ]);
      expect(await second.query('SELECT version FROM schema_migrations')).toHaveLength(
        (await loadMigrations()).length,
      );
    } finally {
      await second.close();
    }
  }, 120_000);

  it('says DB_UNAVAILABLE, and what to check, when the data folder cannot be used', async () => {
    const data = await tempDir();
    const file = join(data, 'not-a-folder');
    await writeFile(file, 'x');
    const err = await openDatabase({ dataDir: file }).catch((e) => e);
    expect(isHelplineError(err, 'DB_UNAVAILABLE')).toBe(true);
    expect(err.message).toContain(join(file, 'pg'));
    expect(err.message).toMatch(/HELPLINE_DATA/);
  });

  it('says DB_UNAVAILABLE, naming the server but not the password, when PostgreSQL is not there', async () => {
    const err = await openDatabase({ url: 'postgres://helpline:s3cret@127.0.0.1:1/helpline' }).catch(
      (e) => e,
    );
    expect(isHelplineError(err, 'DB_UNAVAILABLE')).toBe(true);
    expect(err.message).toContain('127.0.0.1:1');
    expect(err.message).toMatch(/DATABASE_URL/);
    expect(err.message).not.toContain('s3cret');
  });

  it.skipIf(!postgresAvailable && !process.env.CI)(
    'says DB_UNAVAILABLE for a database that does not exist',
    async () => {
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = '/helpline_no_such_database';
      const err = await openDatabase({ url: url.toString() }).catch((e) => e);
      expect(isHelplineError(err, 'DB_UNAVAILABLE')).toBe(true);
      expect(err.message).toMatch(/helpline_no_such_database/);
    },
  );

  it('describes where the data lives without secrets', () => {
    expect(describeDatabase({ url: 'postgres://u:pw@db:5432/helpline' })).toBe(
      'PostgreSQL postgres://u:****@db:5432/helpline',
    );
    expect(describeDatabase({ dataDir: 'data' })).toBe(`embedded (PGlite) in ${join('data', 'pg')}`);
    expect(describeDatabase({})).toBe('embedded (PGlite) in memory');
  });
});
