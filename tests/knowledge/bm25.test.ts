import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/knowledge/bm25.ts';
import { fuseNormalized, reciprocalRankFusion } from '../../src/knowledge/fusion.ts';

const doc = (text: string, title = '') => [
  { terms: title.split(' ').filter(Boolean), weight: 2 },
  { terms: text.split(' ').filter(Boolean), weight: 1 },
];

describe('Bm25Index', () => {
  const index = new Bm25Index([
    doc('leave request steps manager approves', 'leave'),
    doc('password reset portal sms code'),
    doc('leave balance carry over'),
    doc('vpn client install portal'),
  ]);

  it('ranks documents with the query terms, best first', () => {
    const hits = index.search([{ term: 'password', weight: 1 }], 3);
    expect(hits.map((h) => h.doc)).toEqual([1]);
  });

  it('rarer terms weigh more (idf) and unseen terms get the highest idf', () => {
    expect(index.idf('vpn')).toBeGreaterThan(index.idf('leave'));
    expect(index.idf('unseen')).toBeGreaterThan(index.idf('vpn'));
  });

  it('boosts fields by weight: a title match beats the same word in the body', () => {
    const hits = index.search([{ term: 'leave', weight: 1 }], 4);
    expect(hits[0].doc).toBe(0);
  });

  it('saturates term frequency and respects query weights', () => {
    const hits = index.search(
      [
        { term: 'portal', weight: 1 },
        { term: 'vpn', weight: 3 },
      ],
      2,
    );
    expect(hits[0].doc).toBe(3);
  });

  it('returns nothing for an empty query or an empty index, and honours k', () => {
    expect(index.search([], 5)).toEqual([]);
    expect(new Bm25Index([]).search([{ term: 'x', weight: 1 }], 5)).toEqual([]);
    expect(index.search([{ term: 'portal', weight: 1 }], 1)).toHaveLength(1);
  });

  it('ignores terms weighted 0 (they would list a document as touched once per term)', () => {
    const zero = index.search(
      [
        { term: 'portal', weight: 1 },
        { term: 'vpn', weight: 0 },
        { term: 'client', weight: 0 },
        { term: 'install', weight: 0 },
        { term: 'leave', weight: 0 },
        { term: 'balance', weight: 0 },
      ],
      10,
    );
    expect(zero).toEqual(index.search([{ term: 'portal', weight: 1 }], 10));
  });

  it('keeps the top k when many documents match', () => {
    const many = new Bm25Index(Array.from({ length: 500 }, (_, i) => doc(`common ${'rare '.repeat(i % 7)}`)));
    const hits = many.search(
      [
        { term: 'rare', weight: 1 },
        { term: 'common', weight: 1 },
      ],
      5,
    );
    expect(hits).toHaveLength(5);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
  });
});

describe('reciprocalRankFusion', () => {
  it('rewards documents ranked well by several lists', () => {
    const fused = reciprocalRankFusion([
      [1, 2, 3],
      [3, 1, 4],
    ]);
    expect(fused.map((f) => f.doc)).toEqual([1, 3, 2, 4]);
    expect(fused[0].score).toBeCloseTo(1 / 61 + 1 / 62);
  });

  it('handles empty lists', () => {
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});

describe('fuseNormalized', () => {
  it('adds rankings divided by their best score, by weight', () => {
    const fused = fuseNormalized([
      {
        hits: [
          { doc: 1, score: 10 },
          { doc: 2, score: 5 },
        ],
        weight: 1,
      },
      {
        hits: [
          { doc: 2, score: 0.4 },
          { doc: 3, score: 0.1 },
        ],
        weight: 2,
      },
    ]);
    expect(fused.map((f) => f.doc)).toEqual([2, 1, 3]);
    expect(fused[0].score).toBeCloseTo(0.5 + 2);
    expect(fused[1].score).toBeCloseTo(1);
    expect(fused[2].score).toBeCloseTo(0.5);
  });

  it('skips empty rankings and keeps ties in document order', () => {
    expect(fuseNormalized([{ hits: [], weight: 1 }])).toEqual([]);
    const tie = fuseNormalized([
      {
        hits: [
          { doc: 7, score: 2 },
          { doc: 3, score: 2 },
        ],
        weight: 1,
      },
    ]);
    expect(tie.map((f) => f.doc)).toEqual([3, 7]);
  });
});

describe('Bm25Index postings', () => {
  const index = new Bm25Index(
    Array.from({ length: 50 }, (_, i) => [
      { terms: i % 3 === 0 ? ['three', `n${i}`] : [`n${i}`], weight: 1 },
    ]),
  );

  it('knows which documents hold a term (binary search in sorted postings)', () => {
    expect(index.contains('three', 0)).toBe(true);
    expect(index.contains('three', 48)).toBe(true);
    expect(index.contains('three', 49)).toBe(false);
    expect(index.contains('n7', 7)).toBe(true);
    expect(index.contains('n7', 8)).toBe(false);
    expect(index.contains('unseen', 0)).toBe(false);
    expect(index.df('three')).toBe(17);
  });

  it('interns each distinct term once and returns the same results when searched again', () => {
    expect(index.terms).toBe(51);
    const first = index.search([{ term: 'three', weight: 1 }], 5);
    expect(index.search([{ term: 'three', weight: 1 }], 5)).toEqual(first);
  });
});
