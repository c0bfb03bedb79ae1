/**
 * PostgreSQL Database: a pg.Pool from a URL. Transactions take one pooled client for
 * BEGIN … COMMIT/ROLLBACK, so concurrent transactions really run concurrently.
 */
import pg from 'pg';
import { HelplineError } from '../errors.ts';
import { maskUrl } from '../util/mask-url.ts';
import {
  assertSchemaName,
  type Database,
  type Queryable,
  TransactionScope,
  timestampToIso,
} from './database.ts';

const INT8 = 20;
const TIMESTAMPTZ = 1184;

// Per pool, not pg.types.setTypeParser: other code in the process may use pg with its defaults.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8) {
      return (text: string) => {
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : text;
      };
    }
    if (oid === TIMESTAMPTZ) return timestampToIso;
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /**
   * Schema to work in: created when missing and set as the search_path of every connection.
   * @defaultValue the server's default search_path (normally public)
   */
  schema?: string;
  /** @defaultValue 10 */
  maxConnections?: number;
  /** How long to wait for a connection before failing with DB_UNAVAILABLE. @defaultValue 5000 */
  connectTimeoutMs?: number;
  /** Called when an idle pooled connection fails (server restart); the pool replaces it. */
  onIdleError?: (err: Error) => void;
}

/** Opens a pool and checks that the server answers; failures become DB_UNAVAILABLE. */
export async function openPostgres(options: PostgresOptions): Promise<PostgresDatabase> {
  if (options.schema) assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // Set at connection start-up, so no query can ever run on a connection without it.
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    types,
  });
  // Without a listener an idle client's error would crash the process.
  pool.on('error', (err) => options.onIdleError?.(err));
  const db = new PostgresDatabase(pool, options.url);
  try {
    await pool.query('SELECT 1');
    if (options.schema) await createSchema(pool, options.schema);
  } catch (err) {
    await pool.end().catch(() => {});
    throw unavailable(options.url, err);
  }
  return db;
}

async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (err) {
    // Two processes creating it at once: one of them gets unique_violation; the schema exists.
    if ((err as { code?: string }).code !== '23505') throw err;
  }
}

export interface ListenHandlers {
  /** A notification's payload (text, at most 8000 bytes). */
  onNotification(payload: string): void;
  /** The connection listens (first time and after every reconnection). */
  onListening?(): void;
  /** The listening connection failed or could not be opened; it is retried. */
  onError?(err: unknown): void;
}

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #scope = new TransactionScope();
  readonly #listeners = new Set<() => Promise<void>>();
  #closed = false;
  #closing?: Promise<void>;

  constructor(pool: pg.Pool, url: string) {
    this.#pool = pool;
    this.#url = url;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    this.#usable();
    try {
      return (await this.#pool.query(sql, params)).rows as T[];
    } catch (err) {
      throw this.#translate(err);
    }
  }

  async exec(sql: string): Promise<void> {
    this.#usable();
    try {
      // No parameters: pg uses the simple protocol, which accepts several statements.
      await this.#pool.query(sql);
    } catch (err) {
      throw this.#translate(err);
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#usable();
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw this.#translate(err);
    }
    const tx: Queryable = {
      query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
      exec: async (sql: string) => {
        await client.query(sql);
      },
    };
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await this.#scope.run(() => fn(tx));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        broken = rollbackErr;
      }
      throw this.#translate(err);
    } finally {
      // A client whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  /**
   * LISTEN on `channel` over one connection of the pool kept for it (notifications arrive only on
   * the connection that listens). A lost connection is replaced, with backoff, and `onListening`
   * runs after every (re)connection: notifications sent while no connection listened are lost, so
   * the caller catches up there. Stopped by the returned function (and by close()).
   */
  listen(channel: string, handlers: ListenHandlers): () => Promise<void> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new RangeError(`bad channel name "${channel}"`);
    let stopped = false;
    let client: pg.PoolClient | undefined;
    let delay = 250;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async (): Promise<void> => {
      if (stopped || this.#closed) return;
      let c: pg.PoolClient | undefined;
      try {
        c = await this.#pool.connect();
        c.on('notification', (n) => {
          if (n.channel === channel) handlers.onNotification(n.payload ?? '');
        });
        c.on('error', (err) => lost(c!, err));
        await c.query(`LISTEN ${channel}`);
        if (stopped) return c.release();
        client = c;
        delay = 250;
        handlers.onListening?.();
      } catch (err) {
        if (c) c.release(err instanceof Error ? err : new Error(String(err)));
        retry(err);
      }
    };
    const retry = (err: unknown) => {
      if (stopped || this.#closed) return;
      handlers.onError?.(err);
      timer = setTimeout(() => void connect(), delay);
      timer.unref?.();
      delay = Math.min(delay * 2, 5000);
    };
    const lost = (c: pg.PoolClient, err: Error) => {
      if (client !== c) return;
      client = undefined;
      c.release(err);
      retry(err);
    };
    void connect();
    const stop = async () => {
      stopped = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      this.#listeners.delete(stop);
      if (c) {
        await c.query(`UNLISTEN ${channel}`).catch(() => {});
        c.release();
      }
    };
    this.#listeners.add(stop);
    return stop;
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      await Promise.all([...this.#listeners].map((stop) => stop()));
      if (!this.#pool.ended) await this.#pool.end();
    })();
    return this.#closing;
  }

  #usable(): void {
    this.#scope.assertOutside();
    if (this.#closed) throw new HelplineError('DB_UNAVAILABLE', 'The PostgreSQL connection pool is closed.');
  }

  #translate(err: unknown): unknown {
    return isConnectionError(err) ? unavailable(this.#url, err) : err;
  }
}

/** Network failures and the server going away (SQLSTATE class 08, 57P0x), not SQL errors. */
function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') {
    const message = err instanceof Error ? err.message : '';
    return /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/i.test(
      message,
    );
  }
  return (
    code.startsWith('08') ||
    [
      '57P01',
      '57P02',
      '57P03',
      'ECONNREFUSED',
      'ECONNRESET',
      'ENOTFOUND',
      'EAI_AGAIN',
      'ETIMEDOUT',
      'EHOSTUNREACH',
    ].includes(code)
  );
}

function unavailable(url: string, err: unknown): HelplineError {
  if (err instanceof HelplineError) return err;
  const reason =
    err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err);
  return new HelplineError(
    'DB_UNAVAILABLE',
    `Cannot use PostgreSQL at ${maskUrl(url)}: ${reason}. ` +
      'Check that the server is running and reachable, and that DATABASE_URL has the right host, port, user, password and database.',
    { cause: err, details: { url: maskUrl(url) } },
  );
}
