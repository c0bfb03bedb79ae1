/**
 * Groups the questions the bot could not answer (declined, or answered and voted 👎) so an editor
 * sees one line per missing article, not one per wording (DESIGN §2 flow 7).
 *
 * A question becomes a weighted bag of the retrieval tokenizer's terms (tokenize.ts: jieba words
 * with CJK character bigrams and characters, stemmed English words), each weighted by how much it says in general
 * language (information.ts: jieba's IDF, spoken-English frequencies), so "怎么/how" count for little
 * and "公积金/VPN" for a lot; members of one synonym group (synonyms.ts, extended by config) also
 * share one term, so "工资条" meets "工资单" and "pay stub" meets "payslip". Nothing here is a list
 * of this KB's topics: the weights come from the language and the KB's own synonym table.
 * Clusters are average-link agglomerative over cosine similarity, stopped at `minSimilarity`.
 */
import { information } from '../information.ts';
import type { SynonymTable } from '../synonyms.ts';
import { normalize, tokenize, wordsOf } from '../tokenize.ts';

/** How much a CJK bigram or character counts next to a word: they restate the words they overlap. */
const GRAM_SHARE = 0.5;
/**
 * A bigram the dictionary does not know mostly straddles two words (食堂几点 → 堂几); it is kept
 * for segmentation differences but weighs no more than an everyday word.
 */
const GRAM_CAP = 8;

export type TermVector = Map<string, number>;

export interface ClusterOptions {
  synonyms?: SynonymTable;
  /**
   * Least average cosine similarity of two groups to merge them. @defaultValue 0.35, set before
   * the two small zh+en sets in tests/knowledge/upkeep/cluster-questions.test.ts were scored
   */
  minSimilarity?: number;
}

const DEFAULT_MIN_SIMILARITY = 0.35;

/** The synonym groups as connected components: each phrase → one shared id. */
function synonymIds(table: SynonymTable): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  for (const [phrase, { others }] of table.expansions) {
    if (!parent.has(phrase)) parent.set(phrase, phrase);
    for (const o of others) {
      if (!parent.has(o)) parent.set(o, o);
      const a = find(phrase);
      const b = find(o);
      if (a !== b) parent.set(a, b);
    }
  }
  return new Map([...parent.keys()].map((p) => [p, find(p)]));
}

const idCache = new WeakMap<SynonymTable, Map<string, string>>();

export function questionVector(text: string, synonyms?: SynonymTable): TermVector {
  const v: TermVector = new Map();
  const add = (term: string, w: number) => v.set(term, (v.get(term) ?? 0) + w);
  const { words, bigrams, unigrams } = tokenize(text);
  for (const w of words) add(w, information(w));
  for (const g of [...bigrams, ...unigrams]) add(g, GRAM_SHARE * Math.min(GRAM_CAP, information(g.slice(1))));
  if (synonyms) {
    let ids = idCache.get(synonyms);
    if (!ids) {
      ids = synonymIds(synonyms);
      idCache.set(synonyms, ids);
    }
    const q = normalize(text);
    const seen = new Set<string>();
    for (const [phrase, { find }] of synonyms.expansions) {
      const id = ids.get(phrase) as string;
      if (seen.has(id) || !find(q)) continue;
      seen.add(id);
      const parts = wordsOf(phrase);
      const weight = parts.reduce((sum, w) => sum + information(w), 0) / Math.max(1, parts.length);
      add(`\u0004${id}`, weight);
    }
  }
  return v;
}

export function cosine(a: TermVector, b: TermVector): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, w] of a) {
    na += w * w;
    const x = b.get(t);
    if (x !== undefined) dot += w * x;
  }
  for (const w of b.values()) nb += w * w;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Indices of `texts` grouped: each group lists its members, and groups come in input order of
 * their first member. Average link: two groups merge when their members are, on average, at
 * least `minSimilarity` alike, so a chain of loosely related questions does not snowball.
 */
export function clusterQuestions(texts: readonly string[], options: ClusterOptions = {}): number[][] {
  const min = options.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
  const vectors = texts.map((t) => questionVector(t, options.synonyms));
  const n = texts.length;
  const sim: Float64Array[] = vectors.map((a, i) => {
    const row = new Float64Array(n);
    for (let j = 0; j < i; j++) row[j] = cosine(a, vectors[j]);
    return row;
  });
  const pair = (i: number, j: number) => (i > j ? sim[i][j] : sim[j][i]);
  let groups: number[][] = texts.map((_, i) => [i]);
  for (;;) {
    let best = min;
    let merge: [number, number] | undefined;
    for (let a = 0; a < groups.length; a++) {
      for (let b = a + 1; b < groups.length; b++) {
        let total = 0;
        for (const i of groups[a]) for (const j of groups[b]) total += pair(i, j);
        const avg = total / (groups[a].length * groups[b].length);
        if (avg >= best) {
          best = avg;
          merge = [a, b];
        }
      }
    }
    if (!merge) break;
    const [a, b] = merge;
    groups[a] = [...groups[a], ...groups[b]].sort((x, y) => x - y);
    groups = groups.filter((_, k) => k !== b);
  }
  return groups.sort((x, y) => x[0] - y[0]);
}
