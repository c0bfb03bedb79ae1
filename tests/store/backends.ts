/**
 * Runs one suite on every Database implementation: PGlite (in memory) and a real PostgreSQL.
 * Each `fresh()` database is a new, empty schema (migrated unless asked not to), dropped after the
 * test, so files and parallel runs never see each other's rows. PGlite shares one engine per file
 * (starting one takes seconds); PostgreSQL gets a pool per database.
 *
 * PostgreSQL comes from HELPLINE_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test.
 * When it is unreachable the PostgreSQL suites are skipped locally, and FAIL when CI is set.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { Database } from '../../src/store/database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPglite, startPgliteEngine } from '../../src/store/pglite.ts';
import { openPgliteThread } from '../../src/store/pglite-thread.ts';
import { openPostgres } from '../../src/store/postgres.ts';

export const TEST_DATABASE_URL =
  process.env.HELPLINE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BackendContext {
  kind: 'pglite' | 'postgres';
  /** Which implementation of that kind: in this thread, in a worker thread, or a pg pool. */
  variant?: 'thread';
  /** A database in a new empty schema, migrated unless `migrate: false`; dropped after the test. */
  fresh(options?: { migrate?: boolean }): Promise<Database>;
  /** Another Database on the same schema as `db`: a second process (PostgreSQL: its own pool). */
  sibling(db: Database): Promise<Database>;
}

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

const postgresProblem = await probePostgres();
export const postgresAvailable = postgresProblem === undefined;

let counter = 0;
const schemaName = () =>
  `helpline_test_${process.pid}_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

function pgliteContext(): BackendContext {
  let engine: Promise<PGlite> | undefined;
  const schemas = new Map<Database, string>();
  afterEach(async () => {
    for (const [db, schema] of schemas) {
      await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await db.close();
    }
    schemas.clear();
  });
  // Starting the WebAssembly engine takes seconds on a busy machine: do it once, outside the tests.
  beforeAll(async () => {
    engine = startPgliteEngine();
    await engine;
  }, 120_000);
  afterAll(async () => {
    if (engine) await (await engine).close();
  }, 60_000);
  const open = async (schema: string) => {
    engine ??= startPgliteEngine();
    const db = await openPglite({ engine: await engine, schema });
    schemas.set(db, schema);
    return db;
  };
  return {
    kind: 'pglite',
    async fresh(options = {}) {
      const db = await open(schemaName());
      if (options.migrate !== false) await migrate(db);
      return db;
    },
    sibling: (db) => open(schemas.get(db)!),
  };
}

function postgresContext(): BackendContext {
  const schemas = new Map<Database, string>();
  afterEach(async () => {
    if (schemas.size === 0) return;
    const dropped = new Set<string>();
    for (const db of schemas.keys()) await db.close();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      for (const schema of schemas.values()) {
        if (dropped.has(schema)) continue;
        dropped.add(schema);
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      }
    } finally {
      await admin.end();
    }
    schemas.clear();
  });
  const open = async (schema: string) => {
    if (postgresProblem) {
      throw new Error(
        `PostgreSQL is required (CI is set) but unreachable at ${TEST_DATABASE_URL}: ${postgresProblem}`,
      );
    }
    const db = await openPostgres({ url: TEST_DATABASE_URL, schema });
    schemas.set(db, schema);
    return db;
  };
  return {
    kind: 'postgres',
    async fresh(options = {}) {
      const db = await open(schemaName());
      if (options.migrate !== false) await migrate(db);
      return db;
    },
    sibling: (db) => open(schemas.get(db)!),
  };
}

/**
 * PGlite in a worker thread (what `helpline serve` runs): each `fresh()` is its own thread on its
 * own data folder (a folder has one engine), so it is slower and has no siblings.
 */
function pgliteThreadContext(): BackendContext {
  const opened: { db: Database; dir: string }[] = [];
  afterEach(async () => {
    for (const { db, dir } of opened.splice(0)) {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  return {
    kind: 'pglite',
    variant: 'thread',
    async fresh(options = {}) {
      const dir = await mkdtemp(join(tmpdir(), 'helpline-thread-'));
      const db = await openPgliteThread({ dataDir: dir, schema: schemaName(), migrate: options.migrate });
      opened.push({ db, dir });
      return db;
    },
    sibling: () => Promise.reject(new Error('PGlite in a worker thread owns its folder: no siblings')),
  };
}

/**
 * `describe(title [backend])` once per Database implementation, with its context. `thread` adds
 * PGlite in a worker thread (the contract suite runs it; the rest trust that contract).
 */
export function eachBackend(
  title: string,
  body: (ctx: BackendContext) => void,
  options: { thread?: boolean } = {},
): void {
  describe(`${title} [pglite]`, () => body(pgliteContext()));
  if (options.thread) describe(`${title} [pglite in a worker thread]`, () => body(pgliteThreadContext()));
  onPostgres(title, body);
}

/** `describe(title [postgres])` only: what PostgreSQL alone has (LISTEN/NOTIFY, several pools). */
export function onPostgres(title: string, body: (ctx: BackendContext) => void): void {
  const skip = postgresProblem !== undefined && !process.env.CI;
  const suffix = skip
    ? ` — skipped: PostgreSQL unreachable at ${TEST_DATABASE_URL} (${postgresProblem}); CI makes this fail`
    : '';
  describe.skipIf(skip)(`${title} [postgres]${suffix}`, () => body(postgresContext()));
}
