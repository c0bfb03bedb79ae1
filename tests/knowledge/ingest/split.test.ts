import { describe, expect, it } from 'vitest';
import { isHelplineError } from '../../../src/errors.ts';
import { resolveSplitOptions, slug, splitDoc } from '../../../src/knowledge/ingest/split.ts';
import type { SourceDoc } from '../../../src/knowledge/types.ts';

/** The sizes these cases were written for (the default is larger). */
const SMALL = { chunkSize: 500 };

function doc(text: string, extra: Partial<SourceDoc> = {}): SourceDoc {
  return {
    source: 'hr/leave.md',
    title: 'Leave policy',
    text,
    lang: 'en',
    questions: [],
    keywords: [],
    ...extra,
  };
}

const ARTICLE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** A statute chapter: ten articles of ~140 characters, some with a second paragraph. */
function statuteChapter(): string {
  return ARTICLE_NUMERALS.map((n, i) => {
    const body = `第${n}条 用人单位应当依法建立和完善劳动规章制度，保障劳动者享有劳动权利、履行劳动义务，条款编号${i + 1}。`;
    const filler = '劳动者在试用期的工资不得低于本单位相同岗位最低档工资或者劳动合同约定工资的百分之八十。';
    return i % 2 ? `${body}\n\n${filler}${filler}` : `${body}${filler}${filler}`;
  }).join('\n\n');
}

describe('splitDoc: headings', () => {
  const text = [
    '# Leave policy',
    'Intro before any section.',
    '## Annual leave',
    'You get 20 days.',
    '### Carry over',
    'Up to 5 days.',
    '## Sick leave',
    '',
    '## FAQ',
    'First FAQ.',
    '## FAQ',
    'Second FAQ.',
    '```',
    '# not a heading',
    '```',
  ].join('\n');

  it('makes one passage per non-empty section with the heading path below the title', async () => {
    const passages = await splitDoc(
      doc(text, { category: 'hr', url: 'https://kb/leave', questions: ['How many days?'] }),
    );
    expect(passages.map((p) => [p.heading, p.text])).toEqual([
      ['', 'Intro before any section.'],
      ['Annual leave', 'You get 20 days.'],
      ['Annual leave › Carry over', 'Up to 5 days.'],
      ['FAQ', 'First FAQ.'],
      ['FAQ', 'Second FAQ.\n```\n# not a heading\n```'],
    ]);
    for (const p of passages) {
      expect(p).toMatchObject({ source: 'hr/leave.md', title: 'Leave policy', lang: 'en', category: 'hr' });
      expect(p).toMatchObject({ url: 'https://kb/leave', questions: ['How many days?'] });
    }
  });

  it('gives stable ids from the heading path, with a suffix for a repeated path', async () => {
    const ids = (await splitDoc(doc(text))).map((p) => p.id);
    expect(ids).toEqual([
      'hr/leave.md#',
      'hr/leave.md#annual-leave',
      'hr/leave.md#annual-leave/carry-over',
      'hr/leave.md#faq',
      'hr/leave.md#faq-2',
    ]);
    expect((await splitDoc(doc(text))).map((p) => p.id)).toEqual(ids);
  });

  it('keeps a # heading that is not the title in the path', async () => {
    const passages = await splitDoc(doc('# Overview\nText.\n## Details\nMore.'));
    expect(passages.map((p) => p.heading)).toEqual(['Overview', 'Overview › Details']);
  });

  it('slugs any script and never returns an empty slug', () => {
    expect(slug('第一章 总则')).toBe('第一章-总则');
    expect(slug('Court leave (jury duty)')).toBe('court-leave-jury-duty');
    expect(slug('???')).toBe('section');
  });
});

describe('splitDoc: long sections', () => {
  it('cuts a statute chapter at article starts, every part a verbatim piece of the source', async () => {
    const chapter = statuteChapter();
    const passages = await splitDoc(doc(`## 第一章 总则\n\n${chapter}`, { lang: 'zh' }), SMALL);
    expect(passages.length).toBeGreaterThan(2);
    for (const p of passages) {
      expect(p.text).toMatch(/^第[一二三四五六七八九十]+条 /);
      expect(p.text.length).toBeLessThanOrEqual(500);
      expect(chapter).toContain(p.text);
      expect(p.heading).toBe('第一章 总则');
    }
    // Every article is whole in some passage.
    for (const n of ARTICLE_NUMERALS) {
      const article = chapter.split('\n\n').find((para) => para.startsWith(`第${n}条`))!;
      expect(passages.some((p) => p.text.includes(article))).toBe(true);
    }
    expect(passages.map((p) => p.id)).toEqual(
      passages.map((_, i) => `hr/leave.md#第一章-总则${i === 0 ? '' : `~${i + 1}`}`),
    );
  });

  it('also finds articles that start a line rather than a paragraph', async () => {
    const chapter = statuteChapter().replace(/\n\n(?=第)/g, '\n');
    const passages = await splitDoc(doc(chapter, { lang: 'zh' }), SMALL);
    for (const p of passages) expect(p.text).toMatch(/^第[一二三四五六七八九十]+条 /);
  });

  it('falls back to sentences, then clauses, for one long paragraph', async () => {
    const sentence = 'Employees accrue four hours of sick leave per pay period, and there is no maximum. ';
    const passages = await splitDoc(doc(sentence.repeat(12).trim()), SMALL);
    expect(passages.length).toBeGreaterThan(1);
    for (const p of passages) {
      expect(p.text.startsWith('Employees')).toBe(true);
      expect(p.text.endsWith('maximum.')).toBe(true);
    }
  });

  it('cuts Chinese prose at 。 and keeps the mark with its sentence', async () => {
    const passages = await splitDoc(
      doc('职工在年休假期间享受与正常工作期间相同的工资收入。'.repeat(40)),
      SMALL,
    );
    for (const p of passages) expect(p.text.endsWith('。')).toBe(true);
  });

  it('keeps a section up to maxChars whole', async () => {
    const text = 'a'.repeat(690);
    expect(await splitDoc(doc(text))).toHaveLength(1);
    expect((await splitDoc(doc(text), { maxChars: 600, chunkSize: 300 })).length).toBeGreaterThan(1);
  });
});

describe('split options', () => {
  it('documents defaults and derives maxChars/overlap from a custom chunkSize', () => {
    expect(resolveSplitOptions()).toEqual({ chunkSize: 1000, maxChars: 1400, chunkOverlap: 80 });
    expect(resolveSplitOptions({ chunkSize: 1000 })).toEqual({
      chunkSize: 1000,
      maxChars: 1400,
      chunkOverlap: 80,
    });
    expect(resolveSplitOptions({ chunkSize: 100 })).toEqual({
      chunkSize: 100,
      maxChars: 140,
      chunkOverlap: 25,
    });
  });

  it('rejects impossible settings with CONFIG_INVALID', () => {
    try {
      resolveSplitOptions({ chunkSize: 100, chunkOverlap: 100 });
      expect.unreachable();
    } catch (err) {
      expect(isHelplineError(err, 'CONFIG_INVALID')).toBe(true);
    }
  });
});
