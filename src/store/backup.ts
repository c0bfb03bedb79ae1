/**
 * Backup and restore of all durable state (DESIGN §6 `helpline backup` / `helpline restore`): a
 * logical dump of every table of the schema — tickets, ticket_events, sla_clocks, conversations,
 * messages, feedback, deliveries, sessions, api_tokens, … — and of its sequences, from the embedded
 * database or PostgreSQL alike (one SQL dialect), restorable into either.
 *
 * Consistent while running: the whole dump is one REPEATABLE READ, READ ONLY transaction, so every
 * table is read from the same snapshot while the service keeps writing (on PGlite the transaction
 * holds the one connection, which is consistent by construction).
 *
 * The file is text, one line each: a `#`-prefixed JSON header (format, source, the applied
 * migrations), then per table a `#{"table":…}` line and one line per row — the row as PostgreSQL's
 * `to_jsonb` writes it (UTC timestamps), in primary-key order — and a `#{"end":…}` footer with each
 * table's row count and the sha256 of its row lines, and the sequences' positions. Tables come in
 * foreign-key order, so a restore inserts them as they come.
 *
 * Restore takes an empty database on the same migrations (a newer or older schema is refused:
 * restore with the version that made the backup, then upgrade), loads everything in one
 * transaction (`jsonb_populate_recordset`, so PostgreSQL converts each value to its column type),
 * sets the sequences, and before committing reads the tables back and compares counts and
 * checksums with the footer: a restore that does not reproduce the backup exactly is rolled back.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { HelplineError } from '../errors.ts';
import type { Database, Queryable } from './database.ts';

export const BACKUP_FORMAT = 'helpline-backup';
export const BACKUP_VERSION = 1;
const PAGE = 5000;
const BATCH = 1000;

export interface TableSummary {
  rows: number;
  /** sha256 of the table's row lines (each `to_jsonb(row)::text` and a newline), in key order. */
  sha256: string;
}

export interface BackupSummary {
  file: string;
  source: Database['kind'];
  createdAt: string;
  tables: Record<string, TableSummary>;
  sequences: Record<string, { value: number | string | null; called: boolean }>;
}

interface Header {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  source: Database['kind'];
  migrations: { version: number; checksum: string }[];
}

interface Footer {
  end: { tables: Record<string, TableSummary>; sequences: BackupSummary['sequences'] };
}

/** Writes the backup to `file` (through `file.partial`, renamed when complete). */
export async function writeBackup(db: Database, file: string): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const write = (line: string) =>
    new Promise<void>((resolve, reject) => out.write(`${line}\n`, (err) => (err ? reject(err) : resolve())));
  const createdAt = new Date().toISOString();
  try {
    const footer = await db.transaction(async (tx) => {
      await snapshot(tx, true);
      const header: Header = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt,
        source: db.kind,
        migrations: await migrations(tx),
      };
      await write(`#${JSON.stringify(header)}`);
      const tables: Record<string, TableSummary> = {};
      for (const table of await tablesInOrder(tx)) {
        await write(`#${JSON.stringify({ table })}`);
        tables[table] = await eachRow(tx, table, write);
      }
      const end: Footer = { end: { tables, sequences: await sequences(tx) } };
      await write(`#${JSON.stringify(end)}`);
      return end.end;
    });
    out.end();
    await finished(out);
    renameSync(partial, file);
    return { file, source: db.kind, createdAt, ...footer };
  } catch (err) {
    out.destroy();
    rmSync(partial, { force: true });
    throw err;
  }
}

/** Row counts and checksums of every table now, as a backup of it would record them. */
export async function tableChecksums(db: Database): Promise<Record<string, TableSummary>> {
  return db.transaction(async (tx) => {
    await snapshot(tx, true);
    return checksumsIn(tx);
  });
}

export interface RestoreSummary {
  file: string;
  createdAt: string;
  source: Database['kind'];
  tables: Record<string, TableSummary>;
}

/** Loads `file` into `db`, which must be migrated to the same version and empty. */
export async function restoreBackup(db: Database, file: string): Promise<RestoreSummary> {
  // The iterator is taken at once: readline drops lines emitted before anyone iterates.
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const bad = (why: string) =>
    new HelplineError('BAD_REQUEST', `${file} is not a usable Helpline backup: ${why}.`);
  try {
    return await db.transaction(async (tx) => {
      await snapshot(tx, false);
      let header: Header | undefined;
      let footer: Footer['end'] | undefined;
      let table: string | undefined;
      let selfReferencing = false;
      let batch: string[] = [];
      const read: Record<string, TableSummary> = {};
      let hash = createHash('sha256');
      let known = new Set<string>();
      const flush = async () => {
        if (!table || batch.length === 0) return;
        await tx.query(
          `INSERT INTO ${ident(table)} OVERRIDING SYSTEM VALUE
           SELECT * FROM jsonb_populate_recordset(NULL::${ident(table)}, $1::jsonb)`,
          [`[${batch.join(',')}]`],
        );
        batch = [];
      };
      const close = async () => {
        await flush();
        if (table) read[table].sha256 = hash.digest('hex');
      };
      for await (const line of { [Symbol.asyncIterator]: () => iterator }) {
        if (line === '') continue;
        if (!header) {
          header = parseMarker<Header>(line);
          if (header?.format !== BACKUP_FORMAT) throw bad('it does not start with a backup header');
          if (header.version !== BACKUP_VERSION)
            throw bad(`format version ${header.version}, this Helpline reads ${BACKUP_VERSION}`);
          await assertRestorable(tx, header, file);
          known = new Set(await tablesInOrder(tx));
          continue;
        }
        if (footer) throw bad('it has lines after its end');
        if (line.startsWith('#')) {
          const marker = parseMarker<{ table?: string } & Partial<Footer>>(line);
          if (marker?.end) {
            await close();
            footer = marker.end;
          } else if (typeof marker?.table === 'string') {
            await close();
            table = marker.table;
            if (!known.has(table)) throw bad(`table "${table}" does not exist in this database`);
            selfReferencing = await referencesItself(tx, table);
            read[table] = { rows: 0, sha256: '' };
            hash = createHash('sha256');
          } else throw bad('it has an unreadable section line');
          continue;
        }
        if (!table) throw bad('a row comes before any table');
        read[table].rows += 1;
        hash.update(`${line}\n`);
        batch.push(line);
        // A table that references itself goes in one statement: its keys are checked at the end of it.
        if (!selfReferencing && batch.length >= BATCH) await flush();
      }
      if (!header) throw bad('it is empty');
      if (!footer) throw bad('it is cut short (no end line): the backup did not finish or was truncated');
      for (const [name, want] of Object.entries(footer.tables)) {
        const got = read[name];
        if (!got || got.rows !== want.rows || got.sha256 !== want.sha256)
          throw bad(`table ${name} does not match its recorded checksum (the file was changed or damaged)`);
      }
      for (const [name, s] of Object.entries(footer.sequences)) {
        if (s.value === null) continue;
        await tx.query('SELECT setval($1::regclass, $2::bigint, $3)', [
          ident(name),
          String(s.value),
          s.called,
        ]);
      }
      // Read back before committing: the database must now hold exactly what was backed up.
      const now = await checksumsIn(tx);
      for (const [name, want] of Object.entries(footer.tables)) {
        if (now[name]?.rows !== want.rows || now[name]?.sha256 !== want.sha256) {
          throw new HelplineError(
            'INTERNAL',
            `Restoring ${file}: table ${name} reads back differently from the backup (${now[name]?.rows} rows, ${want.rows} expected); nothing was restored.`,
          );
        }
      }
      return { file, createdAt: header.createdAt, source: header.source, tables: footer.tables };
    });
  } finally {
    lines.close();
  }
}

/** The transaction's settings: one snapshot for the dump, UTC in `to_jsonb` text either way. */
async function snapshot(tx: Queryable, readOnly: boolean): Promise<void> {
  await tx.query(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ${readOnly ? ', READ ONLY' : ''}`);
  await tx.query("SET LOCAL TimeZone = 'UTC'");
}

async function migrations(tx: Queryable): Promise<Header['migrations']> {
  return tx.query('SELECT version, checksum FROM schema_migrations ORDER BY version');
}

async function assertRestorable(tx: Queryable, header: Header, file: string): Promise<void> {
  const here = await migrations(tx);
  const same =
    here.length === header.migrations.length &&
    here.every(
      (m, i) => m.version === header.migrations[i].version && m.checksum === header.migrations[i].checksum,
    );
  if (!same) {
    const v = (list: Header['migrations']) => list.at(-1)?.version ?? 0;
    throw new HelplineError(
      'USAGE',
      `${file} was made at schema version ${v(header.migrations)}; this database is at ${v(here)}. Restore with the Helpline version that made the backup, then upgrade.`,
    );
  }
  for (const table of await tablesInOrder(tx)) {
    const [row] = await tx.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${ident(table)}) AS any`);
    if (row?.any) {
      throw new HelplineError(
        'USAGE',
        `The database already holds data (table ${table} is not empty). Restore into a new, empty database: a fresh DATABASE_URL, or an empty HELPLINE_DATA folder.`,
      );
    }
  }
}

/** The schema's tables (not the migrations record), each after the tables it references. */
async function tablesInOrder(tx: Queryable): Promise<string[]> {
  const tables = (
    await tx.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables
        WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' ORDER BY tablename`,
    )
  ).map((r) => r.name);
  const edges = await tx.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.relname <> p.relname`,
  );
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (ordered.includes(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const e of edges) if (e.child === t) visit(e.parent);
    ordered.push(t);
  };
  for (const t of tables) visit(t);
  return ordered;
}

async function referencesItself(tx: Queryable, table: string): Promise<boolean> {
  const rows = await tx.query(
    `SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND k.conrelid = k.confrelid AND n.nspname = current_schema() AND c.relname = $1`,
    [table],
  );
  return rows.length > 0;
}

/** The ORDER BY of a table's rows: its primary key, else the whole row's text. */
async function keyOrder(tx: Queryable, table: string): Promise<string> {
  const cols = await tx.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE i.indisprimary AND n.nspname = current_schema() AND c.relname = $1
      ORDER BY k.ord`,
    [table],
  );
  return cols.length ? cols.map((c) => `t.${ident(c.name)}`).join(', ') : 'to_jsonb(t)::text';
}

async function eachRow(
  tx: Queryable,
  table: string,
  onRow: (line: string) => Promise<void> | void,
): Promise<TableSummary> {
  const order = await keyOrder(tx, table);
  const hash = createHash('sha256');
  let rows = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await tx.query<{ r: string }>(
      `SELECT to_jsonb(t)::text AS r FROM ${ident(table)} t ORDER BY ${order} LIMIT ${PAGE} OFFSET ${offset}`,
    );
    for (const { r } of page) {
      hash.update(`${r}\n`);
      await onRow(r);
    }
    rows += page.length;
    if (page.length < PAGE) break;
  }
  return { rows, sha256: hash.digest('hex') };
}

async function checksumsIn(tx: Queryable): Promise<Record<string, TableSummary>> {
  const out: Record<string, TableSummary> = {};
  for (const table of await tablesInOrder(tx)) out[table] = await eachRow(tx, table, () => {});
  return out;
}

async function sequences(tx: Queryable): Promise<BackupSummary['sequences']> {
  const names = await tx.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND n.nspname = current_schema() ORDER BY c.relname`,
  );
  const out: BackupSummary['sequences'] = {};
  for (const { name } of names) {
    const [row] = await tx.query<{ last_value: number | string; is_called: boolean }>(
      `SELECT last_value, is_called FROM ${ident(name)}`,
    );
    out[name] = { value: row?.last_value ?? null, called: row?.is_called ?? false };
  }
  return out;
}

function parseMarker<T>(line: string): T | undefined {
  if (!line.startsWith('#')) return undefined;
  try {
    return JSON.parse(line.slice(1)) as T;
  } catch {
    return undefined;
  }
}

/** A table or sequence name as an SQL identifier (names come from the catalog, quoted anyway). */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
