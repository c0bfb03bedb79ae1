/**
 * PGlite in a worker thread (src/store/pglite-thread.ts) beyond the Database contract: an urgent
 * call (the ack path) waits for the statement or transaction in progress, not for the queue.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteThread, type PgliteThreadDatabase } from '../../src/store/pglite-thread.ts';

let dir: string;
let db: PgliteThreadDatabase;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helpline-thread-'));
  db = await openPgliteThread({ dataDir: dir });
}, 120_000);
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('PGlite in a worker thread', () => {
  it('runs an urgent call before the calls waiting behind a transaction', async () => {
    const order: string[] = [];
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const tx = db.transaction(async (t) => {
      await t.query('SELECT 1');
      order.push('tx');
      await held;
    });
    // Let the transaction take the engine, then queue behind it.
    await new Promise((r) => setTimeout(r, 50));
    const queued = Array.from({ length: 5 }, (_, i) =>
      db.query('SELECT pg_sleep(0.01)').then(() => order.push(`normal ${i}`)),
    );
    const urgent = db
      .urgent()
      .query('SELECT 1')
      .then(() => order.push('urgent'));
    await new Promise((r) => setTimeout(r, 50));
    release();
    await Promise.all([tx, urgent, ...queued]);
    expect(order[0]).toBe('tx');
    expect(order[1]).toBe('urgent');
    expect(order.slice(2)).toEqual(['normal 0', 'normal 1', 'normal 2', 'normal 3', 'normal 4']);
  });

  it('keeps the migrated schema of the embedded database', async () => {
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBeGreaterThan(0);
  });
});
