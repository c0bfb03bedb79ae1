/**
 * The knowledge base a turn searches: passages, the lexical index, and (when an embedder is
 * configured) the dense index; the two ranked lists are fused by reciprocal rank fusion.
 */

import {
  confidenceOf,
  DEFAULT_MIN_EVIDENCE,
  evidence,
  type PassageWords,
  passageWords,
} from './answerability.ts';
import type { Embedder } from './embedder.ts';
import { reciprocalRankFusion } from './fusion.ts';
import { information } from './information.ts';
import { LexicalIndex, type LexicalOptions } from './lexical.ts';
import { type SynonymTable, synonymTable } from './synonyms.ts';
import type { Passage, ScoredPassage, SearchResult } from './types.ts';
import type { VectorHit, VectorIndex } from './vector-index.ts';

export interface AnswerabilityOptions {
  /** Least information the best passage must share with the question (see answerability.ts). @defaultValue 13 */
  minEvidence?: number;
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
  /** Told when dense retrieval fails and the search carries on lexically. */
  onDenseError?: (err: unknown) => void;
}

export class KnowledgeBase {
  readonly passages: Passage[];
  private readonly lexical: LexicalIndex;
  private readonly minEvidence: number;
  private readonly synonyms: SynonymTable;
  private readonly minSimilarity: number;
  private readonly candidates: number;
  private readonly options: KnowledgeBaseOptions;
  /** Passage words for answerability, made on first use: only top passages ever need them. */
  private readonly wordsCache = new Map<number, PassageWords>();

  constructor(passages: Passage[], options: KnowledgeBaseOptions = {}) {
    this.passages = passages;
    this.options = options;
    this.synonyms = synonymTable(options.synonyms ?? []);
    this.lexical = new LexicalIndex(passages, this.synonyms, options.lexical);
    this.minEvidence = options.answerability?.minEvidence ?? DEFAULT_MIN_EVIDENCE;
    this.minSimilarity = options.answerability?.minSimilarity ?? 0.35;
    this.candidates = options.candidates ?? 50;
  }

  /** Loads what the first question would otherwise wait for (word-information tables). */
  warmUp(): void {
    information('工资');
    information('salary');
  }

  /** Lexical search only: synchronous and fast, what `search` does without an embedder. */
  searchLexical(query: string, k = 5): SearchResult {
    const hits = this.lexical.search(query, Math.max(k, 1));
    const confidence = this.lexicalConfidence(query, hits[0]?.doc);
    return {
      query,
      answerable: confidence >= 0.5,
      confidence,
      results: hits.slice(0, k).map((h) => ({ passage: this.passages[h.doc], score: h.score })),
    };
  }

  async search(query: string, k = 5): Promise<SearchResult> {
    const dense = this.options.dense;
    if (!dense) return this.searchLexical(query, k);
    const lexHits = this.lexical.search(query, this.candidates);
    let denseHits: VectorHit[];
    try {
      const [vector] = await dense.embedder.embed([query]);
      denseHits = await dense.index.search(vector, this.candidates);
    } catch (err) {
      // An embeddings outage must not stop answers: lexical search alone still works.
      this.options.onDenseError?.(err);
      return this.searchLexical(query, k);
    }
    const fused = reciprocalRankFusion([lexHits.map((h) => h.doc), denseHits.map((h) => h.doc)]);
    const similarity = new Map(denseHits.map((h) => [h.doc, h.score]));
    const results: ScoredPassage[] = fused
      .slice(0, k)
      .map((f) => ({ passage: this.passages[f.doc], score: f.score }));
    const top = fused[0]?.doc;
    const sim = top === undefined ? 0 : (similarity.get(top) ?? 0);
    // Either signal may vouch for the passage: the words are there, or the meaning is.
    const confidence = Math.max(this.lexicalConfidence(query, top), confidenceOf(sim, this.minSimilarity));
    return { query, answerable: confidence >= 0.5, confidence, results };
  }

  private lexicalConfidence(query: string, doc: number | undefined): number {
    if (doc === undefined) return 0;
    let words = this.wordsCache.get(doc);
    if (!words) {
      words = passageWords(this.passages[doc]);
      this.wordsCache.set(doc, words);
    }
    const e = evidence(query, this.passages[doc], this.synonyms, words);
    const confidence = confidenceOf(e.matched, this.minEvidence);
    // A short question the passage covers completely ("补卡", "VPN") is answerable even though it
    // carries little information in total.
    return e.missing.length === 0 && e.total >= this.minEvidence / 2 ? Math.max(confidence, 0.5) : confidence;
  }
}
