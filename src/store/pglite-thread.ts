/**
 * The embedded database in a worker thread: the same PGlite, data folder, template and migrations
 * as pglite.ts, but its work — PostgreSQL compiled to WebAssembly, a CPU-bound single session — runs
 * on another core. The HTTP thread stays free to read requests and ack them while turns query, and
 * at start the engine opens while the main thread loads the rest of the server.
 *
 * Calls are messages; a transaction is held open in the worker between `begin` and `commit` /
 * `rollback`, so `transaction(fn)` runs `fn` here exactly as with pglite.ts (one connection: calls
 * take turns in the worker's queue, and calling the database from inside its own transaction throws).
 * Hot transactions are procedures (procedure.ts), run whole in the worker: the session is then held
 * for the statements' own time, not for round trips between two threads.
 */
import { Worker } from 'node:worker_threads';
import { HelplineError } from '../errors.ts';
import { installCacheDir } from '../util/install-cache.ts';
import { type Database, type Prioritized, type Queryable, TransactionScope } from './database.ts';
import type { Procedure, RunsProcedures } from './procedure.ts';

export interface Request {
  id: number;
  op: 'query' | 'exec' | 'begin' | 'commit' | 'rollback' | 'procedure' | 'close';
  sql?: string;
  params?: unknown[];
  /** A procedure's module URL, export name and arguments (procedure.ts). */
  module?: string;
  name?: string;
  args?: unknown;
  tx?: number;
  /** Goes before waiting calls that are not urgent (the ack path). */
  urgent?: boolean;
}

export interface Reply {
  id: number;
  result?: unknown;
  error?: { name: string; message: string; stack?: string; props: Record<string, unknown> };
}

export interface PgliteThreadOptions {
  /** The data folder's `pg` parent (HELPLINE_DATA), as openDatabase takes it. */
  dataDir: string;
  /** Schema to work in (tests). @defaultValue public */
  schema?: string;
  /** @defaultValue true */
  migrate?: boolean;
}

/** Starts the worker and resolves once its database is open and migrated. */
export async function openPgliteThread(options: PgliteThreadOptions): Promise<PgliteThreadDatabase> {
  // A thread starts without the process's compile cache (bin/helpline.js); without it, stripping
  // the worker's TypeScript would load Node's WebAssembly type stripper in this thread too.
  const cache = installCacheDir('compile');
  const boot = `${cache ? `require('node:module').enableCompileCache?.(${JSON.stringify(cache)});` : ''}
    import(${JSON.stringify(new URL('./pglite-worker.ts', import.meta.url).href)});`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { dataDir: options.dataDir, schema: options.schema, migrate: options.migrate },
  });
  const db = new PgliteThreadDatabase(worker);
  await db.opened;
  return db;
}

export class PgliteThreadDatabase implements Database, Prioritized, RunsProcedures {
  readonly kind = 'pglite' as const;
  readonly opened: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  readonly #scope = new TransactionScope();
  #nextId = 1;
  #closed = false;
  #exited: Error | undefined;

  constructor(worker: Worker) {
    this.#worker = worker;
    this.opened = new Promise((resolve, reject) => {
      this.#pending.set(0, { resolve: () => resolve(), reject });
    });
    worker.on('message', (reply: Reply) => {
      const call = this.#pending.get(reply.id);
      if (!call) return;
      this.#pending.delete(reply.id);
      if (reply.error) call.reject(revive(reply.error));
      else call.resolve(reply.result);
    });
    const gone = (err: Error) => {
      this.#exited = err;
      for (const call of this.#pending.values()) call.reject(err);
      this.#pending.clear();
    };
    worker.on('error', (err) => gone(unavailable(err.message, err)));
    worker.on('exit', (code) => gone(unavailable(`its thread exited (code ${code})`)));
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[], urgent = false): Promise<T[]> {
    return this.#outside(() => this.#call({ op: 'query', sql, params, urgent }) as Promise<T[]>);
  }

  exec(sql: string, urgent = false): Promise<void> {
    return this.#outside(() => this.#call({ op: 'exec', sql, urgent }) as Promise<void>);
  }

  /** The same database, whose calls go before waiting calls that are not urgent. */
  urgent(): Database {
    return {
      kind: this.kind,
      query: (sql, params) => this.query(sql, params, true),
      exec: (sql) => this.exec(sql, true),
      transaction: (fn) => this.transaction(fn, true),
      // A view owns nothing: the database itself is closed by its owner.
      close: async () => {},
    };
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, urgent = false): Promise<T> {
    const txId = await this.#outside(() => this.#call({ op: 'begin', urgent }) as Promise<number>);
    const tx: Queryable = {
      query: <R>(sql: string, params?: unknown[]) =>
        this.#call({ op: 'query', sql, params, tx: txId }) as Promise<R[]>,
      exec: async (sql: string) => {
        await this.#call({ op: 'exec', sql, tx: txId });
      },
    };
    let result: T;
    try {
      result = await this.#scope.run(() => fn(tx));
    } catch (err) {
      await this.#call({ op: 'rollback', tx: txId }).catch(() => {});
      throw err;
    }
    await this.#call({ op: 'commit', tx: txId });
    return result;
  }

  /** The whole transaction in the worker: one message each way, however many statements. */
  procedure<A, R>(p: Procedure<A, R>, args: A): Promise<R> {
    return this.#outside(
      () => this.#call({ op: 'procedure', module: p.module, name: p.name, args }) as Promise<R>,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#exited) await this.#call({ op: 'close' }, true).catch(() => {});
    await this.#worker.terminate();
  }

  #outside<T>(work: () => Promise<T>): Promise<T> {
    try {
      this.#scope.assertOutside();
    } catch (err) {
      return Promise.reject(err);
    }
    return work();
  }

  #call(req: Omit<Request, 'id'>, closing = false): Promise<unknown> {
    if (this.#exited) return Promise.reject(this.#exited);
    if (this.#closed && !closing) {
      return Promise.reject(new HelplineError('DB_UNAVAILABLE', 'The embedded database is closed.'));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...req, id } satisfies Request);
    });
  }
}

/** The worker's error as the caller would have seen it in-process: HelplineError codes and SQLSTATEs kept. */
function revive(e: NonNullable<Reply['error']>): Error {
  const props = { ...e.props };
  let err: Error;
  if (e.name === 'HelplineError' && typeof props.code === 'string') {
    err = new HelplineError(props.code as never, e.message, { details: props.details as never });
  } else {
    err = new Error(e.message);
    err.name = e.name;
  }
  Object.assign(err, props);
  if (e.stack) err.stack = e.stack;
  return err;
}

function unavailable(reason: string, cause?: unknown): HelplineError {
  return new HelplineError(
    'DB_UNAVAILABLE',
    `The embedded database stopped: ${reason}. Restart Helpline; check the data folder (HELPLINE_DATA) if it happens again.`,
    { cause },
  );
}
