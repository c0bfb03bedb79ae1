/**
 * Commands that work on the database (`token`, `login-link`, `backup`, `restore`): through the
 * server that owns the data folder when one runs (its admin socket), else on the database itself.
 * On the embedded database the command holds the data folder meanwhile (src/server/data-folder.ts),
 * so a `helpline serve` started in that moment refuses instead of opening PGlite beside it.
 */
import type { Config } from '../config/schema.ts';
import { isHelplineError } from '../errors.ts';

/** Runs `direct` holding the data folder when the database is the embedded one. */
export async function withDataFolder<T>(
  config: Config,
  command: string,
  direct: () => Promise<T>,
  hint?: string,
): Promise<T> {
  if (config.database.url) return direct(); // PostgreSQL takes many clients
  const [{ claimDataFolder }, { createLogger }] = await Promise.all([
    import('../server/data-folder.ts'),
    import('../ops/logger.ts'),
  ]);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const folder = await claimDataFolder(config, { command, serving: false, hint, logger });
  try {
    return await direct();
  } finally {
    await folder?.close();
  }
}

/** `viaServer` (undefined: no server runs there), else `direct` holding the folder. */
export async function serverOrDatabase<T>(
  config: Config,
  command: string,
  viaServer: () => Promise<T | undefined>,
  direct: () => Promise<T>,
): Promise<T> {
  const answered = await viaServer();
  if (answered !== undefined) return answered;
  try {
    return await withDataFolder(config, command, direct);
  } catch (err) {
    // A server that started in between answers now; anyone else's refusal stands.
    if (!isHelplineError(err, 'DATA_DIR_IN_USE')) throw err;
    const late = await viaServer();
    if (late === undefined) throw err;
    return late;
  }
}
