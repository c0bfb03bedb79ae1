/**
 * Embedded Database: PGlite (PostgreSQL compiled to WebAssembly) in this process, on disk under a
 * data folder or in memory. PGlite is a single connection, so every call — query or whole
 * transaction — takes its turn through one queue per engine.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { HelplineError } from '../errors.ts';
import {
  assertSchemaName,
  type Database,
  type Queryable,
  TransactionScope,
  timestampToIso,
} from './database.ts';

const TIMESTAMPTZ = 1184;
// PGlite already returns int8 as a number when it fits, like our pg configuration.
const PARSERS = { [TIMESTAMPTZ]: timestampToIso };

/**
 * PostgreSQL's default 128 MB of shared buffers is made for a server shared by many sessions;
 * PGlite has one session and a small database, and zeroing the buffers was half of its start
 * (0.83 s → 0.45 s measured) and a large part of its resident memory.
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB'];

export interface PgliteOptions {
  /** Folder for the database files; in memory when undefined. Created when missing. */
  dataDir?: string;
  /**
   * Schema to work in (created when missing, then first on the search_path). Lets tests give each
   * case a fresh schema inside one engine instead of paying for a new engine.
   * @defaultValue the engine's default (public)
   */
  schema?: string;
  /**
   * An engine to share instead of starting one (tests). It is not closed by `close()`; several
   * PgliteDatabase objects over one engine take turns, each with its own search_path.
   */
  engine?: PGlite;
}

interface EngineState {
  /** Tail of the queue: each call chains onto it. */
  tail: Promise<unknown>;
  /** search_path currently set on the engine's one session. */
  searchPath: string | undefined;
  scope: TransactionScope;
}

const engines = new WeakMap<PGlite, EngineState>();

function stateOf(engine: PGlite): EngineState {
  let state = engines.get(engine);
  if (!state) {
    state = { tail: Promise.resolve(), searchPath: undefined, scope: new TransactionScope() };
    engines.set(engine, state);
  }
  return state;
}

/** Starts an engine with our type parsers. Opening failures become DB_UNAVAILABLE. */
export async function startPgliteEngine(dataDir?: string): Promise<PGlite> {
  try {
    if (dataDir) await mkdir(dataDir, { recursive: true });
    // Only an existing database gets the smaller buffers: PGlite passes start parameters on to
    // initdb too, which then takes twice as long.
    const existing = dataDir !== undefined && existsSync(join(dataDir, 'PG_VERSION'));
    const engine = await PGlite.create(dataDir, {
      parsers: PARSERS,
      ...(existing ? { startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] } : {}),
    });
    await engine.query('SELECT 1');
    return engine;
  } catch (err) {
    const where = dataDir ? `at ${dataDir}` : 'in memory';
    throw new HelplineError(
      'DB_UNAVAILABLE',
      `Cannot open the embedded database ${where}: ${(err as Error).message}. ` +
        (dataDir
          ? 'Check that the folder is writable, has free space, and is not used by another Helpline process (HELPLINE_DATA sets it).'
          : 'Check free memory.'),
      { cause: err },
    );
  }
}

export async function openPglite(options: PgliteOptions = {}): Promise<PgliteDatabase> {
  const engine = options.engine ?? (await startPgliteEngine(options.dataDir));
  const db = new PgliteDatabase(engine, options.schema, !options.engine);
  if (options.schema) {
    assertSchemaName(options.schema);
    // IF NOT EXISTS: a reopened data folder already has it.
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
  }
  return db;
}

export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly #engine: PGlite;
  readonly #state: EngineState;
  readonly #searchPath: string | undefined;
  readonly #ownsEngine: boolean;
  #closed = false;

  constructor(engine: PGlite, schema: string | undefined, ownsEngine: boolean) {
    if (schema) assertSchemaName(schema);
    this.#engine = engine;
    this.#state = stateOf(engine);
    this.#searchPath = schema;
    this.#ownsEngine = ownsEngine;
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.#turn(async () => (await this.#engine.query<T>(sql, params, { parsers: PARSERS })).rows);
  }

  exec(sql: string): Promise<void> {
    return this.#turn(async () => {
      await this.#engine.exec(sql, { parsers: PARSERS });
    });
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#turn(() =>
      this.#engine.transaction((inner) => {
        const tx: Queryable = {
          query: async <R>(sql: string, params?: unknown[]) =>
            (await inner.query<R>(sql, params, { parsers: PARSERS })).rows,
          exec: async (sql: string) => {
            await inner.exec(sql, { parsers: PARSERS });
          },
        };
        return this.#state.scope.run(() => fn(tx));
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Let queued work finish, then stop taking more.
    await this.#turn(async () => {});
    this.#closed = true;
    if (this.#ownsEngine) await this.#engine.close();
  }

  /** Waits for the engine's earlier calls, sets this database's search_path, runs `work`. */
  #turn<T>(work: () => Promise<T>): Promise<T> {
    try {
      this.#state.scope.assertOutside();
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#closed) {
      return Promise.reject(new HelplineError('DB_UNAVAILABLE', 'The embedded database is closed.'));
    }
    const state = this.#state;
    const run = async () => {
      // PGlite answers through microtasks: without a macrotask break, a backlog of queries never
      // lets the event loop read sockets (acks starve behind jobs).
      await new Promise<void>((resolve) => setImmediate(resolve));
      const wanted = this.#searchPath ?? 'public';
      if (state.searchPath !== wanted) {
        await this.#engine.exec(`SET search_path TO ${wanted}`);
        state.searchPath = wanted;
      }
      return work();
    };
    const result = state.tail.then(run, run);
    state.tail = result.catch(() => {});
    return result;
  }
}
