/**
 * The worker side of pglite-thread.ts: opens the embedded database (template, migrations) in this
 * thread and answers the main thread's calls. A transaction is held open here, between the main
 * thread's `begin` and its `commit` or `rollback`, so the main thread's `fn(tx)` runs as usual.
 *
 * The engine is one session, so calls take turns; calls marked urgent (an ack storing the message
 * it acknowledges) go before every waiting call that is not, so an ack waits for at most the one
 * statement or transaction in progress, never for the backlog of turns behind it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Database, Queryable } from './database.ts';
import { openDatabase } from './open-database.ts';
import type { Reply, Request } from './pglite-thread.ts';
import { importProcedure } from './procedure.ts';

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread');

const { dataDir, schema, migrate } = workerData as { dataDir: string; schema?: string; migrate?: boolean };
const transactions = new Map<
  number,
  { tx: Queryable; end: (commit: boolean) => void; done: Promise<void> }
>();
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

/** Turns on the engine: urgent first, then the rest, each in arrival order. */
const lanes: { urgent: (() => Promise<void>)[]; normal: (() => Promise<void>)[] } = {
  urgent: [],
  normal: [],
};
let busy = false;
function schedule(urgent: boolean, turn: () => Promise<void>): void {
  (urgent ? lanes.urgent : lanes.normal).push(turn);
  pump();
}
function pump(): void {
  if (busy) return;
  const turn = lanes.urgent.shift() ?? lanes.normal.shift();
  if (!turn) return;
  busy = true;
  void turn().finally(() => {
    busy = false;
    pump();
  });
}

port.on('message', (req: Request) => {
  if (req.tx !== undefined) {
    // Inside a transaction that holds the engine now: run at once.
    void inTransaction(req).catch((err) => fail(req.id, err));
    return;
  }
  // A procedure's module is imported before its turn, not while it holds the engine.
  const loading = req.op === 'procedure' ? procedureOf(req) : undefined;
  loading?.catch(() => {}); // reported by its turn
  schedule(req.urgent === true, () => onEngine(req, loading).catch((err) => fail(req.id, err)));
});

const procedures = new Map<string, ReturnType<typeof importProcedure>>();
function procedureOf(req: Request): ReturnType<typeof importProcedure> {
  const key = `${req.module}#${req.name}`;
  let found = procedures.get(key);
  if (!found) {
    found = importProcedure(req.module as string, req.name as string);
    procedures.set(key, found);
  }
  return found;
}

async function onEngine(req: Request, loading?: ReturnType<typeof importProcedure>): Promise<void> {
  switch (req.op) {
    case 'query':
      reply({ id: req.id, result: await db.query(req.sql as string, req.params) });
      return;
    case 'exec':
      await db.exec(req.sql as string);
      reply({ id: req.id, result: null });
      return;
    case 'begin': {
      // This turn lasts until the main thread commits or rolls back.
      const txId = nextTx++;
      let begun = false;
      const done = db.transaction(
        (tx) =>
          new Promise<void>((resolve, reject) => {
            transactions.set(txId, {
              tx,
              end: (commit) => (commit ? resolve() : reject(ROLLBACK)),
              done,
            });
            begun = true;
            reply({ id: req.id, result: txId });
          }),
      );
      try {
        await done;
      } catch (err) {
        if (!begun) throw err; // BEGIN itself failed: the caller is waiting for its answer
      }
      return;
    }
    case 'procedure': {
      const p = await (loading as ReturnType<typeof importProcedure>);
      reply({ id: req.id, result: await db.transaction((tx) => p.run(tx, req.args)) });
      return;
    }
    case 'close':
      await db.close();
      reply({ id: req.id, result: null });
      port?.close();
      return;
    default:
      throw new Error(`${req.op} needs a transaction`);
  }
}

async function inTransaction(req: Request): Promise<void> {
  const open = transactions.get(req.tx as number);
  if (!open) throw new Error(`transaction ${req.tx} is not open`);
  switch (req.op) {
    case 'query':
      reply({ id: req.id, result: await open.tx.query(req.sql as string, req.params) });
      return;
    case 'exec':
      await open.tx.exec(req.sql as string);
      reply({ id: req.id, result: null });
      return;
    case 'commit':
    case 'rollback':
      transactions.delete(req.tx as number);
      open.end(req.op === 'commit');
      try {
        await open.done;
      } catch (err) {
        if (err !== ROLLBACK) throw err;
      }
      reply({ id: req.id, result: null });
      return;
    default:
      throw new Error(`${req.op} cannot run inside a transaction`);
  }
}

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
