/**
 * PGlite in a worker thread (src/store/pglite-thread.ts) beyond the Database contract: an urgent
 * call (the ack path) waits for the statement or transaction in progress, not for the queue; a
 * procedure runs its whole transaction in the worker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHelplineError } from '../../src/errors.ts';
import { openPgliteThread, type PgliteThreadDatabase } from '../../src/store/pglite-thread.ts';
import { runProcedure } from '../../src/store/procedure.ts';
import { TicketStore } from '../../src/tickets/ticket-store.ts';
import { record } from '../tickets/helpers.ts';
import { stampThrice } from './procedure-fixture.ts';

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

  it('runs a procedure whole in the worker: no statement waits for this thread', async () => {
    const running = runProcedure(db, stampThrice, { fail: false });
    // This thread is busy for 1.5 s; statements sent from here one by one would wait for it. (The
    // worker needs a few ms for its three statements; the margin is for a loaded CI machine, where
    // 300 ms was once not enough.)
    const until = Date.now() + 1500;
    while (Date.now() < until) {}
    // Sent from here, the statements would run after it; in the worker, they ran meanwhile.
    expect((await running).last).toBeLessThan(until);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM stamps'))[0].n).toBe(3);
  });

  it("a procedure's error comes back with its code and details, and its transaction is rolled back", async () => {
    const err = await runProcedure(db, stampThrice, { fail: true }).catch((e) => e);
    expect(isHelplineError(err, 'CONFLICT')).toBe(true);
    expect(err.details).toEqual({ why: 'test' });
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM stamps'))[0].n).toBe(3);
  });

  it('refuses to run an export that is not a procedure', async () => {
    const fake = {
      module: new URL('./procedure-fixture.ts', import.meta.url).href,
      name: 'nope',
      run: async () => 1,
    };
    const err = await runProcedure(db, fake, {}).catch((e) => e);
    expect(isHelplineError(err, 'INTERNAL')).toBe(true);
  });

  it("the ticket store's transactions run as procedures: create, a stale update refused, a claim", async () => {
    const store = new TicketStore(db);
    const now = new Date('2025-03-03T01:00:00.000Z');
    const created = await store.create(record(), { now, actor: 'helpline', eventData: { via: 'test' } });
    expect(created.number).toMatch(/^HL-\d+$/);
    const updated = await store.update({ ticket: { ...created, title: 'new title' }, events: [] });
    expect(updated).toMatchObject({ title: 'new title', version: created.version + 1 });
    const stale = await store.update({ ticket: { ...created, title: 'stale' }, events: [] }).catch((e) => e);
    expect(isHelplineError(stale, 'CONFLICT')).toBe(true);
    const claimed = await store.claim(created.id, 'l2:alice', now);
    expect(claimed).toMatchObject({ status: 'claimed', assigneeId: 'l2:alice' });
    expect((await store.events(created.id)).map((e) => e.action)).toContain('claimed');
  });
});
