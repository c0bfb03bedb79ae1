/**
 * Text features for the triage classifier, with no word dictionary: Chinese is cut into character
 * n-grams, English into stemmed words and word bigrams, numbers into magnitude buckets. Features are
 * strings with a short prefix naming their kind, so the model can mix them with signal features.
 */
import { stemmer } from 'stemmer';

/** NFKC (full-width → half-width, compatibility forms), lowercase, unified quotes and whitespace. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’`´]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

// Function words that carry no class information. Negations and modal "can" are kept on purpose:
// "can't log in" vs "can I log in" is the difference between an incident and a question.
const STOP = new Set(
  (
    'a an the and or but of to in on at for with by from as is are was were be been being am it its ' +
    "this that these those there here i me my mine we our ours you your he him his she her they them " +
    'their just so very really also too then than into about over up out some any all each both ' +
    'would should could shall will may might must has have had having get got im ive id its lol pls ' +
    'please plz thx hey hi'
  ).split(' '),
);
// Kept even though they look like function words.
const KEEP = new Set(['not', 'no', 'never', 'can', 'cant', 'how', 'what', 'where', 'when', 'why', 'who', 'which']);

const CONTRACTIONS: [RegExp, string][] = [
  [/\b(can't|cannot|cant)\b/g, 'cant'],
  [/\b(won't|wont)\b/g, 'will not'],
  [/\b(\w+)n't\b/g, '$1 not'],
  [/\b(didnt|doesnt|dont|isnt|wasnt|arent|werent|havent|hasnt|couldnt|wouldnt|shouldnt)\b/g, '$& not'],
];

const HAN = /\p{Script=Han}/u;
// A run of Han characters, a run of Latin letters/digits (with inner . , : for 8:55, 1,800, 2.5),
// a pictograph, or a ? / ! mark.
const SEGMENT =
  /(\p{Script=Han}+)|([a-z0-9](?:[a-z0-9_'+#-]|[.,:](?=\d))*)|(\p{Extended_Pictographic})|([?？!！])/gu;

const ZH_DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const ZH_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** Value of a Chinese numeral such as 三十, 十二, 两百, 一千五; NaN when it is not one. */
export function parseChineseNumber(s: string): number {
  let total = 0;
  let section = 0;
  let digit = -1;
  for (const ch of s) {
    if (ch in ZH_DIGITS) {
      digit = ZH_DIGITS[ch];
    } else if (ch in ZH_UNITS) {
      const unit = ZH_UNITS[ch];
      if (unit === 10000) {
        total = (total + section + Math.max(digit, 0)) * unit;
        section = 0;
      } else {
        section += (digit < 0 ? 1 : digit) * unit;
      }
      digit = -1;
    } else {
      return Number.NaN;
    }
  }
  return total + section + Math.max(digit, 0);
}

/** Magnitude bucket of a count: 1, 2-4, 5-19, 20-99, 100-999, 1000+. */
export function bucketNumber(n: number): string {
  if (!Number.isFinite(n)) return 'nan';
  if (n <= 1) return '1';
  if (n < 5) return '2-4';
  if (n < 20) return '5-19';
  if (n < 100) return '20-99';
  if (n < 1000) return '100-999';
  return '1000+';
}

// Vague Chinese quantities: 十几 ≈ 15, 几十 ≈ 30, 二十来 ≈ 20, 上百 ≈ 100, 好几 ≈ 4.
const ZH_VAGUE: [RegExp, (m: RegExpExecArray) => number][] = [
  [/几十|数十/g, () => 30],
  [/几百|数百|上百/g, () => 300],
  [/几千|数千|上千/g, () => 3000],
  [/([一二两三四五六七八九]?十)[几多来]/g, (m) => parseChineseNumber(m[1]) + 5],
  [/十几/g, () => 15],
  [/好几|几/g, () => 4],
];

const ZH_NUMERAL = /[零〇一二两三四五六七八九十百千万]+/g;
const PEOPLE_AFTER = /^\s*(?:多|来|余)?\s*(?:个|名|位|号)?\s*(?:人|员工|同事|新人|员|店员|工人|people|persons|employees|staff|workers|users|colleagues|members|reps|agents|joiners|new hires|hires|interns|accounts|payslips|laptops|computers|devices|台)/u;

/** Numbers found in the text with what follows them, for counting "how many are affected". */
export function findNumbers(norm: string): { value: number; people: boolean; text: string }[] {
  const found: { value: number; people: boolean; text: string }[] = [];
  const push = (value: number, index: number, text: string) => {
    const after = norm.slice(index + text.length, index + text.length + 14);
    found.push({ value, people: PEOPLE_AFTER.test(after), text });
  };
  for (const m of norm.matchAll(/~?\d[\d,]*(?:\.\d+)?\+?/g)) {
    const value = Number(m[0].replace(/[~,+]/g, ''));
    if (/[:.]\d*$/.test(norm.slice(0, m.index))) continue; // the tail of a time like 8:55
    push(value, m.index, m[0]);
  }
  const vagueSpans: [number, number][] = [];
  for (const [re, val] of ZH_VAGUE) {
    for (const m of norm.matchAll(re)) {
      if (vagueSpans.some(([s, e]) => m.index < e && m.index + m[0].length > s)) continue;
      vagueSpans.push([m.index, m.index + m[0].length]);
      push(val(m as RegExpExecArray), m.index, m[0]);
    }
  }
  for (const m of norm.matchAll(ZH_NUMERAL)) {
    if (vagueSpans.some(([s, e]) => m.index < e && m.index + m[0].length > s)) continue;
    // A lone 一 is usually "one/a" (一直, 一下), not a count.
    if (m[0] === '一' || m[0] === '万') continue;
    push(parseChineseNumber(m[0]), m.index, m[0]);
  }
  return found;
}

function englishWords(segment: string): string[] {
  let s = segment;
  for (const [re, rep] of CONTRACTIONS) s = s.replace(re, rep);
  const words: string[] = [];
  for (const raw of s.split(/[\s'_+#-]+/)) {
    if (!raw) continue;
    if (/\d/.test(raw)) continue; // numbers are bucketed separately
    if (STOP.has(raw) && !KEEP.has(raw)) continue;
    words.push(raw.length > 3 ? stemmer(raw) : raw);
  }
  return words;
}

export interface FeatureOptions {
  /** Add Chinese character trigrams (default true). */
  zhTrigrams?: boolean;
  /** Add English word bigrams (default true). */
  enBigrams?: boolean;
}

/**
 * Feature strings of a message, deduplicated, in first-seen order.
 * Prefixes: `c:` Han unigram, `b:` Han bigram, `t:` Han trigram, `w:` English stem, `w2:` English
 * stem bigram, `n:` number bucket, `np:` bucket of a count of people/things, `p:` ? or !, `e:` emoji,
 * `len:` message length bucket, `f:` first word (or first two Han characters), `l:` last word or
 * Han character.
 */
export function extractFeatures(text: string, options: FeatureOptions = {}): string[] {
  const zhTrigrams = options.zhTrigrams ?? true;
  const enBigrams = options.enBigrams ?? true;
  const norm = normalizeText(text);
  const out = new Set<string>();
  let prevWord: string | undefined;
  let latin = '';
  const flushLatin = () => {
    if (!latin) return;
    for (const w of englishWords(latin)) {
      out.add(`w:${w}`);
      if (enBigrams && prevWord) out.add(`w2:${prevWord}_${w}`);
      prevWord = w;
    }
    latin = '';
  };
  for (const m of norm.matchAll(SEGMENT)) {
    const [, han, word, emoji, mark] = m;
    if (han) {
      flushLatin();
      prevWord = undefined;
      const chars = [...han];
      for (let i = 0; i < chars.length; i++) {
        out.add(`c:${chars[i]}`);
        if (i + 1 < chars.length) out.add(`b:${chars[i]}${chars[i + 1]}`);
        if (zhTrigrams && i + 2 < chars.length) out.add(`t:${chars[i]}${chars[i + 1]}${chars[i + 2]}`);
      }
    } else if (word) {
      // Words separated only by spaces/punctuation belong to one phrase for bigrams.
      latin += ` ${word}`;
    } else if (emoji) {
      flushLatin();
      out.add('e:any');
    } else if (mark) {
      flushLatin();
      out.add(mark === '?' || mark === '？' ? 'p:?' : 'p:!');
    }
  }
  flushLatin();
  // Where a message starts and ends says much about intent: "how…", "can you…", "帮我…", "…吗".
  const first = /^[^\p{Script=Han}a-z]*(\p{Script=Han}{1,2}|[a-z]+(?:'[a-z]+)?)/u.exec(norm);
  if (first) out.add(`f:${first[1]}`);
  const last = /(\p{Script=Han}|[a-z]+)[^\p{Script=Han}a-z]*$/u.exec(norm);
  if (last) out.add(`l:${last[1]}`);
  for (const n of findNumbers(norm)) {
    out.add(`n:${bucketNumber(n.value)}`);
    if (n.people) out.add(`np:${bucketNumber(n.value)}`);
  }
  const length = [...norm].filter((ch) => HAN.test(ch)).length + norm.split(/\s+/).length;
  out.add(length <= 4 ? 'len:tiny' : length <= 12 ? 'len:short' : 'len:long');
  return [...out];
}
