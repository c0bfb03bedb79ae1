/**
 * The default answer: the sentences of the top passages that answer the question, verbatim, led by
 * the best one, each with its numbered citation, short enough for a chat bubble; the next best
 * passage as "see also". No model, no network; grounded by construction.
 */
import type { Lang, Passage, SearchResult } from '../../knowledge/types.ts';
import type { BotReply, Citation } from '../types.ts';
import { excerpt } from './excerpt.ts';
import { MESSAGES } from './messages.ts';
import { answerButtons, declineReply } from './replies.ts';
import { rankSentences, splitSentences } from './sentences.ts';

/** Characters of quoted text an answer aims to stay under (a chat bubble). @defaultValue 350 */
export const MAX_ANSWER = 350;
/**
 * Further sentences follow the lead while they score at least this share of it (chosen on the tune
 * halves: 0.3 with 4 sentences in 320 characters contains the anchor most often, median ≤ 350).
 */
const SECOND_RATIO = 0.3;
/** Another passage is offered as "see also" when it scores at least this share of the best one. */
const SEE_ALSO_RATIO = 0.85;
/** At most this many sentences are quoted. */
const MAX_SENTENCES = 4;
/** Quoted sentences after the lead stop at this many characters in total. */
const BUDGET = 320;

export function extractiveAnswer(question: string, result: SearchResult, lang: Lang): BotReply {
  const [top] = result.results;
  if (!result.answerable || !top) return declineReply(lang);
  const order: number[] = [];
  const cite = (i: number) => {
    if (!order.includes(i)) order.push(i);
    return order.indexOf(i) + 1;
  };
  const parts: string[] = [];
  const ranked = rankSentences(question, result.results, result.related);
  const lead = ranked[0];
  if (!lead) {
    parts.push(`${excerpt(top.passage.text, question, MAX_ANSWER)} [${cite(0)}]`);
  } else {
    const text = withContinuation(lead.text, result.results[lead.passage].passage.text, lead.at);
    parts.push(`${text} [${cite(lead.passage)}]`);
    let used = text.length;
    const taken = [text];
    for (const s of ranked.slice(1)) {
      if (parts.length >= MAX_SENTENCES || s.score < SECOND_RATIO * lead.score) break;
      if (used + s.text.length > BUDGET || taken.some((t) => t.includes(s.text))) continue;
      parts.push(`${s.text} [${cite(s.passage)}]`);
      taken.push(s.text);
      used += s.text.length;
    }
  }
  let body = parts.join('\n\n');
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
 * A sentence that opens a list ("有下列情形之一的：", "you can use:") brings the items that fit; a
 * question (an FAQ's "Accidentally used your personal card?") brings its answer, the sentences after it.
 */
function withContinuation(sentence: string, passageText: string, at: number): string {
  if (!/[：:?？]$/.test(sentence)) return sentence;
  let text = sentence;
  for (const next of splitSentences(passageText).slice(at + 1)) {
    if (text.length + next.length + 1 > MAX_ANSWER) break;
    text += `\n${next}`;
  }
  return text;
}

export function citation(n: number, p: Passage): Citation {
  return { n, source: p.source, title: p.title, heading: p.heading, ...(p.url ? { url: p.url } : {}) };
}

export function label(p: Pick<Passage, 'title' | 'heading'>): string {
  return p.heading ? `${p.title} › ${p.heading}` : p.title;
}
