import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import { jsonParam } from '../../src/store/database.ts';
import { eachBackend } from './backends.ts';

eachBackend(
  'Database contract',
  (ctx) => {
    it(`reports its kind`, async () => {
      const db = await ctx.fresh({ migrate: false });
      expect(db.kind).toBe(ctx.kind);
    });

    it('returns timestamptz as ISO strings, int8 as numbers, jsonb parsed, booleans and nulls as such', async () => {
      const db = await ctx.fresh({ migrate: false });
      await db.exec(`CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1001), at timestamptz, j jsonb, b boolean, s text, n bigint);
                   CREATE TABLE u (x int)`);
      const rows = await db.query<{
        id: number;
        at: string;
        j: unknown;
        b: boolean;
        s: string | null;
        n: number;
      }>('INSERT INTO t (at, j, b, s, n) VALUES ($1, $2::jsonb, $3, $4, $5) RETURNING *', [
        '2025-01-02T03:04:05.123Z',
        jsonParam([1, { 名: '中文', nested: [true, null] }]),
        true,
        null,
        9_007_199_254_740_991,
      ]);
      expect(rows).toEqual([
        {
          id: 1001,
          at: '2025-01-02T03:04:05.123Z',
          j: [1, { 名: '中文', nested: [true, null] }],
          b: true,
          s: null,
          n: 9_007_199_254_740_991,
        },
      ]);
      const [count] = await db.query<{ n: number }>('SELECT count(*) AS n FROM t');
      expect(count.n).toBe(1);
      // A time written with an offset comes back in UTC.
      const [shifted] = await db.query<{ at: string }>(
        "SELECT '2025-01-02 11:04:05.5+08'::timestamptz AS at",
      );
      expect(shifted.at).toBe('2025-01-02T03:04:05.500Z');
      // A JSON string and an object stay what they were.
      const [json] = await db.query<{ a: unknown; b: unknown }>('SELECT $1::jsonb AS a, $2::jsonb AS b', [
        jsonParam('text'),
        jsonParam({ k: 1 }),
      ]);
      expect(json).toEqual({ a: 'text', b: { k: 1 } });
    });

    it('commits a transaction that resolves and returns its value', async () => {
      const db = await ctx.fresh({ migrate: false });
      await db.exec('CREATE TABLE t (x int)');
      const value = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (1)');
        await tx.exec('INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)');
        return (await tx.query<{ n: number }>('SELECT count(*) AS n FROM t'))[0].n;
      });
      expect(value).toBe(3);
      expect(await db.query('SELECT x FROM t ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
    });

    it('rolls back a transaction that throws and rethrows the same error', async () => {
      const db = await ctx.fresh({ migrate: false });
      await db.exec('CREATE TABLE t (x int)');
      const boom = new Error('boom');
      const err = await db
        .transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES (1)');
          throw boom;
        })
        .catch((e) => e);
      expect(err).toBe(boom);
      // An SQL error inside rolls back too, and the database stays usable.
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES (2)');
          await tx.query('SELECT * FROM no_such_table');
        }),
      ).rejects.toThrow(/no_such_table/);
      expect(await db.query('SELECT * FROM t')).toEqual([]);
    });

    it('stays usable after a failing statement', async () => {
      const db = await ctx.fresh({ migrate: false });
      await expect(db.query('SELEC 1')).rejects.toThrow();
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });

    it('refuses to be called from inside its own transaction, instead of hanging or escaping it', async () => {
      const db = await ctx.fresh({ migrate: false });
      const err = await db.transaction(async () => db.query('SELECT 1')).catch((e) => e);
      expect(isHelplineError(err, 'INTERNAL')).toBe(true);
      expect(err.message).toMatch(/tx/);
      // Work started inside but finishing after the transaction is allowed.
      let later: Promise<unknown> | undefined;
      await db.transaction(async () => {
        later = new Promise((resolve) => setTimeout(resolve, 20)).then(() => db.query('SELECT 2 AS two'));
      });
      expect(await later).toEqual([{ two: 2 }]);
    });

    it('keeps concurrent transactions isolated: every increment counts', async () => {
      const db = await ctx.fresh({ migrate: false });
      await db.exec('CREATE TABLE c (n int); INSERT INTO c VALUES (0)');
      await Promise.all(
        Array.from({ length: 20 }, () =>
          db.transaction(async (tx) => {
            await tx.query('UPDATE c SET n = n + 1');
            await new Promise((r) => setTimeout(r, 2));
          }),
        ),
      );
      expect(await db.query('SELECT n FROM c')).toEqual([{ n: 20 }]);
    });

    it('fails with DB_UNAVAILABLE after close', async () => {
      const db = await ctx.fresh({ migrate: false });
      await db.close();
      const err = await db.query('SELECT 1').catch((e) => e);
      expect(isHelplineError(err, 'DB_UNAVAILABLE')).toBe(true);
      await db.close(); // twice is fine
    });
  },
  { thread: true },
);

describe('jsonParam', () => {
  it('serializes values and maps undefined and null to SQL NULL', () => {
    expect(jsonParam([1])).toBe('[1]');
    expect(jsonParam(undefined)).toBeNull();
    expect(jsonParam(null)).toBeNull();
  });
});
