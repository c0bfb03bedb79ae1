/**
 * The KB snapshot (src/knowledge/snapshot.ts via openKnowledgeBase): a second open with unchanged
 * files loads it and searches exactly as the built KB did; a changed file is re-ingested — before
 * returning for a one-shot command, in the background for a server, which answers from the old
 * snapshot meanwhile.
 */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { openKnowledgeBase } from '../../src/knowledge/open-kb.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'helpline-snapshot-'));
  await writeFile(
    path.join(root, 'leave.md'),
    '# Leave\n\n## Annual leave\nYou get 20 days of annual leave a year. Request it in the HR portal.\n\n## Sick leave\nSick leave needs a note from a doctor after three days.',
  );
  await writeFile(path.join(root, '年假.md'), '# 年假\n\n职工连续工作1年以上的，享受带薪年休假。');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const config = () => loadConfig({ env: { HELPLINE_KB: root, HELPLINE_DATA: path.join(root, '.data') } });
const top = async (kb: { search: (q: string, k: number) => Promise<unknown> }, q: string) =>
  JSON.stringify(await kb.search(q, 3));

describe('the KB snapshot', () => {
  it('is loaded on the second open and searches exactly as the built KB', async () => {
    const first = await openKnowledgeBase(config());
    expect(first.source).toBe('built');
    const second = await openKnowledgeBase(config());
    expect(second.source).toBe('snapshot');
    expect(second.summary.passages).toBe(first.summary.passages);
    for (const q of ['how many days of annual leave', '怎么请年假', 'sick note', 'shuttle bus'])
      expect(await top(second.kb, q)).toBe(await top(first.kb, q));
    expect(second.kb.answerability()).toEqual(first.kb.answerability());
  });

  it('re-ingests a changed file before returning, for a one-shot command', async () => {
    await openKnowledgeBase(config());
    await writeFile(
      path.join(root, 'vpn.md'),
      '# VPN\n\n## Password reset\nReset your VPN password in the portal.',
    );
    const opened = await openKnowledgeBase(config());
    expect(opened.source).toBe('built');
    expect((await opened.kb.search('vpn password', 1)).results[0]?.passage.source).toBe('vpn.md');
  });

  it('answers from the old snapshot and swaps the rebuilt KB in, for a server', async () => {
    await openKnowledgeBase(config());
    const file = path.join(root, 'leave.md');
    await writeFile(file, '# Leave\n\n## Parental leave\nParents get 26 weeks of parental leave.');
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const opened = await openKnowledgeBase(config(), { background: true });
    expect(opened.source).toBe('stale');
    expect(opened.summary.passages).toBe(3);
    await opened.refreshed;
    expect(opened.source).toBe('built');
    expect(opened.summary.passages).toBe(2);
    expect((await opened.kb.search('parental leave weeks', 1)).results[0]?.passage.text).toContain(
      '26 weeks',
    );
    // And the next start finds the new snapshot current.
    expect((await openKnowledgeBase(config())).source).toBe('snapshot');
  });

  it('is not used by other code or settings', async () => {
    await openKnowledgeBase(config());
    const other = loadConfig({
      env: { HELPLINE_KB: root, HELPLINE_DATA: path.join(root, '.data') },
      overrides: { 'kb.chunkSize': 500 },
    });
    expect((await openKnowledgeBase(other)).source).toBe('built');
  });
});
