/**
 * CONVENTIONS §3: parsing and verification import no SDK and no core module. Every adapter's
 * verify*.ts, parse*.ts (and decrypt.ts) may import node: built-ins, sibling adapter files, zod,
 * and types only (`import type`) from src/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const adaptersDir = new URL('../../adapters/', import.meta.url).pathname;
const files = readdirSync(adaptersDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(adaptersDir, d.name))
      .filter((f) => /^(verify|parse)[\w-]*\.ts$|^decrypt\.ts$/.test(f))
      .map((f) => join(adaptersDir, d.name, f)),
  )
  .filter((f) => existsSync(f));

interface Import {
  typeOnly: boolean;
  from: string;
}

function importsOf(source: string): Import[] {
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) out.push({ typeOnly: Boolean(m[2]), from: m[3] });
  for (const m of source.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]/g)) {
    out.push({ typeOnly: false, from: m[1] });
  }
  return out;
}

describe('adapter boundary', () => {
  it('finds the lark verify/parse/decrypt files', () => {
    expect(files.some((f) => f.endsWith('lark/verify.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('lark/parse.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('slack/parse-interaction.ts'))).toBe(true);
  });

  it.each(files.map((f) => [f.slice(adaptersDir.length), f]))(
    '%s imports no SDK and no core module',
    (_, file) => {
      const imports = importsOf(readFileSync(file, 'utf8'));
      for (const imp of imports) {
        expect(imp.from, `${file}: SDK import`).not.toMatch(/^@larksuiteoapi|^@slack/);
        const relative = imp.from.startsWith('.');
        // zod validates requests; it is a schema library, not a platform SDK.
        const allowed = relative || imp.from.startsWith('node:') || imp.from === 'zod';
        expect(allowed, `${file}: package import ${imp.from}`).toBe(true);
        if (imp.from.includes('/src/'))
          expect(imp.typeOnly, `${file}: value import of ${imp.from}`).toBe(true);
      }
    },
  );

  it('the import scanner catches what it must', () => {
    expect(importsOf("import * as lark from '@larksuiteoapi/node-sdk';")[0]).toEqual({
      typeOnly: false,
      from: '@larksuiteoapi/node-sdk',
    });
    expect(importsOf("import type { X } from '../../src/a.ts';")[0].typeOnly).toBe(true);
    expect(importsOf("import { y } from '../../src/a.ts';")[0].typeOnly).toBe(false);
    expect(importsOf("const m = await import('@slack/bolt');")[0].from).toBe('@slack/bolt');
  });
});

describe('the core owns the seam (DESIGN §5)', () => {
  const srcDir = new URL('../../src/', import.meta.url).pathname;
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
    );

  it('no file under src/ but the composition root (src/server/) imports adapters/', () => {
    const offenders = walk(srcDir)
      .filter((f) => !f.startsWith(join(srcDir, 'server')))
      .filter((f) => importsOf(readFileSync(f, 'utf8')).some((imp) => imp.from.includes('/adapters/')));
    expect(offenders.map((f) => f.slice(srcDir.length))).toEqual([]);
  });

  it('adapters import the core, never another adapter', () => {
    const all = readdirSync(adaptersDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => walk(join(adaptersDir, d.name)).map((f) => [d.name, f] as const));
    for (const [platform, file] of all) {
      for (const imp of importsOf(readFileSync(file, 'utf8'))) {
        const other = /^\.\.\/(lark|slack|web)\//.exec(imp.from)?.[1];
        expect(other === undefined || other === platform, `${file} imports ${imp.from}`).toBe(true);
      }
    }
  });
});
