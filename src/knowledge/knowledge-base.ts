/**
 * The knowledge base a turn searches: passages, the lexical index, and (when an embedder is
 * configured) the dense index; the two ranked lists are fused by reciprocal rank fusion.
 */
import type { Embedder } from './embedder.ts';
import { reciprocalRankFusion } from './fusion.ts';
import { LexicalIndex, type LexicalOptions } from './lexical.ts';
import { synonymTable } from './synonyms.ts';
import type { Passage, ScoredPassage, SearchResult } from './types.ts';
import type { VectorIndex } from './vector-index.ts';

export interface AnswerabilityOptions {
  /** Least share of the question's information the best passage must contain. @defaultValue 0.5 */
  minCoverage?: number;
  /** Least cosine similarity of the best passage when dense retrieval is on. @defaultValue 0.35 */
  minSimilarity?: number;
}

export interface KnowledgeBaseOptions {
  synonyms?: string[][];
  lexical?: LexicalOptions;
  answerability?: AnswerabilityOptions;
  /** How many candidates each retriever contributes before fusion. @defaultValue 50 */
  candidates?: number;
  dense?: { embedder: Embedder; index: VectorIndex };
}

export class KnowledgeBase {
  readonly passages: Passage[];
  private readonly lexical: LexicalIndex;
  private readonly minCoverage: number;
  private readonly minSimilarity: number;
  private readonly candidates: number;
  private readonly options: KnowledgeBaseOptions;

  constructor(passages: Passage[], options: KnowledgeBaseOptions = {}) {
    this.passages = passages;
    this.options = options;
    this.lexical = new LexicalIndex(passages, synonymTable(options.synonyms ?? []), options.lexical);
    this.minCoverage = options.answerability?.minCoverage ?? 0.5;
    this.minSimilarity = options.answerability?.minSimilarity ?? 0.35;
    this.candidates = options.candidates ?? 50;
  }

  /** Lexical search only: synchronous and fast, what `search` does without an embedder. */
  searchLexical(query: string, k = 5): SearchResult {
    const hits = this.lexical.search(query, Math.max(k, 1));
    const confidence = hits[0]?.coverage ?? 0;
    return {
      query,
      answerable: confidence >= this.minCoverage,
      confidence,
      results: hits.slice(0, k).map((h) => ({ passage: this.passages[h.doc], score: h.score })),
    };
  }

  async search(query: string, k = 5): Promise<SearchResult> {
    const dense = this.options.dense;
    if (!dense) return this.searchLexical(query, k);
    const lexHits = this.lexical.search(query, this.candidates);
    const [vector] = await dense.embedder.embed([query]);
    const denseHits = await dense.index.search(vector, this.candidates);
    const fused = reciprocalRankFusion([lexHits.map((h) => h.doc), denseHits.map((h) => h.doc)]);
    const coverage = new Map(lexHits.map((h) => [h.doc, h.coverage]));
    const similarity = new Map(denseHits.map((h) => [h.doc, h.score]));
    const results: ScoredPassage[] = fused.slice(0, k).map((f) => ({ passage: this.passages[f.doc], score: f.score }));
    const top = fused[0]?.doc;
    const cov = top === undefined ? 0 : (coverage.get(top) ?? 0);
    const sim = top === undefined ? 0 : (similarity.get(top) ?? 0);
    // Either signal may vouch for the passage: the words are there, or the meaning is.
    const confidence = Math.max(cov / this.minCoverage, sim / this.minSimilarity) / 2;
    return { query, answerable: confidence >= 0.5, confidence: Math.min(1, confidence), results };
  }
}
