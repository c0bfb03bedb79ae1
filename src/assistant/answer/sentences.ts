/**
 * Sentence-level answer selection: which sentences of the top passages answer the question. A
 * sentence scores by the information of the question's words it carries (general-language weight,
 * so "产假" counts and "公司" barely does), by the CJK character pairs it shares (colloquial
 * questions meet formal text halfway), by carrying a number or duration when the question asks for
 * one ("几天", "how long"), and by the rank of its passage. A question word counts less the more of
 * the candidate sentences share it (劳动者 in a labour statute). Sentences are verbatim slices of the
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

/**
 * A sentence about the text itself ("为了…，制定本办法", "本条例自…起施行", "This page outlines…")
 * answers a question about the text, not about work: it counts this share (tune halves: ±0 on the
 * anchor, but it no longer leads answers about annual leave).
 */
const ABOUT_TEXT_WEIGHT = 0.2;
const ABOUT_TEXT =
  /为了.{0,60}制定本|本(?:法|条例|规定|办法|细则)自.{0,20}施行|\b(?:this|the) (?:page|guide|section|document|handbook) (?:outlines|describes|explains|covers)/i;

/** Bonus of a sentence with an amount, when the question asks for one, in information units. */
const AMOUNT_BONUS = 4;
/** Weight of one shared CJK character pair. */
const BIGRAM_WEIGHT = 1.5;
/**
 * Each rank down the result list divides a sentence's score by 1 + this. The answering sentence is
 * often in the second to fifth passage (chosen on the tune halves: 0.25 → 0.1 with 3 → 5 passages).
 */
const RANK_DECAY = 0.1;

/** A sentence and where it sits in its passage's unwrapped text (see `sentenceSpans`). */
export interface Span {
  text: string;
  start: number;
  end: number;
}

/**
 * Where a sentence may end: after 。！？; after . ! ? before a space; at line breaks (captured, so the
 * pieces' offsets add up). A dot is then checked by `endsAt`.
 */
const CANDIDATE = /[。！？]|[.!?](?=\s)|\n+/gu;

/**
 * Words whose dot never ends a sentence: titles before a name, and words a number or an example
 * follows ("call ext. 8000", "e.g. Workday", "Dr. Li"). Case-blind in the first letter only, so
 * "No." and "no." are both the number sign but "NO." (shouting) is a word.
 */
const NEVER_ENDS =
  /^(?:[Ee]\.[Gg]|[Ii]\.[Ee]|[Ii]e|[Ee]g|[Cc]f|[Vv]s|[Aa]pprox|[Ii]ncl|[Ee]xt|[Tt]el|[Ff]ig|[Dd]ept|Mrs?|Ms|Dr|Prof)$/;
/**
 * Words whose dot ends a sentence only before a capitalised word: "…phones, etc. Then" ends, "etc.,
 * do" and "Acme Ltd. and …" do not; "No. 5" is a number, "the answer is no. Call IT" a sentence.
 */
const ENDS_BEFORE_CAPITAL =
  /^(?:[Ee]tc|[Mm]in|[Mm]ax|[Mm]ins|[Hh]rs?|[Nn]o|[Nn]os|[Nn]r|[Ii]nc|[Ll]td|[Cc]o|[Cc]orp|[Jj]r|[Ss]r|[Ss]t|[Aa]ve|(?:[A-Za-z]\.)+[A-Za-z])$/;
/**
 * A short capitalised word or a single letter is an abbreviation when a number follows ("Art. 5",
 * "Sec. 3", "Rm. 101", "p. 12"), unless the number opens a list item ("… the app. 2. Click Repay").
 */
const SHORT_WORD = /^(?:[A-Z][a-z]{0,3}|[a-z])$/;
const LIST_NUMBER = /^\d{1,3}[.)]\s/;

/** Whether a sentence ends at `text[i]`, a candidate boundary of CANDIDATE. */
function endsAt(text: string, i: number): boolean {
  if (text[i] !== '.') return true;
  // The number of a list item ("1. Open the app") is not a sentence.
  if (/^[ \t]*\d{1,3}$/.test(text.slice(text.lastIndexOf('\n', i - 1) + 1, i))) return false;
  const before = text.slice(Math.max(0, i - 40), i);
  const word = /(?:^|[\s([“"'‘])((?:[A-Za-z]\.)*[A-Za-z]+)$/.exec(before)?.[1];
  if (word === undefined) return true;
  const after = text.slice(i + 1, i + 40).trimStart();
  if (NEVER_ENDS.test(word)) return false;
  // "etc. Then" ends; "etc., do", "No. 5", "No. A12" do not.
  if (ENDS_BEFORE_CAPITAL.test(word) && /^(?:[\p{Ll}\d(]|\p{Lu}[\d-])/u.test(after)) return false;
  if (SHORT_WORD.test(word) && /^\d/.test(after) && !LIST_NUMBER.test(after)) return false;
  return true;
}

/** `text` cut after each sentence end; line breaks are pieces of their own. */
function pieces(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    const at = m.index ?? 0;
    if (m[0][0] === '\n') {
      out.push(text.slice(from, at), m[0]);
      from = at + m[0].length;
    } else if (endsAt(text, at)) {
      out.push(text.slice(from, at + 1));
      from = at + 1;
    }
  }
  out.push(text.slice(from));
  return out;
}

/**
 * The sentences of a passage: Chinese ones end in 。！？, English ones in . ! ? before a space; a
 * line ends one too, except a hard-wrapped line of prose (Markdown handbooks wrap at ~80 columns:
 * "Lunch breaks are unpaid, so" / "plan your day"), which is joined to the next with a space. A list
 * item, a heading or a table row always starts a new sentence. Otherwise sentences are verbatim.
 */
export function splitSentences(text: string): string[] {
  return sentenceSpans(text).spans.map((s) => s.text);
}

/**
 * The sentences with their offsets in `unwrapped` (the passage with its hard wraps joined), so that
 * neighbouring sentences are quoted together as the passage has them: `unwrapped.slice(a.start, b.end)`.
 */
export function sentenceSpans(text: string): { unwrapped: string; spans: Span[] } {
  const unwrapped = unwrap(text);
  const spans: Span[] = [];
  let at = 0;
  for (const piece of pieces(unwrapped)) {
    const body = piece.trim();
    const start = at + piece.length - piece.trimStart().length;
    if (/[\p{L}\p{N}]/u.test(body)) spans.push({ text: body, start, end: start + body.length });
    at += piece.length;
  }
  return { unwrapped, spans };
}

/** A Chinese line that goes on: it ends at a comma (statutes typed with hard wraps), joined with no space. */
const CJK_OPEN_END = /[，、]$/u;
/** A line that goes on: it ends inside a Latin sentence (a letter, digit, comma or closing mark). */
const OPEN_END = /[\p{Script=Latin}\d,)\]'"’”*_`]$/u;
/** A line that starts something of its own: list item, heading, quote, table row, statute clause. */
const OWN_START =
  /^\s*(?:[-*+>#|]|\d+[.)]\s|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十百零\d]+[条章节])/u;

function unwrap(text: string): string {
  const lines = text.split('\n');
  let out = lines[0] ?? '';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const prev = lines[i - 1].trimEnd();
    const starts = line.trim().length > 0 && !OWN_START.test(line);
    if (starts && CJK_OPEN_END.test(prev)) out += line.trimStart();
    else if (starts && prev.length > 0 && OPEN_END.test(prev)) out += ` ${line.trimStart()}`;
    else out += `\n${line}`;
  }
  return out;
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
  passages = 5,
): Sentence[] {
  const q = tokenize(question);
  const own = new Set(q.words);
  const words = [...own].map((w) => ({ w, info: information(w), cjk: hasCjk(w) }));
  for (const w of new Set(related.flatMap((r) => tokenize(r).words)))
    if (!own.has(w)) words.push({ w, info: RELATED_WEIGHT * information(w), cjk: hasCjk(w) });
  const bigrams = new Set(q.bigrams);
  const wantsAmount = ASKS_AMOUNT.test(question);
  const candidates: {
    rank: number;
    text: string;
    at: number;
    have: Set<string>;
    lower: string;
    pairs: Set<string>;
  }[] = [];
  results.slice(0, passages).forEach((r, rank) => {
    splitSentences(r.passage.text).forEach((text, at) => {
      const t = tokenize(text);
      candidates.push({
        rank,
        text,
        at,
        have: new Set(t.words),
        lower: text.toLowerCase(),
        pairs: new Set(t.bigrams.filter((b) => bigrams.has(b) && b.startsWith(BIGRAM))),
      });
    });
  });
  const hasWord = (c: (typeof candidates)[number], w: string, cjk: boolean) =>
    c.have.has(w) || (cjk && c.lower.includes(w));
  // A question word most candidate sentences share (劳动者, leave) tells them apart less than one only
  // a few carry: the general-language weight is scaled by how rare the word is among the candidates.
  const n = candidates.length;
  const rarity = (df: number) => Math.sqrt((Math.log((n + 1) / (df + 1)) + 1) / (Math.log(n + 1) + 1));
  const weighted = words.map((x) => ({
    ...x,
    info: x.info * rarity(candidates.filter((c) => hasWord(c, x.w, x.cjk)).length),
  }));
  const pairDf = new Map<string, number>();
  for (const c of candidates) for (const b of c.pairs) pairDf.set(b, (pairDf.get(b) ?? 0) + 1);
  const out: Sentence[] = [];
  for (const c of candidates) {
    let score = 0;
    for (const { w, info, cjk } of weighted) if (hasWord(c, w, cjk)) score += info;
    for (const b of c.pairs) score += BIGRAM_WEIGHT * rarity(pairDf.get(b) ?? 0);
    if (wantsAmount && HAS_AMOUNT.test(c.text)) score += AMOUNT_BONUS;
    // Long sentences carry more words by chance; a headline-only line carries no answer.
    score /= 1 + c.text.length / 400;
    if (ABOUT_TEXT.test(c.text)) score *= ABOUT_TEXT_WEIGHT;
    score /= 1 + RANK_DECAY * c.rank;
    if (score > 0) out.push({ passage: c.rank, text: c.text, at: c.at, score });
  }
  return out.sort((a, b) => b.score - a.score || a.passage - b.passage || a.at - b.at);
}
