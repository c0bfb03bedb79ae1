/**
 * The VectorIndex contract: one suite every index passes — the in-process one
 * (memory-vector-index.test.ts), Qdrant through the spec-checked stand-in
 * (qdrant-vector-index.test.ts) and a real Qdrant when QDRANT_URL is set (qdrant-real.test.ts).
 * It runs the objects production runs: the index, embedPassages' sync and KnowledgeBase search.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddingText, embedPassages, payloadOf } from '../../src/knowledge/embed-passages.ts';
import type { Embedder } from '../../src/knowledge/embedder.ts';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import type { Passage } from '../../src/knowledge/types.ts';
import { pointId, type VectorIndex, type VectorPoint } from '../../src/knowledge/vector-index.ts';
import { cosine, embedText } from '../support/openai-stand-in.ts';
import { passage } from '../support/passages.ts';

/** A fresh, empty index per test (Qdrant: a new collection), and what to clean up afterwards. */
export interface VectorIndexWorld {
  create(): VectorIndex;
  cleanup(): Promise<void>;
}

const DIMS = 32;

/** A deterministic "model": hashed bag of words, so related texts embed alike. */
export function countingEmbedder(model = 'contract-embed'): Embedder & { texts: string[] } {
  const texts: string[] = [];
  return {
    model,
    texts,
    async embed(batch) {
      texts.push(...batch);
      return batch.map((t) => embedText(t, DIMS));
    },
  };
}

const PASSAGES: Passage[] = [
  passage({
    source: 'en/leave.md',
    title: 'Leave',
    heading: 'Annual leave',
    text: 'Request annual leave in the HR portal.',
    category: 'leave',
  }),
  passage({
    source: 'en/vpn.md',
    title: 'VPN',
    heading: 'Reset',
    text: 'Reset your VPN password in the self-service portal.',
    category: 'device',
  }),
  passage({
    source: 'en/payslip.md',
    title: 'Payslip',
    heading: 'Where',
    text: 'Your payslip is in the HR portal under salary.',
    category: 'payroll',
  }),
  passage({
    source: 'zh/leave.md',
    title: '年假',
    heading: '申请',
    text: '在 e-HR 申请年假 annual leave',
    category: 'leave',
  }),
  passage({ source: 'zh/vpn.md', title: 'VPN', heading: '重置', text: 'VPN 密码 reset password 自助重置' }),
];

function point(p: Passage, model = 'contract-embed'): VectorPoint {
  const text = embeddingText(p);
  return { id: pointId(model, text, payloadOf(p)), vector: embedText(text, DIMS), payload: payloadOf(p) };
}

export function describeVectorIndexContract(name: string, setup: () => Promise<VectorIndexWorld>): void {
  describe(`VectorIndex contract: ${name}`, () => {
    let world: VectorIndexWorld;
    let index: VectorIndex;

    beforeEach(async () => {
      world = await setup();
      index = world.create();
    });
    afterEach(() => world.cleanup());

    it('starts empty and ready: no ids, no hits', async () => {
      await expect(index.ready()).resolves.toBeUndefined();
      expect((await index.ids()).size).toBe(0);
      expect(await index.search(embedText('leave', DIMS), 5)).toEqual([]);
      await expect(index.delete([point(PASSAGES[0]).id])).resolves.toBeUndefined();
    });

    it('ranks by cosine similarity, best first, at most k', async () => {
      const points = PASSAGES.map((p) => point(p));
      await index.upsert(points);
      await expect(index.ready()).resolves.toBeUndefined();
      expect(await index.ids()).toEqual(new Set(points.map((p) => p.id)));
      const query = embedText('reset VPN password', DIMS);
      const hits = await index.search(query, 3);
      expect(hits).toHaveLength(3);
      const expected = points
        .map((p) => ({ id: p.id, score: cosine(query, p.vector) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 3);
      expect(hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
      for (const [i, h] of hits.entries()) expect(h.score).toBeCloseTo(expected[i].score, 5);
      expect(hits[0].id).toBe(points[1].id);
      // Not normalized on the way in: the index normalizes, so scale does not matter.
      const [scaled] = await index.search(
        query.map((x) => x * 7),
        1,
      );
      expect(scaled.score).toBeCloseTo(hits[0].score, 5);
    });

    it('filters on lang, source and category, alone or together', async () => {
      await index.upsert(PASSAGES.map((p) => point(p)));
      const query = embedText('annual leave VPN password', DIMS);
      const idsOf = async (filter: Parameters<VectorIndex['search']>[2]) =>
        new Set((await index.search(query, 10, filter)).map((h) => h.id));
      const expect_ = (ps: Passage[]) => new Set(ps.map((p) => point(p).id));
      expect(await idsOf({ lang: 'zh' })).toEqual(expect_(PASSAGES.filter((p) => p.lang === 'zh')));
      expect(await idsOf({ category: 'leave' })).toEqual(expect_([PASSAGES[0], PASSAGES[3]]));
      expect(await idsOf({ source: 'en/vpn.md' })).toEqual(expect_([PASSAGES[1]]));
      expect(await idsOf({ lang: 'en', category: 'leave' })).toEqual(expect_([PASSAGES[0]]));
      expect(await idsOf({ lang: 'zh', category: 'payroll' })).toEqual(new Set());
      // A passage with no category matches no category filter.
      expect(await idsOf({ category: 'device' })).toEqual(expect_([PASSAGES[1]]));
    });

    it('replaces a point upserted again under its id, and deletes by id (unknown ids ignored)', async () => {
      const [a, b] = [point(PASSAGES[0]), point(PASSAGES[1])];
      await index.upsert([a, b]);
      await index.upsert([{ ...a, vector: b.vector, payload: { ...a.payload, category: 'moved' } }]);
      expect((await index.ids()).size).toBe(2);
      expect((await index.search(b.vector, 1, { category: 'moved' }))[0]).toMatchObject({ id: a.id });
      expect((await index.search(b.vector, 1, { category: 'moved' }))[0].score).toBeCloseTo(1, 5);
      await index.delete([a.id, point(PASSAGES[4]).id]);
      expect(await index.ids()).toEqual(new Set([b.id]));
      expect(await index.search(b.vector, 5, { category: 'moved' })).toEqual([]);
    });

    it('lists every id of a large index (more than one page)', async () => {
      const many = Array.from({ length: 1100 }, (_, i) =>
        point(passage({ source: `bulk/${i}.md`, text: `bulk passage number ${i} about topic ${i % 17}` })),
      );
      await index.upsert(many);
      const ids = await index.ids();
      expect(ids.size).toBe(1100);
      expect(ids).toEqual(new Set(many.map((p) => p.id)));
    });

    it('re-ingest changes only what changed: new and edited passages upserted, removed ones deleted', async () => {
      const embedder = countingEmbedder();
      const first = await embedPassages(PASSAGES, embedder, index);
      expect(first).toMatchObject({ upserted: 5, deleted: 0, unchanged: 0 });
      expect(first.ids).toEqual(PASSAGES.map((p) => point(p).id));

      // Nothing changed: nothing embedded, nothing written.
      embedder.texts.length = 0;
      const again = await embedPassages(PASSAGES, embedder, index);
      expect(again).toMatchObject({ upserted: 0, deleted: 0, unchanged: 5 });
      expect(embedder.texts).toEqual([]);

      // One edited, one removed, one added, one recategorized (same text, new payload).
      const edited = { ...PASSAGES[1], text: 'Reset your VPN password at the IT desk.' };
      const added = passage({
        source: 'en/laptop.md',
        title: 'Laptop',
        text: 'Broken laptop: file a device ticket.',
      });
      const moved = { ...PASSAGES[2], category: 'benefits' };
      const next = [PASSAGES[0], edited, moved, PASSAGES[3], added];
      const third = await embedPassages(next, embedder, index);
      expect(third).toMatchObject({ upserted: 3, deleted: 3, unchanged: 2 });
      expect(embedder.texts).toEqual([embeddingText(edited), embeddingText(moved), embeddingText(added)]);
      expect(await index.ids()).toEqual(new Set(third.ids));
      const [best] = await index.search(embedText('VPN password IT desk', DIMS), 1, { lang: 'en' });
      expect(best.id).toBe(third.ids[1]);
    });

    it('serves KnowledgeBase dense search, with a filter applied to both retrievers', async () => {
      const embedder = countingEmbedder();
      const { ids } = await embedPassages(PASSAGES, embedder, index);
      const kb = new KnowledgeBase(PASSAGES, { dense: { embedder, index, ids } });
      const all = await kb.search('reset VPN password', 5);
      expect(all.results[0].passage.source).toMatch(/vpn\.md$/);
      const zh = await kb.search('reset VPN password', 5, { lang: 'zh' });
      expect(zh.results.length).toBeGreaterThan(0);
      expect(zh.results.every((r) => r.passage.lang === 'zh')).toBe(true);
      expect(zh.results[0].passage.source).toBe('zh/vpn.md');
      const leave = await kb.search('annual leave', 5, { category: 'leave' });
      expect(new Set(leave.results.map((r) => r.passage.source))).toEqual(
        new Set(['en/leave.md', 'zh/leave.md']),
      );
    });
  });
}
