/**
 * BM25F-style inverted index: each document is a set of weighted fields; a term's frequency is the
 * weighted sum over fields and the length is the weighted length. Postings are typed arrays sorted
 * by document, so scoring is a tight loop and membership checks are binary searches.
 */

export interface Bm25Options {
  /** Term-frequency saturation. @defaultValue 1.6 */
  k1?: number;
  /** Length normalization. @defaultValue 0.75 */
  b?: number;
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

export interface Hit {
  doc: number;
  score: number;
}

/** One document: its fields as term lists, each with the field's weight. */
export type FieldTerms = { terms: string[]; weight: number }[];

export class Bm25Index {
  readonly size: number;
  private readonly k1: number;
  private readonly b: number;
  private readonly ids = new Map<string, number>();
  private readonly docs: Int32Array[] = [];
  private readonly tfs: Float32Array[] = [];
  private readonly len: Float32Array;
  private readonly avgLen: number;

  /**
   * @param documents the documents, or their count and a function that makes one document's fields
   *   on demand, so a large corpus never holds every term list at once
   */
  constructor(
    documents: FieldTerms[] | { count: number; fields: (doc: number) => FieldTerms },
    options: Bm25Options = {},
  ) {
    this.k1 = options.k1 ?? 1.6;
    this.b = options.b ?? 0.75;
    const count = Array.isArray(documents) ? documents.length : documents.count;
    const fieldsOf = Array.isArray(documents) ? (doc: number) => documents[doc] : documents.fields;
    this.size = count;
    this.len = new Float32Array(count);
    const postDocs: number[][] = [];
    const postTfs: number[][] = [];
    let total = 0;
    for (let doc = 0; doc < count; doc++) {
      const fields = fieldsOf(doc);
      const tf = new Map<number, number>();
      for (const { terms, weight } of fields) {
        for (const term of terms) {
          let id = this.ids.get(term);
          if (id === undefined) {
            id = postDocs.length;
            this.ids.set(term, id);
            postDocs.push([]);
            postTfs.push([]);
          }
          tf.set(id, (tf.get(id) ?? 0) + weight);
        }
        this.len[doc] += terms.length * weight;
      }
      total += this.len[doc];
      for (const [id, f] of tf) {
        postDocs[id].push(doc);
        postTfs[id].push(f);
      }
    }
    this.avgLen = count ? total / count : 1;
    for (let i = 0; i < postDocs.length; i++) {
      this.docs.push(Int32Array.from(postDocs[i]));
      this.tfs.push(Float32Array.from(postTfs[i]));
    }
  }

  /** Inverse document frequency; a term the index has never seen gets the highest value. */
  idf(term: string): number {
    const id = this.ids.get(term);
    const df = id === undefined ? 0 : this.docs[id].length;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.ids.has(term);
  }

  /** Top `k` documents for the query, best first. */
  search(query: WeightedTerm[], k: number): Hit[] {
    const scores = new Float32Array(this.size);
    const touched: number[] = [];
    const { k1, b, avgLen, len } = this;
    for (const { term, weight } of query) {
      const id = this.ids.get(term);
      if (id === undefined) continue;
      const docs = this.docs[id];
      const tfs = this.tfs[id];
      const w = weight * this.idf(term);
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i];
        const tf = tfs[i];
        if (scores[d] === 0) touched.push(d);
        scores[d] += (w * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * len[d]) / avgLen));
      }
    }
    return topK(touched, scores, k);
  }
}

function topK(candidates: number[], scores: Float32Array, k: number): Hit[] {
  if (candidates.length <= k * 4) {
    return candidates
      .map((doc) => ({ doc, score: scores[doc] }))
      .sort((x, y) => y.score - x.score || x.doc - y.doc)
      .slice(0, k);
  }
  // Keep a small sorted buffer instead of sorting every touched document.
  const best: Hit[] = [];
  for (const doc of candidates) {
    const score = scores[doc];
    if (best.length === k && score <= best[k - 1].score) continue;
    let i = best.length;
    while (i > 0 && (best[i - 1].score < score || (best[i - 1].score === score && best[i - 1].doc > doc)))
      i--;
    best.splice(i, 0, { doc, score });
    if (best.length > k) best.pop();
  }
  return best;
}
