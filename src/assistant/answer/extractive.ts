/**
 * The default answer: the sentences of the top passages that answer the question, verbatim, led by
 * the best one, with what each needs to be read alone, short enough for a chat bubble; each run of
 * neighbouring sentences is quoted as its passage has it and cited once, and only the passages
 * quoted are cited; the next best passage as "see also". No model, no network; grounded by
 * construction.
 */
import type { Lang, Passage, SearchResult } from '../../knowledge/types.ts';
import type { BotReply, Citation } from '../types.ts';
import { excerpt } from './excerpt.ts';
import { MESSAGES } from './messages.ts';
import { answerButtons, declineReply } from './replies.ts';
import { rankSentences, type Sentence, sentenceSpans } from './sentences.ts';

/** Characters of quoted text an answer aims to stay under (a chat bubble). @defaultValue 350 */
export const MAX_ANSWER = 350;
/**
 * Further sentences follow the lead while they score at least this share of it (chosen on the tune
 * halves: 0.3 with 4 sentences in 320 characters contains the anchor most often, median ≤ 350).
 */
const SECOND_RATIO = 0.3;
/** Another passage is offered as "see also" when it scores at least this share of the best one. */
const SEE_ALSO_RATIO = 0.85;
/** At most this many sentences are chosen (the context they bring is not counted). */
const MAX_SENTENCES = 4;
/** Quoted sentences after the lead stop at this many characters in total. */
const BUDGET = 320;
/** How far back a list item looks for the sentence that opens its list. */
const ITEM_REACH = 12;

/** A list item or statute clause: "- …", "1. …", "（六）…". */
const ITEM = /^\s*(?:[-*+•]\s|\d+[.)、](?!\d)\s*|[（(][一二三四五六七八九十\d]+[）)])/u;
/** An item of a numbered list, a step: "1. …", "2) …", "3、…". */
const STEP = /^\s*\d+[.)、](?!\d)/u;
/** A sentence that opens a list: "有下列情形之一的：", "you can use:", "…are calculated as below." */
const OPENS = /(?:[：:]|\bas (?:below|follows)\.|\bthe following\.|如下。)$/i;
/** A line that stops mid-sentence ("- Book an economy ticket using your Brex,"): the next one goes on. */
const GOES_ON = /[,，、]$/;
/** A Markdown table row. */
const TABLE_ROW = /^\|/;
/** A question (an FAQ entry: "Accidentally used your personal card?"). */
const ASKS = /[?？]$/;
/** A sentence that leans on the one before it: "其…", "该…", "前款…", "This…", "It…". */
const LEANS_BACK = /^(?:其|该|此|上述|前款|前述|这|(?:this|that|these|those|it|they)\b)/i;

/** Whether `text` refers back to `before`: a pronoun, or "The kit…" after a sentence that named the kit. */
function leansBack(text: string, before: string): boolean {
  if (LEANS_BACK.test(text)) return true;
  const noun = /^the\s+(\p{L}{3,})/iu.exec(text)?.[1];
  return noun !== undefined && new RegExp(`\\b${noun}\\b`, 'iu').test(before);
}

export function extractiveAnswer(question: string, result: SearchResult, lang: Lang): BotReply {
  const [top] = result.results;
  if (!result.answerable || !top) return declineReply(lang);
  const order: number[] = [];
  const cite = (i: number) => {
    if (!order.includes(i)) order.push(i);
    return order.indexOf(i) + 1;
  };
  const runs = chooseQuotes(question, result);
  let body =
    runs.length === 0
      ? `${excerpt(top.passage.text, question, MAX_ANSWER)} [${cite(0)}]`
      : runs.map((quote) => `${quote.text} [${cite(quote.passage)}]`).join('\n\n');
  const other = result.results.findIndex(
    (r, i) =>
      !order.includes(i) &&
      r.score >= top.score * SEE_ALSO_RATIO &&
      (r.passage.source !== top.passage.source || r.passage.heading !== top.passage.heading),
  );
  if (other > 0)
    body += `\n\n${MESSAGES.seeAlso[lang]}: [${cite(other)}] ${label(result.results[other].passage)}`;
  const citations = order.map((i, n) => citation(n + 1, result.results[i].passage));
  return { action: 'answered', text: body, lang, citations, buttons: answerButtons(lang) };
}

/**
 * What an answer quotes from one passage (an index into the results): its chosen sentences in the
 * passage, neighbours together as the passage has them, the stretch with the best sentence first,
 * "…" between stretches.
 */
export interface Quote {
  passage: number;
  text: string;
  score: number;
}

/**
 * The sentences an answer quotes, best first: the lead and what it needs to be read alone, then the
 * next best sentences while they score near it and fit the bubble, each with its own context. A
 * sentence's context: the one before it when it starts with "其…"/"This…"; the sentence opening
 * the list it is an item of, or the FAQ question it answers (an item "(六)出差伙食补助费…" means nothing without "下列各项不列入工资总额
 * 的范围："); the answer after an FAQ question, up to the next question; the items of a list it
 * opens, the ones that score near the lead (else the list from its start). A question or a
 * list opener without room for what follows it is not quoted. Each passage quoted is one `Quote`.
 */
export function chooseQuotes(question: string, result: SearchResult): Quote[] {
  const split = new Map<number, ReturnType<typeof sentenceSpans>>();
  const splitOf = (p: number) => {
    let s = split.get(p);
    if (!s) {
      s = sentenceSpans(result.results[p].passage.text);
      split.set(p, s);
    }
    return s;
  };
  const spansOf = (p: number) => splitOf(p).spans;
  // A table's header row answers nothing by itself; its rows bring it along (see withContext).
  const ranked = rankSentences(question, result.results, result.related).filter((s) => !isHeader(s));
  const lead = ranked[0];
  if (!lead) return [];
  /** The first row of a table (ingest drops the |---| line under it). */
  function isHeader(s: Pick<Sentence, 'passage' | 'at'>): boolean {
    const spans = spansOf(s.passage);
    return TABLE_ROW.test(spans[s.at].text) && (s.at === 0 || !TABLE_ROW.test(spans[s.at - 1].text));
  }
  const scoreOf = new Map(ranked.map((s) => [`${s.passage}:${s.at}`, s.score]));
  /** passage → sentence index → score of the sentence it was taken for. */
  const chosen = new Map<number, Map<number, number>>();
  const texts = new Set<string>();
  let used = 0;
  const take = (p: number, at: number, score: number) => {
    const of = chosen.get(p) ?? new Map<number, number>();
    chosen.set(p, of);
    if (of.has(at)) return;
    of.set(at, score);
    const { text } = spansOf(p)[at];
    texts.add(text);
    used += text.length;
  };
  const withContext = (s: Sentence, limit: number) => {
    const ss = spansOf(s.passage);
    const fits = (i: number) => used + ss[i].text.length <= limit;
    const add = (i: number) => take(s.passage, i, s.score);
    add(s.at);
    if (s.at > 0 && leansBack(s.text, ss[s.at - 1].text) && fits(s.at - 1)) add(s.at - 1);
    if (ITEM.test(s.text) && !ASKS.test(s.text))
      for (let i = s.at - 1; i >= 0 && s.at - i <= ITEM_REACH; i--) {
        if (OPENS.test(ss[i].text) || ASKS.test(ss[i].text)) {
          if (fits(i)) add(i);
          break;
        }
        // A later sentence of an item's line ("2. Find your name. (Your email is a link.)") is the item's.
        if (!startsLine(s.passage, i)) continue;
        if (!ITEM.test(ss[i].text)) break;
      }
    // A step after the lead needs the steps before it ("4. Set and confirm the new password" is done
    // after 1–3; `completes` checked they fit). The lead answers by itself (the steps before it would
    // crowd out the sentences around the list: chosen on the tune halves, -1 anchor in kb1 en).
    const steps = s === lead ? [] : stepsBefore(s);
    if (steps.length > 0 && used + length(s.passage, steps) <= limit) for (const i of steps) add(i);
    if (TABLE_ROW.test(s.text))
      for (let i = s.at - 1; i >= 0 && s.at - i <= ITEM_REACH && TABLE_ROW.test(ss[i].text); i--)
        if (isHeader({ passage: s.passage, at: i })) {
          if (fits(i)) add(i);
          break;
        }
    for (const i of following(s)) {
      if (!fits(i)) break;
      add(i);
    }
  };
  /**
   * What must follow a sentence, in the order to take it: the answer after an FAQ question, up to the
   * next question; the rest of a line that stops at a comma; the items of a list it opens that score near the lead, best first, else the list
   * from its start. Empty for any other sentence.
   */
  function following(s: Sentence): number[] {
    const ss = spansOf(s.passage);
    const out: number[] = [];
    if (ASKS.test(s.text)) {
      for (let i = s.at + 1; i < ss.length && !(i > s.at + 1 && ASKS.test(ss[i].text)); i++) out.push(i);
      return out;
    }
    if (GOES_ON.test(s.text)) return s.at + 1 < ss.length ? [s.at + 1] : out;
    if (!OPENS.test(s.text)) return out;
    for (let i = s.at + 1; i < ss.length && (i === s.at + 1 || ITEM.test(ss[i].text)); i++) out.push(i);
    const score = (i: number) => scoreOf.get(`${s.passage}:${i}`) ?? 0;
    const carrying = out.filter((i) => score(i) >= SECOND_RATIO * lead.score);
    return carrying.length > 0 ? carrying.sort((x, y) => score(y) - score(x) || x - y) : out;
  }
  /** The steps of a numbered list before a step (with what is nested in them): empty for step 1. */
  function stepsBefore(s: Pick<Sentence, 'passage' | 'at' | 'text'>): number[] {
    if (!STEP.test(s.text)) return [];
    const ss = spansOf(s.passage);
    let first = s.at;
    for (let i = s.at - 1; i >= 0 && s.at - i <= ITEM_REACH; i--) {
      // A later sentence of an item's line ("3. Verify with MFA. Without a device, …") is part of it.
      if (!startsLine(s.passage, i)) continue;
      if (!ITEM.test(ss[i].text)) break;
      if (STEP.test(ss[i].text)) first = i;
    }
    return Array.from({ length: s.at - first }, (_, k) => first + k);
  }
  /** Whether sentence `at` of passage `p` begins its line (else it goes on the line of the one before). */
  function startsLine(p: number, at: number): boolean {
    const { unwrapped, spans } = splitOf(p);
    const { start } = spans[at];
    return /^[ \t]*$/.test(unwrapped.slice(unwrapped.lastIndexOf('\n', start - 1) + 1, start));
  }
  /** Characters the sentences `ats` of passage `p` would add (those already chosen add nothing). */
  const length = (p: number, ats: number[]) =>
    ats.reduce((n, i) => (chosen.get(p)?.has(i) ? n : n + spansOf(p)[i].text.length), 0);
  /**
   * A question, a list opener or a line cut at a comma is quoted only with room for what follows; a
   * step after the lead only with room for the steps before it.
   */
  const completes = (s: Sentence, limit: number) => {
    const [first] = following(s);
    const needs = used + s.text.length + length(s.passage, stepsBefore(s));
    return (
      needs <= limit &&
      (!(ASKS.test(s.text) || OPENS.test(s.text) || GOES_ON.test(s.text)) ||
        (first !== undefined && needs + spansOf(s.passage)[first].text.length <= limit))
    );
  };
  withContext(lead, MAX_ANSWER);
  let count = 1;
  for (const s of ranked.slice(1)) {
    if (count >= MAX_SENTENCES || s.score < SECOND_RATIO * lead.score) break;
    if (texts.has(s.text) || chosen.get(s.passage)?.has(s.at) || used + s.text.length > BUDGET) continue;
    if (!completes(s, BUDGET)) continue;
    withContext(s, BUDGET);
    count++;
  }
  const quotes: Quote[] = [];
  for (const [p, of] of chosen) {
    const { unwrapped, spans: ss } = splitOf(p);
    const ats = [...of.keys()].sort((a, b) => a - b);
    const stretches: { text: string; score: number }[] = [];
    let from = 0;
    for (let i = 1; i <= ats.length; i++) {
      if (i < ats.length && ats[i] === ats[i - 1] + 1) continue;
      stretches.push({
        // As the passage has it, but one line break between paragraphs: a bubble, not a page.
        text: unwrapped.slice(ss[ats[from]].start, ss[ats[i - 1]].end).replace(/\n\s*\n/g, '\n'),
        score: Math.max(...ats.slice(from, i).map((at) => of.get(at) ?? 0)),
      });
      from = i;
    }
    // The stretch holding the best sentence first (sort is stable: ties keep the passage's order),
    // except steps: two stretches of a numbered list are read in its order (1 … 4, never 4 … 1).
    const steps = stretches.filter((x) => x.text.split('\n').some((line) => STEP.test(line)));
    if (steps.length < 2) stretches.sort((a, b) => b.score - a.score);
    quotes.push({
      passage: p,
      text: stretches.map((x) => x.text).join('\n…\n'),
      score: Math.max(...stretches.map((x) => x.score)),
    });
  }
  return quotes.sort((a, b) => b.score - a.score || a.passage - b.passage);
}

export function citation(n: number, p: Passage): Citation {
  return { n, source: p.source, title: p.title, heading: p.heading, ...(p.url ? { url: p.url } : {}) };
}

export function label(p: Pick<Passage, 'title' | 'heading'>): string {
  return p.heading ? `${p.title} › ${p.heading}` : p.title;
}
