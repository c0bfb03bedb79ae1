/**
 * Embeds passages into a vector index, reusing vectors cached by (model, passage text) so that a
 * restart or a re-ingest only pays for what changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Embedder } from './embedder.ts';
import type { Passage } from './types.ts';
import type { VectorIndex } from './vector-index.ts';

type VectorCache = { model: string; vectors: Record<string, number[]> };

export function embeddingText(p: Passage): string {
  return [p.title, p.heading, p.text].filter(Boolean).join('\n');
}

export async function embedPassages(
  passages: Passage[],
  embedder: Embedder,
  index: VectorIndex,
  cacheFile?: string,
): Promise<void> {
  const cache = readCache(cacheFile, embedder.model);
  const keys = passages.map((p) => createHash('sha1').update(embeddingText(p)).digest('hex'));
  const missing = [...new Set(keys.filter((k) => !cache.vectors[k]))];
  if (missing.length > 0) {
    const textOf = new Map(keys.map((k, i) => [k, embeddingText(passages[i])]));
    const vectors = await embedder.embed(missing.map((k) => textOf.get(k)!));
    missing.forEach((k, i) => {
      cache.vectors[k] = vectors[i];
    });
  }
  for (let i = 0; i < passages.length; i++) await index.upsert(i, cache.vectors[keys[i]]);
  if (cacheFile && missing.length > 0) {
    const kept: VectorCache = {
      model: cache.model,
      vectors: Object.fromEntries(keys.map((k) => [k, cache.vectors[k]])),
    };
    writeFileSync(`${cacheFile}.tmp`, JSON.stringify(kept));
    renameSync(`${cacheFile}.tmp`, cacheFile);
  }
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
