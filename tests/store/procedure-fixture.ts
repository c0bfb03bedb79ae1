/** A procedure for tests/store/pglite-thread.test.ts: imported by the database's worker thread. */
import { HelplineError } from '../../src/errors.ts';
import { procedure } from '../../src/store/procedure.ts';

/**
 * Three statements stamped with the engine's clock; answers when they ran (epoch ms, first and
 * last); fails with CONFLICT (rolled back) when asked.
 */
export const stampThrice = procedure(import.meta.url, 'stampThrice', async (tx, args: { fail: boolean }) => {
  await tx.exec('CREATE TABLE IF NOT EXISTS stamps (at timestamptz NOT NULL)');
  for (let i = 0; i < 3; i++) await tx.query('INSERT INTO stamps VALUES (clock_timestamp())');
  if (args.fail) throw new HelplineError('CONFLICT', 'asked to fail', { details: { why: 'test' } });
  const rows = await tx.query<{ first: number; last: number }>(
    'SELECT (extract(epoch FROM min(at)) * 1000)::float8 AS first, (extract(epoch FROM max(at)) * 1000)::float8 AS last FROM stamps',
  );
  return rows[0];
});
