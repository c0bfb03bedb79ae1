/**
 * Lexical retrieval: BM25F over passage fields, with bilingual terms and synonym expansion.
 */
import { Bm25Index, type FieldTerms, type Hit, type WeightedTerm } from './bm25.ts';
import { expand, type SynonymTable } from './synonyms.ts';
import { BIGRAM, terms, tokenize } from './tokenize.ts';
import type { Passage } from './types.ts';

export interface LexicalOptions {
  /** Field weights (term frequency multipliers). @defaultValue title 2, heading 2, questions 1.5, text 1 */
  fields?: { title: number; heading: number; questions: number; text: number };
  /** Query weight of a CJK bigram relative to a word. @defaultValue 0.5 */
  bigramWeight?: number;
  /** Query weight of a CJK single character relative to a word. @defaultValue 0.1 */
  unigramWeight?: number;
  /** Query weight of a synonym relative to the word the user typed. @defaultValue 0.6 */
  synonymWeight?: number;
  /**
   * Weight of the whole document's match added to each passage's, so a passage of the right
   * article or page wins over a stray mention elsewhere. @defaultValue 0.3
   */
  documentWeight?: number;
  k1?: number;
  b?: number;
}

const DEFAULT_FIELDS = { title: 2, heading: 2, questions: 1.5, text: 1 };

export interface LexicalHit {
  doc: number;
  score: number;
  /** Share of the query's information (idf mass) found in this passage, 0..1. */
  coverage: number;
}

export class LexicalIndex {
  private readonly index: Bm25Index;
  private readonly bigramWeight: number;
  private readonly synonymWeight: number;
  private readonly unigramWeight: number;
  private readonly synonyms: SynonymTable;
  private readonly documents: Bm25Index;
  /** For each passage, its document's number in `documents`. */
  private readonly documentOf: Int32Array;
  private readonly documentWeight: number;

  constructor(passages: Passage[], synonyms: SynonymTable, options: LexicalOptions = {}) {
    this.synonyms = synonyms;
    const f = options.fields ?? DEFAULT_FIELDS;
    this.bigramWeight = options.bigramWeight ?? 0.5;
    this.synonymWeight = options.synonymWeight ?? 0.6;
    this.unigramWeight = options.unigramWeight ?? 0.1;
    const docs: FieldTerms[] = passages.map((p) => [
      { terms: terms(p.title), weight: f.title },
      { terms: terms(p.heading), weight: f.heading },
      { terms: terms([...p.questions, ...p.keywords].join('\n')), weight: f.questions },
      { terms: terms(p.text), weight: f.text },
    ]);
    this.index = new Bm25Index(docs, { k1: options.k1, b: options.b });
    this.documentWeight = options.documentWeight ?? 0.3;
    const sources = new Map<string, number>();
    const whole: string[][] = [];
    this.documentOf = Int32Array.from(passages, (p, i) => {
      let d = sources.get(p.source);
      if (d === undefined) {
        d = whole.length;
        sources.set(p.source, d);
        whole.push([...terms(p.title), ...terms([...p.questions, ...p.keywords].join('\n'))]);
      }
      whole[d].push(...docs[i][1].terms, ...docs[i][3].terms);
      return d;
    });
    this.documents = new Bm25Index(
      whole.map((t) => [{ terms: t, weight: 1 }]),
      { k1: options.k1, b: options.b },
    );
  }

  get size(): number {
    return this.index.size;
  }

  /** The weighted terms a query searches with: its own terms, then synonym terms. */
  queryTerms(query: string): { own: WeightedTerm[]; all: WeightedTerm[] } {
    const own = this.weigh(query, 1);
    const extra = expand(query, this.synonyms).flatMap((s) => this.weigh(s, this.synonymWeight));
    return { own, all: merge([...own, ...extra]) };
  }

  search(query: string, k: number): LexicalHit[] {
    const { own, all } = this.queryTerms(query);
    const hits = this.rank(all, k);
    const mass = own.reduce((s, t) => s + t.weight * this.index.idf(t.term), 0);
    return hits.map((h) => ({
      ...h,
      coverage: mass > 0 ? own.reduce((s, t) => s + (this.index.contains(h.doc, t.term) ? t.weight * this.index.idf(t.term) : 0), 0) / mass : 0,
    }));
  }

  private rank(query: WeightedTerm[], k: number): Hit[] {
    if (this.documentWeight === 0) return this.index.search(query, k);
    const pool = this.index.search(query, Math.max(k * 5, 50));
    const docScores = new Map(this.documents.search(query, this.documents.size).map((h) => [h.doc, h.score]));
    const top = pool[0]?.score || 1;
    const topDoc = Math.max(...docScores.values(), 1);
    return pool
      .map((h) => ({ doc: h.doc, score: h.score / top + this.documentWeight * ((docScores.get(this.documentOf[h.doc]) ?? 0) / topDoc) }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc)
      .slice(0, k);
  }

  private weigh(text: string, factor: number): WeightedTerm[] {
    const t = tokenize(text);
    return merge([
      ...t.words.map((term) => ({ term, weight: factor })),
      ...t.bigrams.map((term) => ({ term, weight: factor * this.bigramWeight })),
      ...t.unigrams.map((term) => ({ term, weight: factor * this.unigramWeight })),
    ]);
  }
}

/** Repeated terms add up, so a query's emphasis survives. */
function merge(list: WeightedTerm[]): WeightedTerm[] {
  const m = new Map<string, number>();
  for (const { term, weight } of list) m.set(term, (m.get(term) ?? 0) + weight);
  return [...m].map(([term, weight]) => ({ term, weight }));
}

export { BIGRAM };
