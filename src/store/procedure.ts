/**
 * A transaction body that the database may run where its engine is. The embedded database in a
 * worker thread (pglite-thread.ts) holds its one session for a whole transaction; run from the main
 * thread, every statement is a round trip between the threads, and on a busy machine each one waits
 * for both threads to be scheduled — the transaction, and every ack behind it, lasts that much
 * longer. A procedure is a module's export called with plain (structured-cloneable) data, so the
 * worker imports it and runs the whole transaction with no round trip; elsewhere it is simply
 * `db.transaction(tx => fn(tx, args))`.
 *
 *   export const closeTx = procedure(import.meta.url, 'closeTx', async (tx, args: { id: string }) => …);
 *   await runProcedure(db, closeTx, { id });
 *
 * The body sees only `tx` and its arguments: no closures over the caller's state, no clock, no
 * randomness that the caller did not pass in.
 */
import { HelplineError } from '../errors.ts';
import type { Database, Queryable } from './database.ts';

export interface Procedure<A, R> {
  /** `import.meta.url` of the module that exports it. */
  readonly module: string;
  /** Its export name in that module. */
  readonly name: string;
  readonly run: (tx: Queryable, args: A) => Promise<R>;
}

/** A database that runs procedures itself (pglite-thread.ts). */
export interface RunsProcedures {
  procedure<A, R>(p: Procedure<A, R>, args: A): Promise<R>;
}

export function procedure<A, R>(
  module: string,
  name: string,
  run: (tx: Queryable, args: A) => Promise<R>,
): Procedure<A, R> {
  return { module, name, run };
}

/** Runs `p` in one transaction: where the engine is when the database can, else here. */
export function runProcedure<A, R>(db: Database, p: Procedure<A, R>, args: A): Promise<R> {
  if ('procedure' in db && typeof db.procedure === 'function') {
    return (db as Database & RunsProcedures).procedure(p, args);
  }
  return db.transaction((tx) => p.run(tx, args));
}

/** The procedure a worker was asked to run, checked to be one. */
export async function importProcedure(module: string, name: string): Promise<Procedure<unknown, unknown>> {
  const found = (await import(module))[name] as Procedure<unknown, unknown> | undefined;
  if (!found || found.module !== module || found.name !== name || typeof found.run !== 'function') {
    throw new HelplineError('INTERNAL', `${name} in ${module} is not a database procedure.`);
  }
  return found;
}
