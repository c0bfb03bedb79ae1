/**
 * A new embedded database is a copy of a template, not a fresh `initdb`: PGlite's initdb plus our
 * migrations take 5–8 s on the reference machine, copying the result ~0.1 s. The template is made
 * once per PGlite version and set of migrations (their checksums name it) in the install's cache
 * (`node_modules/.cache/helpline/`), so every new data folder after the first start is quick.
 * Nothing is shared between data folders after the copy; a migration added later is applied to the
 * copy as to any database. If the cache cannot be written, the database is made in place as before.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { installCacheDir, NODE_MODULES } from '../util/install-cache.ts';
import { checksum, loadMigrations, migrate } from './migrate.ts';
import { openPglite, startPgliteEngine } from './pglite.ts';

/** The folder templates live in: the project's `node_modules/.cache/helpline`. */
export function templateCacheDir(): string | undefined {
  return installCacheDir();
}

/** Template folder for this PGlite and these migrations. */
async function templateDir(cacheDir: string): Promise<string> {
  const pkg = join(NODE_MODULES, '@electric-sql', 'pglite', 'package.json');
  const { version } = JSON.parse(await readFile(pkg, 'utf8')) as { version: string };
  const migrations = await loadMigrations();
  const key = checksum(`${version}\n${migrations.map((m) => `${m.name}:${m.checksum}`).join('\n')}`);
  return join(cacheDir, `pglite-${version}-${key.slice(0, 12)}`);
}

/**
 * Seeds `pgDir` (which has no database yet) from the template, making the template first when
 * there is none. Returns false when it could not (the caller then lets PGlite run initdb there).
 */
export async function seedFromTemplate(pgDir: string, cacheDir = templateCacheDir()): Promise<boolean> {
  if (!cacheDir) return false;
  try {
    const template = await templateDir(cacheDir);
    if (!existsSync(join(template, 'PG_VERSION'))) await makeTemplate(template);
    await mkdir(dirname(pgDir), { recursive: true });
    await cp(template, pgDir, { recursive: true, errorOnExist: false });
    return true;
  } catch {
    // A read-only install or a full disk: initdb in place still works, only slower.
    await rm(pgDir, { recursive: true, force: true }).catch(() => {});
    return false;
  }
}

/** initdb and every migration in a private folder, closed cleanly, then renamed into place. */
async function makeTemplate(template: string): Promise<void> {
  const building = `${template}.${process.pid}.tmp`;
  await rm(building, { recursive: true, force: true });
  const engine = await startPgliteEngine(building);
  const db = await openPglite({ engine });
  try {
    await migrate(db);
  } finally {
    await db.close();
    await engine.close();
  }
  try {
    await rename(building, template);
  } catch (err) {
    // Another process made it first: theirs is as good as ours.
    await rm(building, { recursive: true, force: true });
    if (!existsSync(join(template, 'PG_VERSION'))) throw err;
  }
}
