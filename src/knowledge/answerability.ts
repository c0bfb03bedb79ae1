/**
 * Whether the best passage can answer the question: the passage must share enough *information*
 * with it — the summed general-language weight of the question's words that the passage contains
 * (itself or through a synonym). A question about the shuttle bus shares only "公司" and "几点"
 * with a labour-law passage; one about night shifts in pregnancy shares "怀孕" and "夜班".
 */
import { information } from './information.ts';
import { expand, type SynonymTable } from './synonyms.ts';
import { hasCjk, tokenize, wordsOf } from './tokenize.ts';
import type { Passage } from './types.ts';

export interface Evidence {
  /** Information shared by question and passage. */
  matched: number;
  /** Information in the question. */
  total: number;
  /** Question words the passage lacks, most informative first (for explanations and debugging). */
  missing: string[];
}

/** The words of a passage, as `evidence` needs them; worth caching per passage. */
export interface PassageWords {
  all: Set<string>;
  chinese: string[];
}

export function passageWords(passage: Passage): PassageWords {
  const text = `${passage.title}\n${passage.heading}\n${passage.questions.join('\n')}\n${passage.text}`;
  const all = new Set(wordsOf(text));
  return { all, chinese: [...all].filter(hasCjk) };
}

/**
 * Whether a passage has a word: a Chinese word also counts inside a longer word (国庆 in 国庆节,
 * 裁 in 裁减), but never across a word boundary (年会 is not in 每年|会同).
 */
export function hasWord(words: PassageWords): (word: string) => boolean {
  return (w) => words.all.has(w) || (hasCjk(w) && words.chinese.some((pw) => pw.includes(w)));
}

/**
 * @param has whether the passage has an index word; by default from the passage's own words. The
 *   knowledge base asks its index instead (postings), which needs no tokenizing and no cache.
 * @param alternates other phrases that stand for a question word in this KB (the compounds an
 *   abbreviation learned from the KB stands for, abbreviations.ts); a passage with one covers it
 */
export function evidence(
  question: string,
  passage: Passage,
  synonyms: SynonymTable,
  has: (word: string) => boolean = hasWord(passageWords(passage)),
  alternates: (word: string) => string[] = () => [],
): Evidence {
  let matched = 0;
  let total = 0;
  const missing: { word: string; info: number }[] = [];
  for (const word of new Set(tokenize(question).words)) {
    const info = information(word);
    total += info;
    const covered =
      has(word) ||
      [...expand(word, synonyms), ...alternates(word)].some((phrase) => {
        const ws = tokenize(phrase).words;
        return ws.length > 0 && ws.every(has);
      });
    if (covered) matched += info;
    else missing.push({ word, info });
  }
  return { matched, total, missing: missing.sort((a, b) => b.info - a.info).map((m) => m.word) };
}

/**
 * Maps evidence to 0..1 with 0.5 at the threshold, so confidences read the same at any setting. The
 * threshold is learned per KB and language (calibrate.ts) unless configured.
 */
export function confidenceOf(matched: number, minEvidence: number): number {
  return matched / (matched + minEvidence);
}
