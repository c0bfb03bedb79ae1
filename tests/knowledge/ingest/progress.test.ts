import { describe, expect, it } from 'vitest';
import { createProgressBar, formatSummary } from '../../../src/knowledge/ingest/progress.ts';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, columns: 60, chunks, write: (chunk: string) => chunks.push(chunk) };
}

describe('createProgressBar', () => {
  it('redraws one line on a terminal and clears it when finished', () => {
    const out = stream(true);
    const bar = createProgressBar(out);
    bar.update(1, 4, 'hr/leave.md');
    bar.update(4, 4, 'a/very/long/path/that/does/not/fit/in/the/terminal/width/at/all.md');
    bar.finish();
    expect(out.chunks[0]).toBe('\r\x1b[2K[######------------------] 1/4 hr/leave.md');
    expect(out.chunks[1].startsWith(`\r\x1b[2K[${'#'.repeat(24)}] 4/4 …`)).toBe(true);
    expect(out.chunks[1].length - '\r\x1b[2K'.length).toBeLessThan(60);
    expect(out.chunks[2]).toBe('\r\x1b[2K');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const out = stream(false);
    const bar = createProgressBar(out);
    bar.update(1, 1, 'a.md');
    bar.finish();
    expect(out.chunks).toEqual([]);
  });
});

describe('formatSummary', () => {
  it('prints counts and each skipped file with its reason', () => {
    const text = formatSummary({
      files: 4,
      parsed: 1,
      unchanged: 1,
      passages: 12,
      skipped: [
        { file: 'broken.md', reason: 'broken front matter: bad indentation' },
        { file: 'scan.pdf', reason: 'PDF has no extractable text (a scanned PDF needs OCR first)' },
      ],
      ms: 42,
    });
    expect(text).toBe(
      [
        'Ingested 4 files in 42 ms: 1 parsed, 1 unchanged, 2 skipped.',
        '12 passages ready.',
        'Skipped:',
        '  broken.md  broken front matter: bad indentation',
        '  scan.pdf   PDF has no extractable text (a scanned PDF needs OCR first)',
      ].join('\n'),
    );
  });

  it('uses the singular and omits the skipped list when nothing was skipped', () => {
    expect(formatSummary({ files: 1, parsed: 1, unchanged: 0, passages: 1, skipped: [], ms: 3 })).toBe(
      'Ingested 1 file in 3 ms: 1 parsed, 0 unchanged, 0 skipped.\n1 passage ready.',
    );
  });
});
