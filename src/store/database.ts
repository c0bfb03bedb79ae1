/**
 * The database seam. Two implementations speak the same SQL (PostgreSQL's, the subset PGlite also
 * runs): `pglite.ts` (embedded, the default) and `postgres.ts` (a pg.Pool, when DATABASE_URL is set).
 * Both return rows with the same JavaScript types, so callers never branch on `kind`:
 * - timestamptz → ISO 8601 string ("2025-01-02T03:04:05.000Z")
 * - bigint (int8, count(*)) → number (values beyond 2^53 stay strings on pg, bigint on PGlite)
 * - json/jsonb → parsed value; pass jsonb parameters through `jsonParam()` and cast with `::jsonb`
 *   (pg would turn a JS array into a PostgreSQL array literal otherwise)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { HelplineError } from '../errors.ts';

export interface Queryable {
  /** One statement, with `$1`-style parameters; resolves to the returned rows (empty when none). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several `;`-separated statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws
   * (the error is rethrown). Inside `fn` use `tx`, never the Database itself: calling the Database
   * from inside its own transaction throws INTERNAL, because on PGlite (one connection) it would
   * wait for the transaction forever and on PostgreSQL it would run outside the transaction.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Releases connections (or the embedded engine). Further calls fail. */
  close(): Promise<void>;
}

/**
 * A database whose calls can jump its queue: the embedded one in a worker thread is one session,
 * and an ack should not wait behind a backlog of turns. PostgreSQL has a pool and needs none.
 */
export interface Prioritized {
  urgent(): Database;
}

/** `db`'s urgent view when it has one, else `db` itself. */
export function urgentView(db: Database): Database {
  return 'urgent' in db && typeof db.urgent === 'function' ? (db as Database & Prioritized).urgent() : db;
}

/** jsonb parameter: serialized here so pg and PGlite receive the same text. `undefined` → SQL NULL. */
export function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** timestamptz text → ISO string; values JavaScript cannot represent (infinity) pass through as text. */
export function timestampToIso(text: string): string {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/** Whether a schema name is safe to interpolate (it cannot be a bind parameter). */
export function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new HelplineError(
      'CONFIG_INVALID',
      `Database schema "${schema}" is not allowed; use lowercase letters, digits and underscores, starting with a letter.`,
    );
  }
}

/**
 * Tracks "this async call chain is inside transaction X" so a Database can refuse to be called from
 * inside its own transaction (see `Database.transaction`).
 */
export class TransactionScope {
  readonly #storage = new AsyncLocalStorage<{ active: boolean }>();

  /** Runs `fn` marked as inside a transaction of this scope, until `fn` settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A token that goes inactive when fn settles: work that fn started but did not await (a
    // callback firing later) must not be refused once the transaction is over.
    const token = { active: true };
    try {
      return await this.#storage.run(token, fn);
    } finally {
      token.active = false;
    }
  }

  assertOutside(): void {
    if (this.#storage.getStore()?.active) {
      throw new HelplineError(
        'INTERNAL',
        'The database was called from inside one of its own transactions; use the `tx` argument of transaction() instead.',
      );
    }
  }
}
