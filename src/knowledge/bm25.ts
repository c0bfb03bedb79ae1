/**
 * BM25F-style inverted index: each document is a set of weighted fields; a term's frequency is the
 * weighted sum over fields and the length is the weighted length.
 *
 * Memory: every term string is interned once (term → id); the build streams one document at a time
 * into flat typed buffers and ends with one compressed-sparse-row layout (`offsets` into `docs` and
 * `tfs`), so a 10k-passage index never holds a JS array or object per posting. Postings of a term are
 * sorted by document, so scoring is a tight loop over typed arrays.
 */

export interface Bm25Options {
  /** Term-frequency saturation. @defaultValue 1.0 (Xapian's default; tuned on the tune halves) */
  k1?: number;
  /** Length normalization. @defaultValue 0.5 (Xapian's default) */
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

/** A built index as plain data, for the KB snapshot (snapshot.ts): loading it builds nothing. */
export interface Bm25Parts {
  k1: number;
  b: number;
  /** Term strings by id. */
  terms: string[];
  offsets: Int32Array;
  docs: Int32Array;
  tfs: Float32Array;
  len: Float32Array;
  avgLen: number;
}

export class Bm25Index {
  readonly size: number;
  private readonly k1: number;
  private readonly b: number;
  private readonly ids = new Map<string, number>();
  /** Postings of term `id` are `docs[offsets[id]] … docs[offsets[id + 1] - 1]`, with their `tfs`. */
  private readonly offsets: Int32Array;
  private readonly docs: Int32Array;
  private readonly tfs: Float32Array;
  private readonly len: Float32Array;
  private readonly avgLen: number;
  /** Reused by every search: one score slot per document and the list of slots touched. */
  private readonly scores: Float32Array;
  private readonly touched: Int32Array;

  /**
   * @param documents the documents, or their count and a function that makes one document's fields
   *   on demand, so a large corpus never holds every term list at once
   */
  constructor(
    documents: FieldTerms[] | { count: number; fields: (doc: number) => FieldTerms } | Bm25Parts,
    options: Bm25Options = {},
  ) {
    if ('offsets' in documents) {
      const parts = documents;
      ({ k1: this.k1, b: this.b, offsets: this.offsets, docs: this.docs, tfs: this.tfs } = parts);
      ({ len: this.len, avgLen: this.avgLen } = parts);
      this.size = parts.len.length;
      for (const [id, term] of parts.terms.entries()) this.ids.set(term, id);
      this.scores = new Float32Array(this.size);
      this.touched = new Int32Array(this.size);
      return;
    }
    this.k1 = options.k1 ?? 1.0;
    this.b = options.b ?? 0.5;
    const count = Array.isArray(documents) ? documents.length : documents.count;
    const fieldsOf = Array.isArray(documents) ? (doc: number) => documents[doc] : documents.fields;
    this.size = count;
    this.len = new Float32Array(count);

    // Pass 1, streamed: each document's distinct (term id, tf) pairs appended to flat buffers.
    const pairTerm = new GrowableInt32();
    const pairTf = new GrowableFloat32();
    const docStart = new Int32Array(count + 1);
    const df = new GrowableInt32();
    const local = new Map<number, number>();
    let total = 0;
    for (let doc = 0; doc < count; doc++) {
      local.clear();
      for (const { terms, weight } of fieldsOf(doc)) {
        for (const term of terms) {
          let id = this.ids.get(term);
          if (id === undefined) {
            id = this.ids.size;
            this.ids.set(term, id);
            df.push(0);
          }
          local.set(id, (local.get(id) ?? 0) + weight);
        }
        this.len[doc] += terms.length * weight;
      }
      total += this.len[doc];
      for (const [id, f] of local) {
        pairTerm.push(id);
        pairTf.push(f);
        df.increment(id);
      }
      docStart[doc + 1] = pairTerm.length;
    }
    this.avgLen = count ? total / count : 1;

    // Pass 2: counting sort of the pairs by term; documents were visited in order, so each term's
    // postings come out sorted by document.
    const terms = this.ids.size;
    this.offsets = new Int32Array(terms + 1);
    for (let id = 0; id < terms; id++) this.offsets[id + 1] = this.offsets[id] + df.at(id);
    const fill = this.offsets.slice(0, terms);
    this.docs = new Int32Array(pairTerm.length);
    this.tfs = new Float32Array(pairTerm.length);
    for (let doc = 0; doc < count; doc++) {
      for (let i = docStart[doc]; i < docStart[doc + 1]; i++) {
        const at = fill[pairTerm.at(i)]++;
        this.docs[at] = doc;
        this.tfs[at] = pairTf.at(i);
      }
    }
    this.scores = new Float32Array(count);
    this.touched = new Int32Array(count);
  }

  /** The built index as plain data (term strings in id order). */
  parts(): Bm25Parts {
    const terms = new Array<string>(this.ids.size);
    for (const [term, id] of this.ids) terms[id] = term;
    const { k1, b, offsets, docs, tfs, len, avgLen } = this;
    return { k1, b, terms, offsets, docs, tfs, len, avgLen };
  }

  /** Every distinct term, in no particular order. */
  termList(): IterableIterator<string> {
    return this.ids.keys();
  }

  /** Number of distinct terms: what the interning saves on. */
  get terms(): number {
    return this.ids.size;
  }

  /** Documents that contain `term`. */
  df(term: string): number {
    const id = this.ids.get(term);
    return id === undefined ? 0 : this.offsets[id + 1] - this.offsets[id];
  }

  /** Inverse document frequency; a term the index has never seen gets the highest value. */
  idf(term: string): number {
    const df = this.df(term);
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.ids.has(term);
  }

  /** Whether document `doc` has `term`: a binary search in the term's postings. */
  contains(term: string, doc: number): boolean {
    const id = this.ids.get(term);
    if (id === undefined) return false;
    let lo = this.offsets[id];
    let hi = this.offsets[id + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const d = this.docs[mid];
      if (d === doc) return true;
      if (d < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Top `k` documents for the query, best first. */
  search(query: WeightedTerm[], k: number): Hit[] {
    const { k1, b, avgLen, len, scores, touched, docs, tfs } = this;
    let touchedCount = 0;
    for (const { term, weight } of query) {
      const id = this.ids.get(term);
      // A weight of 0 adds nothing, and would list a document as touched once per such term.
      if (id === undefined || !(weight > 0)) continue;
      const w = weight * this.idf(term);
      const end = this.offsets[id + 1];
      for (let i = this.offsets[id]; i < end; i++) {
        const d = docs[i];
        const tf = tfs[i];
        if (scores[d] === 0) touched[touchedCount++] = d;
        scores[d] += (w * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * len[d]) / avgLen));
      }
    }
    const hits = topK(touched, touchedCount, scores, k);
    for (let i = 0; i < touchedCount; i++) scores[touched[i]] = 0;
    return hits;
  }
}

function topK(candidates: Int32Array, count: number, scores: Float32Array, k: number): Hit[] {
  // Keep a small sorted buffer instead of sorting every touched document.
  const best: Hit[] = [];
  for (let c = 0; c < count; c++) {
    const doc = candidates[c];
    const score = scores[doc];
    if (score <= 0) continue;
    if (
      best.length === k &&
      (score < best[k - 1].score || (score === best[k - 1].score && doc > best[k - 1].doc))
    )
      continue;
    let i = best.length;
    while (i > 0 && (best[i - 1].score < score || (best[i - 1].score === score && best[i - 1].doc > doc)))
      i--;
    best.splice(i, 0, { doc, score });
    if (best.length > k) best.pop();
  }
  return best;
}

/** Fixed-size chunks: growing never copies, and never leaves a doubled buffer half empty. */
const CHUNK = 1 << 20;

class GrowableInt32 {
  private readonly chunks: Int32Array[] = [];
  length = 0;
  push(x: number): void {
    const i = this.length & (CHUNK - 1);
    if (i === 0) this.chunks.push(new Int32Array(CHUNK));
    this.chunks[this.chunks.length - 1][i] = x;
    this.length++;
  }
  at(n: number): number {
    return this.chunks[n >>> 20][n & (CHUNK - 1)];
  }
  increment(n: number): void {
    this.chunks[n >>> 20][n & (CHUNK - 1)]++;
  }
}

class GrowableFloat32 {
  private readonly chunks: Float32Array[] = [];
  length = 0;
  push(x: number): void {
    const i = this.length & (CHUNK - 1);
    if (i === 0) this.chunks.push(new Float32Array(CHUNK));
    this.chunks[this.chunks.length - 1][i] = x;
    this.length++;
  }
  at(n: number): number {
    return this.chunks[n >>> 20][n & (CHUNK - 1)];
  }
}
