import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import { checksum, loadMigrations, type Migration, migrate } from '../../src/store/migrate.ts';
import { eachBackend } from './backends.ts';

const TABLES = [
  'api_tokens',
  'conversations',
  'deliveries',
  'feedback',
  'identities',
  'incident_updates',
  'kb_changes',
  'knowledge_gaps',
  'login_links',
  'messages',
  'oidc_logins',
  'schema_migrations',
  'sessions',
  'sla_clocks',
  'ticket_events',
  'ticket_threads',
  'tickets',
  'turn_outcomes',
];

const inline = (version: number, sql: string): Migration => ({
  version,
  name: `${String(version).padStart(3, '0')}_inline.sql`,
  sql,
  checksum: checksum(sql),
});

describe('loadMigrations', () => {
  it('finds the numbered SQL files in order, versions unique and contiguous from 1', async () => {
    const migrations = await loadMigrations();
    expect(migrations[0]).toMatchObject({ version: 1, name: '001_init.sql' });
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    for (const m of migrations) expect(m.checksum).toBe(checksum(m.sql));
  });

  it('ignores line-ending differences in checksums', () => {
    expect(checksum('a;\r\nb;\r\n')).toBe(checksum('a;\nb;\n'));
  });
});

eachBackend('migrate', (ctx) => {
  const tables = async (db: Awaited<ReturnType<typeof ctx.fresh>>) =>
    (
      await db.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name',
      )
    ).map((r) => r.table_name);

  it('applies every migration once, then finds nothing to do', async () => {
    const db = await ctx.fresh({ migrate: false });
    const first = await migrate(db);
    expect(first.applied.map((m) => m.name)).toContain('001_init.sql');
    expect(first.version).toBe((await loadMigrations()).length);
    expect(await tables(db)).toEqual(TABLES);
    const again = await migrate(db);
    expect(again).toEqual({ applied: [], version: first.version });
    const rows = await db.query<{ version: number; applied_at: string }>(
      'SELECT version, applied_at FROM schema_migrations',
    );
    expect(rows).toHaveLength(first.version);
    expect(new Date(rows[0].applied_at).toISOString()).toBe(rows[0].applied_at);
  });

  it('lets several starters migrate at once: one applies, the others wait and skip', async () => {
    const db = await ctx.fresh({ migrate: false });
    const starters = [db, ...(await Promise.all([1, 2, 3, 4].map(() => ctx.sibling(db))))];
    const results = await Promise.all(starters.map((s) => migrate(s)));
    const applied = results.flatMap((r) => r.applied.map((m) => m.name));
    expect(applied.filter((n) => n === '001_init.sql')).toHaveLength(1);
    expect(await db.query('SELECT version FROM schema_migrations')).toHaveLength(results[0].version);
    expect(await tables(db)).toEqual(TABLES);
  });

  it('rolls back a failing migration whole, stops there, and says which one', async () => {
    const db = await ctx.fresh({ migrate: false });
    const migrations = [
      inline(1, 'CREATE TABLE a (x int);'),
      inline(2, 'CREATE TABLE b (x int);\nSELECT * FROM missing_table;'),
      inline(3, 'CREATE TABLE c (x int);'),
    ];
    const err = await migrate(db, migrations).catch((e) => e);
    expect(isHelplineError(err, 'DB_MIGRATION_FAILED')).toBe(true);
    expect(err.message).toContain('002_inline.sql');
    expect(err.message).toMatch(/missing_table/);
    expect(await tables(db)).toEqual(['a', 'schema_migrations']);
    expect(await db.query('SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
    // Fixed, it continues from where it stopped.
    const fixed = [migrations[0], inline(2, 'CREATE TABLE b (x int);'), migrations[2]];
    expect((await migrate(db, fixed)).applied.map((m) => m.version)).toEqual([2, 3]);
  });

  it('refuses to start when an applied migration was edited', async () => {
    const db = await ctx.fresh({ migrate: false });
    await migrate(db, [inline(1, 'CREATE TABLE a (x int);')]);
    const err = await migrate(db, [inline(1, 'CREATE TABLE a (x bigint);')]).catch((e) => e);
    expect(isHelplineError(err, 'DB_MIGRATION_FAILED')).toBe(true);
    expect(err.message).toMatch(/changed after it was applied/);
  });

  it('creates tables that accept what the application writes (ticket numbers from 1001)', async () => {
    const db = await ctx.fresh();
    const insert = (id: string) =>
      db.query<{ number: number }>(
        `INSERT INTO tickets (id, title, status, severity, category, intent, rationale, requester_id, thread_id, created_at, updated_at)
         VALUES ($1, 't', 'waiting_l2', 'P2', 'leave', 'question', 'r', 'u1', 'th1', $2, $2) RETURNING number`,
        [id, '2025-01-01T00:00:00.000Z'],
      );
    expect(await insert(crypto.randomUUID())).toEqual([{ number: 1001 }]);
    expect(await insert(crypto.randomUUID())).toEqual([{ number: 1002 }]);
    await expect(
      db.query(
        `INSERT INTO tickets (id, title, status, severity, category, intent, rationale, requester_id, thread_id, created_at, updated_at)
         VALUES ($1, 't', 'open', 'P2', 'leave', 'q', 'r', 'u', 't', now(), now())`,
        [crypto.randomUUID()],
      ),
    ).rejects.toThrow(/check/i);
  });
});
