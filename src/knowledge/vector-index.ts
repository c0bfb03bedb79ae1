/**
 * Dense vector search behind one seam. Points are keyed by a hash of what was embedded (see
 * `pointId`), so a re-ingest diffs ids: new or changed passages are upserted, removed ones deleted,
 * the rest untouched. The in-process implementation below is a flat cosine scan over normalized
 * Float32Arrays (exact, and fast enough for tens of thousands of passages); Qdrant
 * (qdrant-vector-index.ts) comes behind the same interface when QDRANT_URL is set. Both pass
 * tests/knowledge/vector-index.contract.ts.
 */
import { createHash } from 'node:crypto';
import type { Lang } from './types.ts';

/** What a point carries besides its vector: the passage it embeds, and the fields search filters on. */
export interface VectorPayload {
  /** The passage's id (`source#heading`). */
  passage: string;
  source: string;
  lang: Lang;
  category?: string;
}

export interface VectorPoint {
  /** A UUID derived from the embedded content (`pointId`); Qdrant accepts no other strings. */
  id: string;
  vector: number[];
  payload: VectorPayload;
}

/** Every field given must match exactly. */
export interface VectorFilter {
  lang?: Lang;
  source?: string;
  category?: string;
}

export interface VectorHit {
  id: string;
  /** Cosine similarity. */
  score: number;
}

export interface VectorIndex {
  /** Where the vectors live, for the start banner (`in-process`, `Qdrant at …`). */
  readonly label: string;
  /** Ids of every point held: what a sync diffs against. */
  ids(): Promise<Set<string>>;
  /** Adds or replaces points (in batches where the store wants them). */
  upsert(points: VectorPoint[]): Promise<void>;
  /** Removes points by id; unknown ids are ignored. */
  delete(ids: string[]): Promise<void>;
  /** The `k` most similar points that match `filter`, best first (ties: lower id first). */
  search(vector: number[], k: number, filter?: VectorFilter): Promise<VectorHit[]>;
  /** Resolves when searches can be served; rejects with a message that says what to check. */
  ready(): Promise<void>;
}

/**
 * The point id of a passage embedded by `model`: the same passage text, place and payload under the
 * same model gives the same id on every process and every start; any change gives a new one.
 */
export function pointId(model: string, embedded: string, payload: VectorPayload): string {
  const h = createHash('sha256')
    .update(
      JSON.stringify([
        model,
        embedded,
        payload.passage,
        payload.source,
        payload.lang,
        payload.category ?? null,
      ]),
    )
    .digest('hex');
  // Formatted as a UUID (version nibble 5, RFC 4122 variant) so Qdrant takes it as a point id.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A passage or a payload: both have the filtered fields. */
export function matchesFilter(
  payload: Pick<VectorPayload, 'lang' | 'source' | 'category'>,
  filter: VectorFilter | undefined,
): boolean {
  if (!filter) return true;
  return (
    (filter.lang === undefined || payload.lang === filter.lang) &&
    (filter.source === undefined || payload.source === filter.source) &&
    (filter.category === undefined || payload.category === filter.category)
  );
}

export class MemoryVectorIndex implements VectorIndex {
  readonly label = 'in-process';
  private readonly points = new Map<string, { vector: Float32Array; payload: VectorPayload }>();

  get size(): number {
    return this.points.size;
  }

  async ids(): Promise<Set<string>> {
    return new Set(this.points.keys());
  }

  async upsert(points: VectorPoint[]): Promise<void> {
    for (const p of points) this.points.set(p.id, { vector: unit(p.vector), payload: { ...p.payload } });
  }

  async delete(ids: string[]): Promise<void> {
    for (const id of ids) this.points.delete(id);
  }

  async search(vector: number[], k: number, filter?: VectorFilter): Promise<VectorHit[]> {
    const q = unit(vector);
    const hits: VectorHit[] = [];
    for (const [id, { vector: v, payload }] of this.points) {
      if (v.length !== q.length || !matchesFilter(payload, filter)) continue;
      let dot = 0;
      for (let i = 0; i < q.length; i++) dot += q[i] * v[i];
      hits.push({ id, score: dot });
    }
    return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, k);
  }

  async ready(): Promise<void> {}
}

function unit(vector: number[]): Float32Array {
  const v = Float32Array.from(vector);
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}
