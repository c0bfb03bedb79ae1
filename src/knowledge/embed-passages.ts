/**
 * Brings a vector index in line with the passages: each passage's point id is a hash of what was
 * embedded (vector-index.ts `pointId`), so points already held are left alone, new or changed
 * passages are embedded and upserted, and points of removed passages are deleted. Vectors are
 * also cached locally by (model, passage text), so an empty in-process index after a restart, or a
 * wiped Qdrant collection, does not pay the embeddings endpoint again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Embedder } from './embedder.ts';
import type { Passage } from './types.ts';
import { pointId, type VectorIndex, type VectorPayload, type VectorPoint } from './vector-index.ts';

type VectorCache = { model: string; vectors: Record<string, number[]> };

export interface EmbedSummary {
  /** The point id of each passage, in passage order (identical passages share one). */
  ids: string[];
  /** Points written this time (new or changed passages). */
  upserted: number;
  /** Points of passages that are gone. */
  deleted: number;
  /** Points already in the index and left as they were. */
  unchanged: number;
}

export function embeddingText(p: Passage): string {
  return [p.title, p.heading, p.text].filter(Boolean).join('\n');
}

export function payloadOf(p: Passage): VectorPayload {
  return {
    passage: p.id,
    source: p.source,
    lang: p.lang,
    ...(p.category !== undefined ? { category: p.category } : {}),
  };
}

export async function embedPassages(
  passages: Passage[],
  embedder: Embedder,
  index: VectorIndex,
  cacheFile?: string,
): Promise<EmbedSummary> {
  const texts = passages.map(embeddingText);
  const ids = passages.map((p, i) => pointId(embedder.model, texts[i], payloadOf(p)));
  const held = await index.ids();
  const wanted = new Set(ids);
  const stale = [...held].filter((id) => !wanted.has(id));

  const toWrite = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!held.has(id) && !toWrite.has(id)) toWrite.set(id, i);
  });
  if (toWrite.size === 0) {
    // Everything is in the index already (Qdrant after a restart): not even the cache is read.
    await index.delete(stale);
    return { ids, upserted: 0, deleted: stale.length, unchanged: wanted.size };
  }
  const cache = readCache(cacheFile, embedder.model);
  const keyOf = (i: number) => createHash('sha1').update(texts[i]).digest('hex');
  const missing = new Map<string, string>();
  for (const i of toWrite.values()) {
    const k = keyOf(i);
    if (!cache.vectors[k]) missing.set(k, texts[i]);
  }
  if (missing.size > 0) {
    const vectors = await embedder.embed([...missing.values()]);
    [...missing.keys()].forEach((k, j) => {
      cache.vectors[k] = vectors[j];
    });
  }
  const points: VectorPoint[] = [...toWrite].map(([id, i]) => ({
    id,
    vector: cache.vectors[keyOf(i)],
    payload: payloadOf(passages[i]),
  }));
  await index.upsert(points);
  await index.delete(stale);

  if (cacheFile) {
    // Keep only the current passages' vectors that are known here.
    const kept: VectorCache = { model: cache.model, vectors: {} };
    for (let i = 0; i < passages.length; i++) {
      const k = keyOf(i);
      if (cache.vectors[k]) kept.vectors[k] = cache.vectors[k];
    }
    if (missing.size > 0 || Object.keys(kept.vectors).length !== Object.keys(cache.vectors).length) {
      writeFileSync(`${cacheFile}.tmp`, JSON.stringify(kept));
      renameSync(`${cacheFile}.tmp`, cacheFile);
    }
  }
  return { ids, upserted: points.length, deleted: stale.length, unchanged: wanted.size - points.length };
}

function readCache(file: string | undefined, model: string): VectorCache {
  if (!file || !existsSync(file)) return { model, vectors: {} };
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as VectorCache;
    return c.model === model && c.vectors ? c : { model, vectors: {} };
  } catch {
    return { model, vectors: {} };
  }
}
