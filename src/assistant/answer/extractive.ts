/**
 * The default answer: the best passage, cleanly quoted, with numbered citations. No model, no
 * network; grounded by construction.
 */
import type { Lang, Passage, SearchResult } from '../../knowledge/types.ts';
import type { BotReply, Citation } from '../types.ts';
import { excerpt } from './excerpt.ts';
import { MESSAGES } from './messages.ts';
import { answerButtons, declineReply } from './replies.ts';

/** A second source is cited when it scores at least this share of the best one. */
const SEE_ALSO_RATIO = 0.85;

export function extractiveAnswer(question: string, result: SearchResult, lang: Lang): BotReply {
  const [top, ...rest] = result.results;
  if (!result.answerable || !top) return declineReply(lang);
  const citations: Citation[] = [citation(1, top.passage)];
  const other = rest.find(
    (r) =>
      r.score >= top.score * SEE_ALSO_RATIO &&
      (r.passage.source !== top.passage.source || r.passage.heading !== top.passage.heading),
  );
  let text = `${MESSAGES.leadIn[lang](top.passage.title)}\n\n${excerpt(top.passage.text, question)} [1]`;
  if (other) {
    citations.push(citation(2, other.passage));
    text += `\n\n${MESSAGES.seeAlso[lang]}: [2] ${label(other.passage)}`;
  }
  return { action: 'answered', text, lang, citations, buttons: answerButtons(lang) };
}

export function citation(n: number, p: Passage): Citation {
  return { n, source: p.source, title: p.title, heading: p.heading, ...(p.url ? { url: p.url } : {}) };
}

export function label(p: Pick<Passage, 'title' | 'heading'>): string {
  return p.heading ? `${p.title} › ${p.heading}` : p.title;
}
