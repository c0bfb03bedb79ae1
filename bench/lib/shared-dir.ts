/** `../shared` (the eval KBs and question sets) beside a checkout, or two levels up from a git worktree under wt/. */
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export const SHARED =
  [path.resolve(ROOT, '../shared'), path.resolve(ROOT, '../../shared')].find((d) =>
    existsSync(path.join(d, 'eval-kb')),
  ) ?? path.resolve(ROOT, '../shared');
