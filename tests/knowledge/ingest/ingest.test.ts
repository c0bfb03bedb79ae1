import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHelplineError } from '../../../src/errors.ts';
import { ingestKb } from '../../../src/knowledge/ingest/ingest.ts';
import { buildDocx, buildPdf, tempDir, utf8 } from './fixtures.ts';

let kb: string;
let work: string;
let cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  const a = await tempDir();
  const b = await tempDir();
  kb = a.dir;
  work = b.dir;
  cleanups = [a.cleanup, b.cleanup];
});
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function put(rel: string, content: string | Uint8Array): Promise<void> {
  const file = path.join(kb, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

async function goodKb(): Promise<void> {
  await put(
    'hr/leave.md',
    '---\ntitle: Leave\nkeywords: pto\n---\n## Annual leave\nYou get 20 days.\n## Sick leave\nUnlimited.',
  );
  await put('hr/年假.md', '# 年假\n\n职工连续工作1年以上的，享受带薪年休假。');
  await put('it/printer.txt', 'Printer setup\n\nUse Settings > Printers.');
  await put('it/vpn.html', '<title>VPN</title><h2>Connect</h2><p>Open the client.</p>');
  await put('it/guide.pdf', buildPdf(['Laptop policy', 'Return it when you leave.']));
  await put(
    'it/wifi.docx',
    await buildDocx([{ style: 'Heading1', text: 'Wi-Fi' }, { text: 'Join the staff network.' }]),
  );
  await put('.git/config', '[core]');
  await put('.hidden.md', '# Hidden');
  await put('node_modules/pkg/README.md', '# Not KB');
}

describe('ingestKb', () => {
  it('loads every supported format into sorted passages with relative, forward-slash sources', async () => {
    await goodKb();
    const { passages, summary } = await ingestKb(kb);
    expect([...new Set(passages.map((p) => p.source))]).toEqual([
      'hr/leave.md',
      'hr/年假.md',
      'it/guide.pdf',
      'it/printer.txt',
      'it/vpn.html',
      'it/wifi.docx',
    ]);
    expect(passages.map((p) => p.id)).toEqual([
      'hr/leave.md#annual-leave',
      'hr/leave.md#sick-leave',
      'hr/年假.md#',
      'it/guide.pdf#',
      'it/printer.txt#',
      'it/vpn.html#connect',
      'it/wifi.docx#', // its only heading became the title
    ]);
    expect(passages[0]).toMatchObject({
      title: 'Leave',
      heading: 'Annual leave',
      text: 'You get 20 days.',
      keywords: ['pto'],
    });
    expect(passages[2]).toMatchObject({
      title: '年假',
      lang: 'zh',
      text: '职工连续工作1年以上的，享受带薪年休假。',
    });
    expect(summary).toMatchObject({ files: 6, parsed: 6, unchanged: 0, passages: 7, skipped: [] });
    expect(summary.ms).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic: same passages and ids on every run', async () => {
    await goodKb();
    const first = await ingestKb(kb);
    const second = await ingestKb(kb);
    expect(second.passages).toEqual(first.passages);
  });

  it('reports progress once per file', async () => {
    await goodKb();
    const calls: [number, number, string][] = [];
    await ingestKb(kb, { onProgress: (done, total, file) => calls.push([done, total, file]) });
    expect(calls.map((c) => c[0])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(calls.every((c) => c[1] === 6)).toBe(true);
    expect(calls[0][2]).toBe('hr/leave.md');
  });

  it('skips every bad input with a reason and never throws', async () => {
    await put('ok.md', '# OK\n\nFine.');
    await put('empty.md', '');
    await put('binary.txt', new Uint8Array([0x48, 0x00, 0x49, 0x00]));
    await put('big.md', `# Big\n\n${'x'.repeat(3000)}`);
    await put('gbk.txt', new Uint8Array([0xc4, 0xea, 0xbc, 0xd9, 0xd4, 0xf5, 0xc3, 0xb4]));
    await put('corrupt.pdf', '%PDF-1.7\n%garbage with no objects');
    await put('corrupt.docx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
    await put('broken.md', '---\ntitle: "unterminated\n---\nBody');
    await put('logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    await put('Makefile', 'all:');
    await put('tags-only.md', '{% alert %}\n{% endalert %}\n<!-- nothing -->');
    const { passages, summary } = await ingestKb(kb, { maxFileBytes: 2000 });
    expect(passages.map((p) => p.source)).toEqual(['ok.md']);
    const reasons = Object.fromEntries(summary.skipped.map((s) => [s.file, s.reason]));
    expect(Object.keys(reasons)).toEqual([
      'Makefile',
      'big.md',
      'binary.txt',
      'broken.md',
      'corrupt.docx',
      'corrupt.pdf',
      'empty.md',
      'gbk.txt',
      'logo.png',
      'tags-only.md',
    ]);
    expect(reasons).toMatchObject({
      Makefile: 'unsupported file type (no extension)',
      'logo.png': 'unsupported file type .png',
      'empty.md': 'empty file',
      'tags-only.md': 'no text left after removing markup and template tags',
    });
    expect(reasons['big.md']).toMatch(/^too large/);
    expect(reasons['binary.txt']).toMatch(/binary/);
    expect(reasons['gbk.txt']).toMatch(/UTF-8/);
    expect(reasons['corrupt.pdf']).toMatch(/unreadable PDF/);
    expect(reasons['corrupt.docx']).toMatch(/unreadable DOCX/);
    expect(reasons['broken.md']).toMatch(/broken front matter/);
    expect(summary.files).toBe(summary.parsed + summary.unchanged + summary.skipped.length);
  });

  it('throws KB_NOT_FOUND, saying what to do, for a missing folder or a file', async () => {
    await put('file.md', '# x');
    for (const dir of [path.join(kb, 'missing'), path.join(kb, 'file.md')]) {
      const err = await ingestKb(dir).catch((e: unknown) => e);
      expect(isHelplineError(err, 'KB_NOT_FOUND')).toBe(true);
      expect((err as Error).message).toMatch(/HELPLINE_KB|--kb/);
    }
  });

  it('follows a symlinked folder once and survives a symlink loop', async () => {
    await put('docs/a.md', '# A\n\nText.');
    await symlink(path.join(kb, 'docs'), path.join(kb, 'docs', 'loop'));
    const { summary } = await ingestKb(kb);
    expect(summary.files).toBe(1);
  });
});

describe('ingestKb: incremental re-ingest', () => {
  it('parses only new or changed files and reuses the rest from the cache', async () => {
    await goodKb();
    const cacheFile = path.join(work, 'cache', 'kb.json');
    const first = await ingestKb(kb, { cacheFile });
    expect(first.summary).toMatchObject({ parsed: 6, unchanged: 0 });

    const second = await ingestKb(kb, { cacheFile });
    expect(second.summary).toMatchObject({ parsed: 0, unchanged: 6 });
    expect(second.passages).toEqual(first.passages);

    await put('it/printer.txt', 'Printer setup\n\nUse Settings > Printers > Add.');
    const third = await ingestKb(kb, { cacheFile });
    expect(third.summary).toMatchObject({ parsed: 1, unchanged: 5 });
    expect(third.passages.find((p) => p.source === 'it/printer.txt')?.text).toContain('> Add.');
    expect(third.passages).toEqual((await ingestKb(kb)).passages);
  });

  it('drops deleted files from the cache and writes it atomically (no temp files left)', async () => {
    await goodKb();
    const cacheFile = path.join(work, 'kb.json');
    await ingestKb(kb, { cacheFile });
    await writeFile(path.join(kb, 'hr/leave.md'), '');
    await ingestKb(kb, { cacheFile });
    const cache = JSON.parse(await readFile(cacheFile, 'utf8'));
    expect(Object.keys(cache.files)).not.toContain('hr/leave.md');
    expect(await readdir(work)).toEqual(['kb.json']);
  });

  it('ignores a cache from another format version, other split options, or a corrupt cache', async () => {
    await goodKb();
    const cacheFile = path.join(work, 'kb.json');
    await ingestKb(kb, { cacheFile });
    expect((await ingestKb(kb, { cacheFile, split: { chunkSize: 300 } })).summary.parsed).toBe(6);

    const cache = JSON.parse(await readFile(cacheFile, 'utf8'));
    await writeFile(cacheFile, JSON.stringify({ ...cache, version: 0 }));
    expect((await ingestKb(kb, { cacheFile, split: { chunkSize: 300 } })).summary.parsed).toBe(6);

    await writeFile(cacheFile, '{ not json');
    expect((await ingestKb(kb, { cacheFile })).summary.parsed).toBe(6);
  });

  it('remembers skipped files too, with their reason', async () => {
    await put('broken.md', '---\ntitle: [\n---\nBody');
    const cacheFile = path.join(work, 'kb.json');
    const first = await ingestKb(kb, { cacheFile });
    const second = await ingestKb(kb, { cacheFile });
    expect(second.summary.skipped).toEqual(first.summary.skipped);
    expect(second.summary.skipped[0].reason).toMatch(/broken front matter/);
  });
});

describe('utf8 fixture', () => {
  it('is plain UTF-8', () => {
    expect(utf8('年')).toEqual(new Uint8Array([0xe5, 0xb9, 0xb4]));
  });
});
