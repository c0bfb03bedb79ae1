/**
 * The knowledge base a turn searches: passages, the lexical index, and (when an embedder is
 * configured) the dense index; the two ranked lists are fused by reciprocal rank fusion.
 */

import { type AccessRole, mayRead } from '../access/policy.ts';
import { maskPii } from '../privacy/pii.ts';
import { confidenceOf, evidence } from './answerability.ts';
import { type Calibration, type CalibrationOptions, calibrate } from './calibrate.ts';
import type { Embedder } from './embedder.ts';
import { fuseNormalized, reciprocalRankFusion } from './fusion.ts';
import { information } from './information.ts';
import { LexicalIndex, type LexicalOptions, type LexicalParts } from './lexical.ts';
import type { MeaningIndex } from './meaning/meaning-index.ts';
import { expand, type SynonymTable, synonymTable } from './synonyms.ts';
import { hasCjk } from './tokenize.ts';
import type { Lang, Passage, SearchResult } from './types.ts';
import { matchesFilter, type VectorFilter, type VectorHit, type VectorIndex } from './vector-index.ts';

/**
 * What a search may return: the vector filter (language, source, category) and the asker's role,
 * so a passage whose document names an audience (`audience: [hr_admin, l2]`) is never cited to
 * anyone outside it (src/access/policy.ts `mayRead`). No reader: every passage (the CLI, evals).
 */
export interface SearchFilter extends VectorFilter {
  reader?: AccessRole;
}

export interface AnswerabilityOptions {
  /**
   * Least information the best passages must share with the question (see answerability.ts), for
   * both languages. @defaultValue learned from the KB at first search (calibrate.ts)
   */
  minEvidence?: number;
  /** How the threshold is learned when `minEvidence` is not set. */
  calibration?: CalibrationOptions;
  /** Thresholds already learned from these same passages (a cache), used as they are. */
  learned?: Calibration;
  /** Least cosine similarity of the best passage when dense retrieval is on. @defaultValue 0.35 */
  minSimilarity?: number;
}

export interface KnowledgeBaseOptions {
  synonyms?: string[][];
  lexical?: LexicalOptions;
  answerability?: AnswerabilityOptions;
  /** How many candidates each retriever contributes before fusion. @defaultValue 50 */
  candidates?: number;
  /** `ids[i]` is passage i's point id in `index` (embedPassages returns them). */
  dense?: { embedder: Embedder; index: VectorIndex; ids: string[] };
  /** Told when dense retrieval fails and the search carries on lexically. */
  onDenseError?: (err: unknown) => void;
  /** The lexical index already built for these passages (a snapshot); nothing is tokenized. */
  built?: LexicalParts;
}

export class KnowledgeBase {
  readonly passages: Passage[];
  private readonly lexical: LexicalIndex;
  private calibration: Calibration | undefined;
  private readonly synonyms: SynonymTable;
  private readonly minSimilarity: number;
  private readonly candidates: number;
  private readonly options: KnowledgeBaseOptions;
  /** Point id → passage, for dense hits; identical passages share a point, the first one wins. */
  private readonly docOfPoint = new Map<string, number>();
  /** English search by meaning, once its vectors are ready (useMeaning). */
  private meaning: MeaningIndex | undefined;

  constructor(passages: Passage[], options: KnowledgeBaseOptions = {}) {
    this.passages = passages;
    this.options = options;
    this.synonyms = synonymTable(options.synonyms ?? []);
    this.lexical = new LexicalIndex(passages, this.synonyms, options.lexical, options.built);
    const fixed = options.answerability?.minEvidence;
    this.calibration = options.answerability?.learned;
    if (fixed !== undefined)
      this.calibration = {
        minEvidence: { zh: fixed, en: fixed },
        source: 'configured',
        samples: { zh: 0, en: 0 },
      };
    this.minSimilarity = options.answerability?.minSimilarity ?? 0.35;
    this.candidates = options.candidates ?? 50;
    options.dense?.ids.forEach((id, doc) => {
      if (!this.docOfPoint.has(id)) this.docOfPoint.set(id, doc);
    });
  }

  /** The lexical index as plain data, for a snapshot. */
  lexicalParts(): LexicalParts {
    return this.lexical.parts();
  }

  /** From now on English questions are also matched by meaning (meaning-index.ts). */
  useMeaning(index: MeaningIndex): void {
    this.meaning = index;
  }

  /** Whether English questions are matched by meaning now. */
  get meaningReady(): boolean {
    return this.meaning !== undefined;
  }

  /** The meaning index's windows, and how many were encoded when it was built (the rest were cached). */
  meaningStats(): { windows: number; encoded: number } | undefined {
    return this.meaning && { windows: this.meaning.windows, encoded: this.meaning.encoded };
  }

  /** Loads what the first question would otherwise wait for (word tables, the calibration). */
  warmUp(): void {
    information('工资');
    information('salary');
    this.answerability();
  }

  /** The decline thresholds in force: learned from this KB on first use unless configured. */
  answerability(): Calibration {
    if (!this.calibration) {
      this.calibration = calibrate(
        this.passages,
        (q) =>
          this.evidenceOf(
            q,
            this.lexical.search(q, EVIDENCE_PASSAGES).map((h) => h.doc),
          ),
        (term) => this.lexical.has(term),
        this.options.answerability?.calibration,
      );
    }
    return this.calibration;
  }

  /** Lexical search only: synchronous and fast, what `search` does without an embedder. */
  searchLexical(query: string, k = 5, filter?: SearchFilter): SearchResult {
    const hits = this.lexicalHits(query, Math.max(k, EVIDENCE_PASSAGES), filter);
    const confidence = this.lexicalConfidence(
      query,
      hits.slice(0, EVIDENCE_PASSAGES).map((h) => h.doc),
    );
    return {
      query,
      answerable: confidence >= 0.5,
      confidence,
      results: hits.slice(0, k).map((h) => ({ passage: this.passages[h.doc], score: h.score })),
      related: this.related(query),
    };
  }

  /** Lexical and (when configured) dense search, fused; `filter` keeps only matching passages. */
  async search(query: string, k = 5, filter?: SearchFilter): Promise<SearchResult> {
    const dense = this.options.dense;
    if (!dense && this.meaning && !hasCjk(query)) return this.searchByMeaning(this.meaning, query, k, filter);
    if (!dense) return this.searchLexical(query, k, filter);
    const lexHits = this.lexicalHits(query, this.candidates, filter);
    let denseHits: { doc: number; score: number }[];
    try {
      // Personal data never leaves the process (DESIGN §7): the embeddings endpoint sees it masked.
      const [vector] = await dense.embedder.embed([maskPii(query)]);
      const { reader, ...where } = filter ?? {};
      const points = await dense.index.search(vector, this.candidates, filter ? where : undefined);
      denseHits = this.passagesOf(points).filter(({ doc }) => this.readable(doc, reader));
    } catch (err) {
      // An embeddings or vector-store outage must not stop answers: lexical search alone still works.
      this.options.onDenseError?.(err);
      return this.searchLexical(query, k, filter);
    }
    const fused = reciprocalRankFusion([lexHits.map((h) => h.doc), denseHits.map((h) => h.doc)]);
    const similarity = new Map(denseHits.map((h) => [h.doc, h.score]));
    const top = fused[0]?.doc;
    // Either signal may vouch for the passage: the words are there, or the meaning is.
    return this.fusedResult(
      query,
      fused,
      k,
      confidenceOf(top === undefined ? 0 : (similarity.get(top) ?? 0), this.minSimilarity),
    );
  }

  /**
   * Words and meaning (an English question, with the shipped sentence encoder): each ranking divided
   * by its best score and added, meaning at half weight. Similarities are first taken above the
   * last candidate's, so they count by how far a passage stands out, not by the encoder's floor
   * (unrelated English texts are still ~0.3 similar). Only the words decide answerability: this
   * encoder's similarity barely tells out-of-scope questions from answerable ones (README, Quality).
   */
  private async searchByMeaning(
    meaning: MeaningIndex,
    query: string,
    k: number,
    filter: SearchFilter | undefined,
  ): Promise<SearchResult> {
    const lexHits = this.lexicalHits(query, this.candidates, filter);
    let near: { doc: number; score: number }[] | undefined;
    try {
      // Encoded in this process (the encoder's thread), masked all the same, as every query is.
      near = await meaning.search(maskPii(query), this.candidates);
    } catch (err) {
      this.options.onDenseError?.(err);
    }
    if (!near) return this.searchLexical(query, k, filter);
    const floor = near.at(-1)?.score ?? 0;
    const meaningHits = near
      .filter(
        ({ doc }) =>
          !filter || (matchesFilter(this.passages[doc], filter) && this.readable(doc, filter.reader)),
      )
      .map((h) => ({ doc: h.doc, score: h.score - floor }));
    const fused = fuseNormalized([
      { hits: lexHits, weight: 1 },
      { hits: meaningHits, weight: MEANING_WEIGHT },
    ]);
    return this.fusedResult(query, fused, k);
  }

  /**
   * A fused ranking as a search result: answerable when the words of the top passages cover the
   * question, or when `vouched` (a dense similarity's confidence) says so.
   */
  private fusedResult(
    query: string,
    fused: { doc: number; score: number }[],
    k: number,
    vouched = 0,
  ): SearchResult {
    const confidence = Math.max(
      this.lexicalConfidence(
        query,
        fused.slice(0, EVIDENCE_PASSAGES).map((f) => f.doc),
      ),
      vouched,
    );
    return {
      query,
      answerable: confidence >= 0.5,
      confidence,
      results: fused.slice(0, k).map((f) => ({ passage: this.passages[f.doc], score: f.score })),
      related: this.related(query),
    };
  }

  /** Phrases the search also looked for: synonyms, and the KB compounds of abbreviations. */
  private related(query: string): string[] {
    return [...expand(query, this.synonyms), ...this.lexical.expansions(query)];
  }

  private lexicalHits(query: string, n: number, filter: SearchFilter | undefined) {
    const restricted = filter?.reader !== undefined && this.hasAudience;
    if (!filter || (!restricted && !filter.lang && !filter.source && !filter.category)) {
      return this.lexical.search(query, n);
    }
    return this.lexical
      .search(query, this.passages.length)
      .filter(({ doc }) => matchesFilter(this.passages[doc], filter) && this.readable(doc, filter.reader))
      .slice(0, n);
  }

  /** Whether the reader may be cited the passage (no reader: anyone asking outside a channel). */
  private readable(doc: number, reader: AccessRole | undefined): boolean {
    return reader === undefined || mayRead(reader, this.passages[doc].audience);
  }

  /** Whether any document names an audience (most KBs: none, and searches skip the check). */
  private get hasAudience(): boolean {
    this.#hasAudience ??= this.passages.some((p) => p.audience && p.audience.length > 0);
    return this.#hasAudience;
  }
  #hasAudience?: boolean;

  /** Dense hits as passages; a point this KB does not know (another version's) is skipped. */
  private passagesOf(hits: VectorHit[]): { doc: number; score: number }[] {
    const out: { doc: number; score: number }[] = [];
    for (const h of hits) {
      const doc = this.docOfPoint.get(h.id);
      if (doc !== undefined) out.push({ doc, score: h.score });
    }
    return out;
  }

  /** The most information any of `docs` shares with the question. */
  private evidenceOf(query: string, docs: number[]): number {
    let best = 0;
    for (const doc of docs) best = Math.max(best, this.evidenceIn(query, doc).matched);
    return best;
  }

  /** Evidence from the index's postings: no passage is tokenized again. */
  private evidenceIn(query: string, doc: number) {
    const p = this.passages[doc];
    // A Chinese word also counts inside a longer one (国庆 in 国庆节): the passage's text has it.
    const has = (w: string) =>
      this.lexical.contains(w, doc) ||
      (hasCjk(w) && (p.text.includes(w) || p.heading.includes(w) || p.title.includes(w)));
    return evidence(query, p, this.synonyms, has, (w) => this.lexical.abbreviationsOf(w));
  }

  private lexicalConfidence(query: string, docs: number[]): number {
    if (docs.length === 0) return 0;
    const minEvidence = this.answerability().minEvidence[langOf(query)];
    let best = { matched: 0, total: 0, missing: [] as string[] };
    for (const doc of docs) {
      const e = this.evidenceIn(query, doc);
      if (e.matched > best.matched || (best.matched === 0 && doc === docs[0])) best = e;
    }
    const confidence = confidenceOf(best.matched, minEvidence);
    // A short question a passage covers completely ("补卡", "VPN") is answerable even though it
    // carries little information in total.
    return best.missing.length === 0 && best.total >= minEvidence / 2
      ? Math.max(confidence, 0.5)
      : confidence;
  }
}

/**
 * Weight of the meaning ranking beside the words' (1). Chosen on the tune halves of the English
 * question sets (0.25 / 0.5 / 0.75 / 1; README, Quality).
 */
const MEANING_WEIGHT = 0.5;

/** Answerability looks at this many top passages: the answer is often the second or third. */
const EVIDENCE_PASSAGES = 3;

function langOf(query: string): Lang {
  return hasCjk(query) ? 'zh' : 'en';
}
