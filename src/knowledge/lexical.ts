/**
 * Lexical retrieval: BM25F over passage fields, with bilingual terms and synonym expansion; in
 * Chinese, the word ranking is fused with a plain character n-gram ranking.
 */
import { Abbreviations } from './abbreviations.ts';
import { Bm25Index, type Bm25Parts, type FieldTerms, type Hit, type WeightedTerm } from './bm25.ts';
import { fuseNormalized } from './fusion.ts';
import { expand, type SynonymTable } from './synonyms.ts';
import { terms, tokenize } from './tokenize.ts';
import type { Passage } from './types.ts';

export interface LexicalOptions {
  /** Field weights (term frequency multipliers). @defaultValue title 2, heading 2, questions 1.5, text 1 */
  fields?: { title: number; heading: number; questions: number; text: number };
  /** Query weight of a CJK bigram relative to a word. @defaultValue 1 (as Xapian's and Elasticsearch's `cjk` n-grams) */
  bigramWeight?: number;
  /** Query weight of a CJK single character relative to a word. @defaultValue 0.5 */
  unigramWeight?: number;
  /** Query weight of a synonym relative to the word the user typed. @defaultValue 0.4 */
  synonymWeight?: number;
  /**
   * Added to a passage's normalized score, times how closely the query matches one of its article's
   * alternate questions (Dice over terms, squared so that only close matches count): an employee
   * who types an FAQ gets that FAQ's article. @defaultValue 1
   */
  questionBoost?: number;
  /**
   * Added times how closely the query matches the passage's own heading (Dice over terms), so the
   * section titled "Reset your password" wins over a section that merely mentions resets.
   * @defaultValue 0.15
   */
  headingBoost?: number;
  /**
   * Weight of the character n-gram ranking beside the word ranking, for queries with Chinese text.
   * The n-gram ranking is plain BM25 over the query's CJK unigrams and bigrams, all weighted alike
   * and with no synonyms (what Xapian and Elasticsearch's `cjk` analyzer do): it does not depend on
   * where jieba cut the query or on what the synonym table holds, so a segmentation mistake or a
   * colloquial word costs less. Each ranking is divided by its best score and the two are added.
   * 0 turns it off. @defaultValue 1 (chosen on the tune halves of both eval KBs, see README)
   */
  gramRanking?: number;
  k1?: number;
  b?: number;
}

/**
 * A built index as plain data (the KB snapshot): the BM25 postings, and the term lists of headings
 * and alternate questions, each distinct list stored once with an index per passage.
 */
export interface LexicalParts {
  bm25: Bm25Parts;
  headings: string[][];
  headingOf: number[];
  questions: string[][][];
  questionsOf: number[];
}

const DEFAULT_FIELDS = { title: 2, heading: 2, questions: 1.5, text: 1 };

export class LexicalIndex {
  private readonly index: Bm25Index;
  private readonly bigramWeight: number;
  private readonly synonymWeight: number;
  private readonly unigramWeight: number;
  private readonly synonyms: SynonymTable;
  private readonly questionBoost: number;
  private readonly headingBoost: number;
  private readonly gramRanking: number;
  #abbreviations?: Abbreviations;
  private readonly headingTerms: Set<string>[];
  /** Term sets of each passage's alternate questions (shared by the passages of one article). */
  private readonly questionTerms: Set<string>[][];

  /** @param built the index as a snapshot stored it; `passages` are then not tokenized at all */
  constructor(
    passages: Passage[],
    synonyms: SynonymTable,
    options: LexicalOptions = {},
    built?: LexicalParts,
  ) {
    this.synonyms = synonyms;
    const f = options.fields ?? DEFAULT_FIELDS;
    this.bigramWeight = options.bigramWeight ?? 1;
    this.synonymWeight = options.synonymWeight ?? 0.4;
    this.unigramWeight = options.unigramWeight ?? 0.5;
    this.questionBoost = options.questionBoost ?? 1;
    this.headingBoost = options.headingBoost ?? 0.15;
    this.gramRanking = options.gramRanking ?? 1;
    if (built) {
      this.index = new Bm25Index(built.bm25);
      const headings = built.headings.map((t) => new Set(t));
      this.headingTerms = built.headingOf.map((i) => headings[i]);
      const questions = built.questions.map((sets) => sets.map((t) => new Set(t)));
      this.questionTerms = built.questionsOf.map((i) => questions[i]);
      return;
    }
    // Passages of one article share its title, questions and keywords, and often a heading:
    // each distinct string is tokenized once (build speed), and the lists are shared, not copied.
    const cache = new Map<string, string[]>();
    const cached = (text: string) => {
      let t = cache.get(text);
      if (!t) {
        t = terms(text);
        cache.set(text, t);
      }
      return t;
    };
    const fields = (i: number): FieldTerms => {
      const p = passages[i];
      return [
        { terms: cached(p.title), weight: f.title },
        { terms: cached(p.heading), weight: f.heading },
        { terms: cached([...p.questions, ...p.keywords].join('\n')), weight: f.questions },
        { terms: terms(p.text), weight: f.text },
      ];
    };
    this.index = new Bm25Index({ count: passages.length, fields }, { k1: options.k1, b: options.b });
    const headingSets = new Map<string, Set<string>>();
    this.headingTerms = passages.map((p) => {
      const last = p.heading.split(' › ').at(-1) ?? '';
      let set = headingSets.get(last);
      if (!set) {
        set = new Set(cached(last));
        headingSets.set(last, set);
      }
      return set;
    });
    const byArticle = new Map<string, Set<string>[]>();
    this.questionTerms = passages.map((p) => {
      let sets = byArticle.get(p.source);
      if (!sets) {
        sets = p.questions.map((q) => new Set(terms(q)));
        byArticle.set(p.source, sets);
      }
      return sets;
    });
  }

  /** The built index as plain data, for a snapshot. */
  parts(): LexicalParts {
    const intern = <T>(lists: T[]) => {
      const unique = new Map<T, number>();
      const of = lists.map((l) => {
        let i = unique.get(l);
        if (i === undefined) {
          i = unique.size;
          unique.set(l, i);
        }
        return i;
      });
      return { unique: [...unique.keys()], of };
    };
    const h = intern(this.headingTerms);
    const q = intern(this.questionTerms);
    return {
      bm25: this.index.parts(),
      headings: h.unique.map((set) => [...set]),
      headingOf: h.of,
      questions: q.unique.map((sets) => sets.map((set) => [...set])),
      questionsOf: q.of,
    };
  }

  get size(): number {
    return this.index.size;
  }

  /** Whether any passage has this index term. */
  has(term: string): boolean {
    return this.index.has(term);
  }

  /** Whether passage `doc` has this index term (in any field). */
  contains(term: string, doc: number): boolean {
    return this.index.contains(term, doc);
  }

  /**
   * The weighted terms a query searches with: its own terms and, weighted lower, their synonyms and
   * the KB compounds its unknown short words abbreviate.
   */
  queryTerms(query: string): WeightedTerm[] {
    const extra = [...expand(query, this.synonyms), ...this.expansions(query)].flatMap((s) =>
      this.weigh(s, this.synonymWeight),
    );
    return merge([...this.weigh(query, 1), ...extra]);
  }

  /** KB compounds that words of the query (absent from the index) abbreviate: 社保 → 社会保险. */
  expansions(query: string): string[] {
    const out = new Set<string>();
    for (const w of tokenize(query, true).words) for (const full of this.abbreviationsOf(w)) out.add(full);
    return [...out];
  }

  /** The KB compounds `word` abbreviates, when the index lacks `word` itself. */
  abbreviationsOf(word: string): string[] {
    if (word.length !== 2 || this.index.has(word)) return [];
    this.#abbreviations ??= new Abbreviations(this.index.termList(), (w) => this.index.has(w));
    return this.#abbreviations.of(word);
  }

  search(query: string, k: number): Hit[] {
    const n = Math.max(k, 30);
    const words = this.index.search(this.queryTerms(query), n);
    const grams = this.gramRanking > 0 && words.length > 0 ? this.gramQuery(query) : [];
    const pool =
      grams.length > 0
        ? fuseNormalized([
            { hits: words, weight: 1 },
            { hits: this.index.search(grams, n), weight: this.gramRanking },
          ])
        : words;
    if (pool.length === 0 || (this.questionBoost === 0 && this.headingBoost === 0)) return pool.slice(0, k);
    const q = new Set(terms(query));
    const top = pool[0].score;
    return pool
      .map((h) => ({
        doc: h.doc,
        score:
          h.score / top +
          this.questionBoost * bestDice(q, this.questionTerms[h.doc]) ** 2 +
          this.headingBoost * bestDice(q, [this.headingTerms[h.doc]]),
      }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc)
      .slice(0, k);
  }

  /** The query's CJK unigrams and bigrams, one weight each; empty when it has no Chinese pair. */
  private gramQuery(query: string): WeightedTerm[] {
    const t = tokenize(query);
    if (t.bigrams.length === 0) return [];
    return merge([...t.bigrams, ...t.unigrams].map((term) => ({ term, weight: 1 })));
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

function bestDice(q: Set<string>, candidates: Set<string>[]): number {
  let best = 0;
  for (const c of candidates) {
    let shared = 0;
    for (const t of q) if (c.has(t)) shared++;
    best = Math.max(best, (2 * shared) / (q.size + c.size || 1));
  }
  return best;
}

/** Repeated terms add up, so a query's emphasis survives. */
function merge(list: WeightedTerm[]): WeightedTerm[] {
  const m = new Map<string, number>();
  for (const { term, weight } of list) m.set(term, (m.get(term) ?? 0) + weight);
  return [...m].map(([term, weight]) => ({ term, weight }));
}
