/**
 * `helpline backup --out FILE` and `helpline restore FILE` (src/store/backup.ts): every table of
 * the embedded database or of PostgreSQL. PostgreSQL is read directly (the dump is one snapshot
 * while the service runs). The embedded database belongs to the `helpline serve` running on it, so
 * the backup goes through that server's admin socket and the server writes the file; with no
 * server running the CLI opens the database itself, holding the data folder meanwhile. A restore
 * needs an empty database, so it refuses an embedded one another process is using.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../../config/schema.ts';
import { HelplineError } from '../../errors.ts';
import type { BackupSummary, TableSummary } from '../../store/backup.ts';
import { cliConfig } from '../context.ts';
import type { Io } from '../io.ts';
import { serverOrDatabase, withDataFolder } from '../server-or-database.ts';
import { type Command, HELP } from './command.ts';

const BACKUP_USAGE = `helpline backup --out FILE [--json]
  All durable state (tickets and their events and SLA clocks, conversations, messages, feedback,
  deliveries, users, sessions, tokens, …) of the database in DATABASE_URL, or of the embedded one
  under HELPLINE_DATA (through the running server when there is one). Consistent while running.`;

const RESTORE_USAGE = `helpline restore FILE [--json]
  Loads a backup into the database in DATABASE_URL, or the embedded one under HELPLINE_DATA; it
  must be new (empty). Stop \`helpline serve\` on an embedded database first.`;

async function openFor(config: Config, migrate: boolean) {
  const { openDatabase } = await import('../../store/open-database.ts');
  return openDatabase({ url: config.database.url, dataDir: resolve(config.data.dir), migrate });
}

function report(io: Io, json: boolean, verb: string, file: string, tables: Record<string, TableSummary>) {
  if (json) return;
  const rows = Object.values(tables).reduce((n, t) => n + t.rows, 0);
  const busy = Object.entries(tables).filter(([, t]) => t.rows > 0);
  io.err(`${verb} ${file}: ${rows} rows in ${Object.keys(tables).length} tables`);
  for (const [name, t] of busy)
    io.err(`  ${name.padEnd(16)} ${String(t.rows).padStart(8)}  sha256 ${t.sha256.slice(0, 12)}…`);
}

export const backup: Command = {
  usage: BACKUP_USAGE,
  options: { ...HELP, out: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const config = cliConfig({});
    if (typeof values.out !== 'string' || !values.out)
      throw new HelplineError('USAGE', `--out is required.\n\n${BACKUP_USAGE}`);
    const out = resolve(values.out);
    const { adminSocketPath, callAdminSocket } = await import('../../server/admin-socket.ts');
    const viaServer = async () =>
      config.database.url ? undefined : callAdminSocket(adminSocketPath(config.data.dir), 'backup', { out });
    const summary: BackupSummary = await serverOrDatabase(config, 'helpline backup', viaServer, async () => {
      if (!config.database.url && !existsSync(join(resolve(config.data.dir), 'pg'))) {
        throw new HelplineError(
          'NOT_FOUND',
          `There is no embedded database under ${resolve(config.data.dir)} (HELPLINE_DATA) and DATABASE_URL is not set: nothing to back up.`,
        );
      }
      const { writeBackup } = await import('../../store/backup.ts');
      const db = await openFor(config, false);
      try {
        return await writeBackup(db, out);
      } finally {
        await db.close();
      }
    });
    if (values.json) io.out(JSON.stringify(summary));
    report(io, values.json === true, 'Backed up to', summary.file, summary.tables);
    return 0;
  },
};

export const restore: Command = {
  usage: RESTORE_USAGE,
  options: { ...HELP, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const config = cliConfig({});
    const [fileArg] = positionals;
    if (!fileArg) throw new HelplineError('USAGE', `Name the backup file.\n\n${RESTORE_USAGE}`);
    const file = resolve(fileArg);
    if (!existsSync(file)) throw new HelplineError('NOT_FOUND', `${file} does not exist.`);
    // The data folder's lock is the one check: a server (or any command) on it refuses the restore.
    const hint = 'stop it, point HELPLINE_DATA at a new folder, and restore there';
    const summary = await withDataFolder(
      config,
      'helpline restore',
      async () => {
        const { restoreBackup } = await import('../../store/backup.ts');
        const db = await openFor(config, true);
        try {
          return await restoreBackup(db, file);
        } finally {
          await db.close();
        }
      },
      hint,
    );
    if (values.json) io.out(JSON.stringify(summary));
    report(io, values.json === true, 'Restored', file, summary.tables);
    if (!values.json)
      io.err('Checked: every table reads back with the row count and checksum of the backup.');
    return 0;
  },
};
