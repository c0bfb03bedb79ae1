/**
 * Writing into the KB folder from the console (src/knowledge/upkeep/kb-files.ts): every kind of
 * broken file is refused with ingest's reason and the folder stays byte-for-byte the same; paths
 * that lead out of the folder (.., absolute, backslashes, dot-files, links) are refused; a replace
 * keeps the old file until the new one passes; each write is recorded in kb_changes.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { recentKbChanges, safeKbPath, writeKbFile } from '../../../src/knowledge/upkeep/kb-files.ts';
import type { Database } from '../../../src/store/database.ts';
import { eachBackend } from '../../store/backends.ts';

const GOOD =
  '---\ntitle: Guest Wi-Fi\nquestions:\n  - guest wifi password\n---\n# Guest Wi-Fi\n\nThe guest network is HL-Guest; the password is at reception.\n';

/** Every file under dir with its content: what "unchanged" is compared on. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[prefix + e.name] = readFileSync(join(d, e.name), 'latin1');
    }
  };
  walk(dir, '');
  return out;
}

eachBackend('KB file writes', (ctx) => {
  let db: Database;
  let dir: string;
  let outside: string;
  const deps = () => ({ dir, maxFileBytes: 2048, db, now: () => new Date('2026-12-01T08:00:00Z') });
  const write = (path: string, text: string | Uint8Array, mode?: 'create' | 'replace') =>
    writeKbFile(deps(), {
      path,
      bytes: typeof text === 'string' ? new TextEncoder().encode(text) : text,
      actor: 'hr-1',
      mode,
    });

  beforeEach(async () => {
    db = await ctx.fresh();
    const base = mkdtempSync(join(tmpdir(), 'helpline-kbfiles-'));
    dir = join(base, 'kb');
    outside = join(base, 'outside');
    mkdirSync(join(dir, 'en'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(dir, 'en', 'vpn.md'), '# VPN\n\nConnect with the VPN client.\n');
  });

  it.each([
    ['bad front matter', 'en/a.md', '---\ntitle: [unclosed\n---\n# A\n\ntext', /broken front matter/],
    ['unclosed front matter', 'en/a.md', '---\ntitle: A\n# A\n\ntext', /no closing ---/],
    ['an unsupported type', 'en/a.exe', 'MZ', /unsupported file type \.exe/],
    ['no extension', 'en/README', 'text', /unsupported file type \(no extension\)/],
    ['an empty file', 'en/a.md', '', /empty file/],
    ['a file too large', 'en/a.txt', 'x'.repeat(4096), /too large/],
    [
      'text that is not UTF-8 (GBK)',
      'en/a.txt',
      new Uint8Array([0xc4, 0xe3, 0xba, 0xc3, 0x0a]),
      /not valid UTF-8/,
    ],
    ['a binary file', 'en/a.md', new Uint8Array([0x23, 0x20, 0x41, 0x00, 0x01]), /binary file/],
    ['no text at all', 'en/a.md', '---\ntitle: A\n---\n<!-- nothing -->\n', /no text left/],
  ])('refuses %s with the reason and leaves the KB unchanged', async (_kind, path, bytes, reason) => {
    const before = contents(dir);
    const err = await write(path, bytes).catch((e) => e);
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(reason) });
    expect(err.message).toMatch(/unchanged/);
    expect(contents(dir)).toEqual(before);
    expect(await recentKbChanges(db)).toEqual([]);
  });

  it.each([
    '../escape.md',
    'en/../../escape.md',
    '/etc/escape.md',
    'C:/escape.md',
    '..\\escape.md',
    'en\\..\\..\\escape.md',
    '.hidden.md',
    'en/.hidden.md',
    'en/./a.md',
    'a/b/c/d/e.md',
    '',
  ])('refuses the path %j', async (path) => {
    const before = contents(dir);
    await expect(write(path, GOOD)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(() => safeKbPath(path)).toThrow();
    expect(contents(dir)).toEqual(before);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('never writes through a link that leads out of the KB folder', async () => {
    symlinkSync(outside, join(dir, 'linked'));
    symlinkSync(join(outside, 'target.md'), join(dir, 'en', 'link.md'));
    await expect(write('linked/escape.md', GOOD)).rejects.toThrow(/outside the KB folder/);
    await expect(write('en/link.md', GOOD)).rejects.toThrow(/symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('creates, refuses a second create, replaces only what exists, and keeps the old file when a replace is broken', async () => {
    const created = await write('en/guest-wifi.md', GOOD, 'create');
    expect(created).toMatchObject({ path: 'en/guest-wifi.md', action: 'created', passages: 1 });
    await expect(write('en/guest-wifi.md', GOOD, 'create')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(write('en/missing.md', GOOD, 'replace')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await expect(write('en/guest-wifi.md', '---\ntitle: [x\n---\n', 'replace')).rejects.toThrow(
      /broken front matter/,
    );
    expect(readFileSync(join(dir, 'en', 'guest-wifi.md'), 'utf8')).toBe(GOOD);

    const changed = GOOD.replace('reception', 'the IT desk');
    expect(await write('en/guest-wifi.md', changed, 'replace')).toMatchObject({ action: 'replaced' });
    expect(readFileSync(join(dir, 'en', 'guest-wifi.md'), 'utf8')).toBe(changed);
    // A new folder is made inside the KB; no temporary file is left behind.
    await write('zh/新文章.md', '# 访客网络\n\n访客 Wi-Fi 密码在前台。\n');
    expect(Object.keys(contents(dir)).sort()).toEqual(['en/guest-wifi.md', 'en/vpn.md', 'zh/新文章.md']);
    expect((await recentKbChanges(db)).map((c) => [c.action, c.path, c.actor])).toEqual([
      ['created', 'zh/新文章.md', 'hr-1'],
      ['replaced', 'en/guest-wifi.md', 'hr-1'],
      ['created', 'en/guest-wifi.md', 'hr-1'],
    ]);
  });
});
