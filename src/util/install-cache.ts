/**
 * The install's cache folder, `node_modules/.cache/helpline` (where tools conventionally keep
 * caches): things derived from the install alone — the embedded database's template, the compact
 * word tables, the shipped sample KB's snapshot — made once per install, shared by every data folder. Undefined when there is
 * no node_modules beside the source (nothing is cached then; everything still works, slower).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

export function installCacheDir(...parts: string[]): string | undefined {
  return existsSync(NODE_MODULES) ? join(NODE_MODULES, '.cache', 'helpline', ...parts) : undefined;
}
