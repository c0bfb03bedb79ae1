/**
 * The worker side of pglite-thread.ts: opens the embedded database (template, migrations) in this
 * thread and answers the main thread's calls. A transaction is held open here, between the main
 * thread's `begin` and its `commit` or `rollback`, so the main thread's `fn(tx)` runs as usual.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Database, Queryable } from './database.ts';
import { openDatabase } from './open-database.ts';
import type { Reply, Request } from './pglite-thread.ts';

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread');

const { dataDir, schema, migrate } = workerData as { dataDir: string; schema?: string; migrate?: boolean };
const transactions = new Map<number, { tx: Queryable; end: (commit: boolean) => void }>();
let nextTx = 1;
const ROLLBACK = Symbol('rollback');

const reply = (message: Reply) => port.postMessage(message);
const fail = (id: number, err: unknown) => reply({ id, error: serializeError(err) });

let db: Database;
try {
  db = await openDatabase({ dataDir, schema, migrate });
  reply({ id: 0, result: 'open' });
} catch (err) {
  fail(0, err);
  process.exit(0);
}

port.on('message', (req: Request) => {
  void handle(req).catch((err) => fail(req.id, err));
});

async function handle(req: Request): Promise<void> {
  const on = req.tx === undefined ? db : transactions.get(req.tx)?.tx;
  if (!on) throw new Error(`transaction ${req.tx} is not open`);
  switch (req.op) {
    case 'query':
      reply({ id: req.id, result: await on.query(req.sql as string, req.params) });
      return;
    case 'exec':
      await on.exec(req.sql as string);
      reply({ id: req.id, result: null });
      return;
    case 'begin': {
      const txId = nextTx++;
      let begun = false;
      const done = db
        .transaction(
          (tx) =>
            new Promise<void>((resolve, reject) => {
              const entry = { tx, end: (commit: boolean) => (commit ? resolve() : reject(ROLLBACK)) };
              transactions.set(txId, entry);
              begun = true;
              reply({ id: req.id, result: txId });
            }),
        )
        .finally(() => transactions.delete(txId));
      ends.set(txId, done);
      // BEGIN itself failed: the caller is still waiting for its answer.
      done.catch((err) => {
        if (!begun) fail(req.id, err);
      });
      return;
    }
    case 'commit':
    case 'rollback': {
      const txId = req.tx as number;
      const entry = transactions.get(txId);
      const done = ends.get(txId);
      ends.delete(txId);
      if (!entry || !done) throw new Error(`transaction ${txId} is not open`);
      entry.end(req.op === 'commit');
      try {
        await done;
        reply({ id: req.id, result: null });
      } catch (err) {
        if (err === ROLLBACK) reply({ id: req.id, result: null });
        else throw err;
      }
      return;
    }
    case 'close':
      await db.close();
      reply({ id: req.id, result: null });
      port?.close();
      return;
  }
}

const ends = new Map<number, Promise<void>>();

function serializeError(err: unknown): Reply['error'] {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), props: {} };
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) {
    if (v === undefined || typeof v === 'function' || k === 'cause') continue;
    try {
      structuredClone(v);
      props[k] = v;
    } catch {
      // Not transferable: left out.
    }
  }
  return { name: err.name, message: err.message, stack: err.stack, props };
}
