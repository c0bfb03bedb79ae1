/**
 * Once before the suite: the install's caches for the sample KB (its snapshot and the vectors for
 * search by meaning, open-kb.ts), so no test pays for encoding the sample KB while others run.
 * A no-op once they exist.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { openKnowledgeBase } from '../../src/knowledge/open-kb.ts';

export default async function setup(): Promise<void> {
  const data = mkdtempSync(path.join(os.tmpdir(), 'helpline-warm-'));
  try {
    await openKnowledgeBase(loadConfig({ overrides: { 'data.dir': data } }));
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}
