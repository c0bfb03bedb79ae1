/**
 * Sentence-level answer selection: which sentences of the top passages answer the question. A
 * sentence scores by the information of the question's words it carries (general-language weight,
 * so "产假" counts and "公司" barely does), by the CJK character pairs it shares (colloquial
 * questions meet formal text halfway), by carrying a number or duration when the question asks for
 * one ("几天", "how long"), and by the rank of its passage. Sentences are verbatim slices of the
 * passage: an answer never rewrites the KB.
 */
import { information } from '../../knowledge/information.ts';
import { BIGRAM, hasCjk, tokenize } from '../../knowledge/tokenize.ts';
import type { ScoredPassage } from '../../knowledge/types.ts';

export interface Sentence {
  /** Index of the passage in the results it came from. */
  passage: number;
  /** Verbatim text, trimmed. */
  text: string;
  /** Position in its passage, for keeping a lead sentence's continuation. */
  at: number;
  score: number;
}

/** Questions that ask for a quantity, a duration or a date. */
const ASKS_AMOUNT =
  /几|多少|多久|多长|多大|多高|哪天|什么时候|何时|比例|标准|how (?:many|much|long|soon|often|far)|when|what (?:time|date|percent)|deadline|limit|\bmax|\bmin/i;
const HAS_AMOUNT =
  /\d|[一二两三四五六七八九十百千半][个]?(?:天|日|周|月|年|小时|倍|次|人|岁|%|％)|百分之|percent|weeks?|days?|months?|years?|hours?/i;

/** Bonus of a sentence with an amount, when the question asks for one, in information units. */
const AMOUNT_BONUS = 4;
/** Weight of one shared CJK character pair. */
const BIGRAM_WEIGHT = 1.5;
/** Each rank down the result list divides a sentence's score by 1 + this. */
const RANK_DECAY = 0.25;

/** The sentences of a passage: Chinese ones end in 。！？, English ones in . ! ? before a space; lines end too. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[。！？])|(?<=[.!?])(?=\s)|\n+/u)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** A synonym counts this share of the word the employee typed. */
const RELATED_WEIGHT = 0.5;

/**
 * @param related synonyms of the question's words (what the search also looked for)
 */
export function rankSentences(
  question: string,
  results: ScoredPassage[],
  related: string[] = [],
  passages = 3,
): Sentence[] {
  const q = tokenize(question);
  const own = new Set(q.words);
  const words = [...own].map((w) => ({ w, info: information(w), cjk: hasCjk(w) }));
  for (const w of new Set(related.flatMap((r) => tokenize(r).words)))
    if (!own.has(w)) words.push({ w, info: RELATED_WEIGHT * information(w), cjk: hasCjk(w) });
  const bigrams = new Set(q.bigrams);
  const wantsAmount = ASKS_AMOUNT.test(question);
  const out: Sentence[] = [];
  results.slice(0, passages).forEach((r, rank) => {
    splitSentences(r.passage.text).forEach((text, at) => {
      const t = tokenize(text);
      const have = new Set(t.words);
      const lower = text.toLowerCase();
      let score = 0;
      for (const { w, info, cjk } of words) if (have.has(w) || (cjk && lower.includes(w))) score += info;
      const pairs = new Set(t.bigrams.filter((b) => bigrams.has(b) && b.startsWith(BIGRAM)));
      score += pairs.size * BIGRAM_WEIGHT;
      if (wantsAmount && HAS_AMOUNT.test(text)) score += AMOUNT_BONUS;
      // Long sentences carry more words by chance; a headline-only line carries no answer.
      score /= 1 + text.length / 400;
      score /= 1 + RANK_DECAY * rank;
      if (score > 0) out.push({ passage: rank, text, at, score });
    });
  });
  return out.sort((a, b) => b.score - a.score || a.passage - b.passage || a.at - b.at);
}
