/**
 * Text features for the triage classifier, with no word dictionary: Chinese is cut into character
 * n-grams, English into light-stemmed words and word bigrams, numbers into magnitude buckets. Features are
 * strings with a short prefix naming their kind, so the model can mix them with signal features.
 */

/** NFKC (full-width → half-width, compatibility forms), lowercase, unified quotes and whitespace. */
export function normalizeText(text: string): string {
  if (text === lastRaw) return lastNorm;
  lastRaw = text;
  lastNorm = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’`´]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
  return lastNorm;
}
// Features and signals normalize the same message one after the other; remember the last one.
let lastRaw: string | undefined;
let lastNorm = '';

// Function words that carry no class information. Negations and modal "can" are kept on purpose:
// "can't log in" vs "can I log in" is the difference between an incident and a question.
const STOP = new Set(
  (
    'a an the and or but of to in on at for with by from as is are was were be been being am it its ' +
    'this that these those there here i me my mine we our ours you your he him his she her they them ' +
    'their just so very really also too then than into about over up out some any all each both ' +
    'would should could shall will may might must has have had having get got im ive id its lol pls ' +
    'please plz thx hey hi'
  ).split(' '),
);
// Kept even though they look like function words.
const KEEP = new Set([
  'not',
  'no',
  'never',
  'can',
  'cant',
  'how',
  'what',
  'where',
  'when',
  'why',
  'who',
  'which',
]);

const CONTRACTION =
  /\b(?:(can't|cannot|cant)|(won't|wont)|(\w+)n't|(didnt|doesnt|dont|isnt|wasnt|arent|werent|havent|hasnt|couldnt|wouldnt|shouldnt))\b/g;
function expandContraction(
  _match: string,
  cant?: string,
  wont?: string,
  stem?: string,
  bare?: string,
): string {
  if (cant) return 'cant';
  if (wont) return 'will not';
  if (stem) return `${stem} not`;
  return `${bare?.slice(0, -2)} not`;
}

/**
 * A light English stemmer: plural -s/-es/-ies, -ing, -ed, -ly, with the doubled consonant undone
 * ("stopped" → "stop"). Conservative on purpose: "payslips"/"payslip" and "locked"/"lock" meet, but
 * "news" or "business" keep their shape.
 */
export function lightStem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (/(?:ches|shes|sses|xes|zes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is|ws)$/.test(w)) w = w.slice(0, -1);
  let cut = '';
  if (w.length > 5 && w.endsWith('ing')) cut = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed') && !w.endsWith('eed')) cut = w.slice(0, -2);
  else if (w.length > 5 && w.endsWith('ly')) cut = w.slice(0, -2);
  if (cut) {
    const n = cut.length;
    // "stopp" → "stop", but keep "ll", "ss" ("called" → "call", "passed" → "pass").
    if (n > 2 && cut[n - 1] === cut[n - 2] && !/[lsz]/.test(cut[n - 1])) cut = cut.slice(0, -1);
    w = cut;
  }
  return w;
}

const stems = new Map<string, string>();
function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = lightStem(word);
    stems.set(word, s);
  }
  return s;
}

// A run of Han characters, a run of Latin letters/digits (with inner . , : for 8:55, 1,800, 2.5),
// a pictograph, or a ? / ! mark.
const SEGMENT =
  /(\p{Script=Han}+)|([a-z0-9](?:[a-z0-9_'+#-]|[.,:](?=\d))*)|(\p{Extended_Pictographic})|([?？!！])/gu;

const ZH_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
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
const PEOPLE_AFTER =
  /^\s*(?:多|来|余)?\s*(?:个|名|位|号)?\s*(?:人|员工|同事|新人|员|店员|工人|people|persons|employees|staff|workers|users|colleagues|members|reps|agents|joiners|new hires|hires|interns|(?:direct )?reports|accounts|payslips|laptops|computers|devices|台|下属)/u;

/** Numbers found in the text with what follows them, for counting "how many are affected". */
export interface FoundNumber {
  value: number;
  /** Followed by a word for people or machines ("30多个人", "~400 people", "25 laptops"). */
  people: boolean;
  text: string;
}

let lastNumbersOf: string | undefined;
let lastNumbers: FoundNumber[] = [];

export function findNumbers(norm: string): FoundNumber[] {
  if (norm === lastNumbersOf) return lastNumbers;
  const found: FoundNumber[] = [];
  lastNumbersOf = norm;
  lastNumbers = found;
  const push = (value: number, index: number, text: string) => {
    const after = norm.slice(index + text.length, index + text.length + 14);
    found.push({ value, people: PEOPLE_AFTER.test(after), text });
  };
  const hasDigit = /\d/.test(norm);
  const hasZhNumeral = /[零〇一二两三四五六七八九十百千万几数上]/.test(norm);
  if (!hasDigit && !hasZhNumeral) return found;
  for (const m of hasDigit ? norm.matchAll(/~?\d[\d,]*(?:\.\d+)?\+?/g) : []) {
    const value = Number(m[0].replace(/[~,+]/g, ''));
    if (/[:.]\d*$/.test(norm.slice(0, m.index))) continue; // the tail of a time like 8:55
    push(value, m.index, m[0]);
  }
  if (!hasZhNumeral) return found;
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
  const s =
    segment.includes("'") || /nt\b|cannot/.test(segment)
      ? segment.replace(CONTRACTION, expandContraction)
      : segment;
  const words: string[] = [];
  for (const raw of s.split(/[\s'_+#-]+/)) {
    if (!raw) continue;
    if (raw.length < 2 || /\d/.test(raw)) continue; // numbers are bucketed separately
    if (STOP.has(raw) && !KEEP.has(raw)) continue;
    words.push(stem(raw));
  }
  return words;
}

export interface FeatureOptions {
  /** Add single Han characters (default true); a one-character run always counts. */
  zhUnigrams?: boolean;
  /** Add Chinese character trigrams (default false: measured no gain in cross-validation, 30% more features). */
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
  const zhTrigrams = options.zhTrigrams ?? false;
  const zhUnigrams = options.zhUnigrams ?? true;
  const enBigrams = options.enBigrams ?? true;
  const norm = normalizeText(text);
  const out = new Set<string>();
  let prevWord: string | undefined;
  let hanChars = 0;
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
      hanChars += chars.length;
      for (let i = 0; i < chars.length; i++) {
        if (zhUnigrams || chars.length === 1) out.add(`c:${chars[i]}`);
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
  const length = hanChars + (norm.match(/[a-z0-9]+/g)?.length ?? 0);
  out.add(length <= 4 ? 'len:tiny' : length <= 12 ? 'len:short' : 'len:long');
  return [...out];
}
