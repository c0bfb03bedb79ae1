/** The sorted word table behind information.ts: same lookups as a Map, saved and loaded intact. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WordTable } from '../../src/knowledge/word-table.ts';

describe('WordTable', () => {
  it('finds every word and its exact value, and nothing else', async () => {
    const entries: [string, number][] = [
      ['工资', 7.123456789012],
      ['salary', Math.log(1234567 / 89)],
      ['a', 1],
      ['公积金', 10.5],
      ['b-c', 2],
      ['年', 3.25],
    ];
    const table = WordTable.fromEntries(entries);
    expect(table.size).toBe(entries.length);
    for (const [w, v] of entries) expect(table.get(w)).toBe(v);
    for (const w of ['', '工', 'salar', 'salaryx', 'z', '公积']) expect(table.get(w)).toBeUndefined();
    const dir = await mkdtemp(path.join(tmpdir(), 'helpline-words-'));
    try {
      table.save(path.join(dir, 't.txt'));
      const loaded = WordTable.load(path.join(dir, 't.txt'));
      for (const [w, v] of entries) expect(loaded?.get(w)).toBe(v);
      expect(WordTable.load(path.join(dir, 'missing.txt'))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
