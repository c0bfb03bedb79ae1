/**
 * Dense vector search. The in-process implementation is a flat cosine scan over normalized
 * Float32Arrays (exact, and fast enough for tens of thousands of passages); Qdrant comes behind
 * the same interface when QDRANT_URL is set.
 */
export interface VectorHit {
  doc: number;
  /** Cosine similarity. */
  score: number;
}

export interface VectorIndex {
  upsert(doc: number, vector: number[]): Promise<void>;
  search(vector: number[], k: number): Promise<VectorHit[]>;
  readonly size: number;
}

export class MemoryVectorIndex implements VectorIndex {
  private readonly vectors = new Map<number, Float32Array>();

  get size(): number {
    return this.vectors.size;
  }

  async upsert(doc: number, vector: number[]): Promise<void> {
    this.vectors.set(doc, unit(vector));
  }

  async search(vector: number[], k: number): Promise<VectorHit[]> {
    const q = unit(vector);
    const hits: VectorHit[] = [];
    for (const [doc, v] of this.vectors) {
      if (v.length !== q.length) continue;
      let dot = 0;
      for (let i = 0; i < q.length; i++) dot += q[i] * v[i];
      hits.push({ doc, score: dot });
    }
    return hits.sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
  }
}

function unit(vector: number[]): Float32Array {
  const v = Float32Array.from(vector);
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}
