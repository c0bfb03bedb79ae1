/**
 * Bilingual tokenization for retrieval.
 *
 * Chinese runs: jieba words in search mode (long words also yield their sub-words) plus
 * character bigrams, so that a colloquial query still meets formal text halfway.
 * Latin runs: lowercased, stop-worded, Porter-stemmed words.
 * Everything is NFKC-normalized first, so full-width digits and letters (１５０％) match ASCII.
 */
import { readFileSync } from 'node:fs';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { stemmer } from 'stemmer';
import { EN_STOP, ZH_STOP } from './stopwords.ts';

/** Bigram terms are kept apart from word terms by this prefix, so each can be weighted. */
export const BIGRAM = '\u0002';
/** Prefix of CJK single-character terms. */
export const UNIGRAM = '\u0003';

// HMM guesses new words from unknown character runs; for search its guesses (年算, 按入) are noise.
const HMM = false;
let jieba: Jieba | undefined;
function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    jieba.loadDict(readFileSync(new URL('./dict/hr-words.txt', import.meta.url)));
  }
  return jieba;
}

/** Add words (one per line: `word [freq] [tag]`) to the segmenter, e.g. from config. */
export function addUserWords(lines: string[]): void {
  if (lines.length === 0) return;
  const text = lines.map((l) => (/\s\d+/.test(l) ? l : `${l.trim()} 1000 n`)).join('\n');
  segmenter().loadDict(Buffer.from(text));
}

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const RUN =
  /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|((?:\p{Script=Latin}|\p{Script=Greek}|\p{Script=Cyrillic}|\p{Nd})+(?:[-'.](?:\p{Script=Latin}|\p{Nd})+)*)/gu;

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

export interface Tokens {
  /** Word terms (jieba words, stemmed English words, numbers). */
  words: string[];
  /** CJK character bigrams, prefixed with BIGRAM. */
  bigrams: string[];
  /** CJK characters of content stretches, prefixed with UNIGRAM. */
  unigrams: string[];
}

export function tokenize(text: string, wordsOnly = false): Tokens {
  const words: string[] = [];
  const bigrams: string[] = [];
  const unigrams: string[] = [];
  const grams = !wordsOnly;
  const norm = normalize(text);
  for (const m of norm.matchAll(RUN)) {
    if (m[1]) {
      chinese(m[1], words, bigrams, unigrams, grams);
    } else if (m[2]) {
      for (const part of m[2].split(/[-'.]/)) {
        if (part.length === 0 || EN_STOP.has(part)) continue;
        words.push(/^\d/.test(part) ? part : stemmer(part));
      }
    }
  }
  return { words, bigrams, unigrams };
}

/**
 * Stop words cut a run into stretches of content; bigrams never bridge a stop word, so
 * "怎么请年假" yields 年假 and not the noise bigrams 么请/请年.
 */
function chinese(run: string, words: string[], bigrams: string[], unigrams: string[], grams: boolean): void {
  let stretch = '';
  const flush = () => {
    if (!grams) {
      stretch = '';
      return;
    }
    for (const ch of stretch) unigrams.push(UNIGRAM + ch);
    for (let i = 0; i + 1 < stretch.length; i++) bigrams.push(BIGRAM + stretch.slice(i, i + 2));
    stretch = '';
  };
  for (const w of segmenter().cut(run, HMM)) {
    if (ZH_STOP.has(w)) {
      flush();
      continue;
    }
    stretch += w;
    if (w.length > 2) {
      for (const sub of segmenter().cutForSearch(w, HMM)) if (!ZH_STOP.has(sub)) words.push(sub);
    } else {
      words.push(w);
    }
  }
  flush();
}

/** The word terms of a text only (no character n-grams): what answerability compares. */
export function wordsOf(text: string): string[] {
  return tokenize(text, true).words;
}

/** All terms of a text, words then bigrams: what the index stores. */
export function terms(text: string): string[] {
  const t = tokenize(text);
  return t.words.concat(t.bigrams, t.unigrams);
}
