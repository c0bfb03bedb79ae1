/**
 * Answerability thresholds learned from the KB itself at ingest, one per language, instead of a
 * constant chosen on a question set.
 *
 * The KB asks itself questions: each pseudo-question takes two words of one of its own sentences
 * and adds two everyday words the KB never uses (as an employee's question mixes the policy's words
 * with their own: "老婆" beside "产假", "my uncle" beside "bereavement"). The evidence the best
 * passages give such questions is what an answerable question gets *in this KB*: a statute book
 * writes in common words (low information), a tech handbook in jargon (high). The threshold is a
 * low quantile of that distribution, so about that share of answerable questions would be declined;
 * out-of-scope questions, which share only filler with every passage, fall below it.
 */

import { prng } from '../util/prng.ts';
import { generalWords } from './information.ts';
import { EN_STOP } from './stopwords.ts';
import { hasCjk, tokenize } from './tokenize.ts';
import type { Lang, Passage } from './types.ts';

export interface CalibrationOptions {
  /** Pseudo-questions per language. @defaultValue 200 */
  samples?: number;
  /**
   * Share of pseudo-questions the threshold declines: the method's one parameter, chosen on the
   * tune half of the first eval KB and checked on the second. @defaultValue 0.1
   */
  quantile?: number;
  /** Seed of the sampling, so a KB always gets the same thresholds. @defaultValue 1 */
  seed?: number;
}

export interface Calibration {
  /** Least evidence (information shared with the best passages) to answer, per question language. */
  minEvidence: Record<Lang, number>;
  /** Where the numbers came from: learned from the KB, set in config, or the fallback for no text. */
  source: 'calibrated' | 'configured';
  /** Pseudo-questions asked per language (0: the language has no passages; the other's value is used). */
  samples: Record<Lang, number>;
}

/** Used for a language with no passages at all, and as a floor against degenerate tiny KBs. */
export const FALLBACK_MIN_EVIDENCE = 10;
/** Everyday words with this much information: neither filler (今天, today) nor rare jargon. */
const FOREIGN_INFO: [number, number] = [6, 11];

export function calibrate(
  passages: Passage[],
  /** Evidence the search gives a question (the same function answerability uses at query time). */
  evidenceOf: (question: string) => number,
  /** Whether the KB's index has this term, so "foreign" words are really foreign to this KB. */
  knows: (term: string) => boolean,
  options: CalibrationOptions = {},
): Calibration {
  const samples = options.samples ?? 200;
  const quantile = options.quantile ?? 0.1;
  const rand = prng(options.seed ?? 1);
  const minEvidence: Record<Lang, number> = { zh: FALLBACK_MIN_EVIDENCE, en: FALLBACK_MIN_EVIDENCE };
  const asked: Record<Lang, number> = { zh: 0, en: 0 };
  for (const lang of ['zh', 'en'] as const) {
    const own = passages.filter((p) => p.lang === lang);
    if (own.length === 0) continue;
    const general = generalWords(lang, ...FOREIGN_INFO);
    // Checked as drawn: tokenizing the whole everyday vocabulary, or every passage of a 10k-passage
    // KB, would cost seconds; only the sampled passages and words are tokenized.
    const isForeign = (w: string) => !tokenize(w).words.some(knows);
    const foreign = () => pickWhere(rand, general, isForeign);
    const evidence: number[] = [];
    for (let tries = 0; evidence.length < samples && tries < samples * 5; tries++) {
      const sentences = own[Math.floor(rand() * own.length)].text.split(SENTENCE_END);
      const words = contentWords(sentences[Math.floor(rand() * sentences.length)], lang);
      if (words.length < 2) continue;
      const theirs = [foreign(), foreign()].filter((w): w is string => w !== undefined);
      if (theirs.length < 2) break;
      evidence.push(evidenceOf(shuffle(rand, [...pickDistinct(rand, words, 2), ...theirs]).join(' ')));
    }
    if (evidence.length === 0) continue;
    evidence.sort((a, b) => a - b);
    minEvidence[lang] = evidence[Math.floor(quantile * evidence.length)];
    asked[lang] = evidence.length;
  }
  if (asked.zh === 0) minEvidence.zh = asked.en ? minEvidence.en : FALLBACK_MIN_EVIDENCE;
  if (asked.en === 0) minEvidence.en = asked.zh ? minEvidence.zh : FALLBACK_MIN_EVIDENCE;
  return { minEvidence, source: 'calibrated', samples: asked };
}

const SENTENCE_END = /(?<=[。！？；])|(?<=[.!?;])\s+|\n+/;

/** The distinct content words of a sentence, as a question would spell them. */
function contentWords(sentence: string, lang: Lang): string[] {
  const words =
    lang === 'zh'
      ? tokenize(sentence).words.filter((w) => w.length >= 2 && hasCjk(w))
      : (sentence.toLowerCase().match(/[a-z]{3,}/g) ?? []).filter((w) => !EN_STOP.has(w));
  return [...new Set(words)];
}

function pickDistinct<T>(rand: () => number, from: T[], n: number): T[] {
  const picked = new Set<T>();
  while (picked.size < Math.min(n, from.length)) picked.add(from[Math.floor(rand() * from.length)]);
  return [...picked];
}

/** A random element that passes `ok`, or undefined after a bounded number of tries. */
function pickWhere(rand: () => number, from: string[], ok: (w: string) => boolean): string | undefined {
  for (let tries = 0; tries < 50 && from.length > 0; tries++) {
    const w = from[Math.floor(rand() * from.length)];
    if (ok(w)) return w;
  }
  return undefined;
}

function shuffle<T>(rand: () => number, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}
