/**
 * Answer quality on a labelled question set: for the questions the KB answers, how often the
 * answer text contains the gold anchor (the key sentence of a gold passage), and how long answers
 * are. A declined answerable question counts as an answer without the anchor.
 */
import type { KbQuestion } from './retrieval-eval.ts';

export interface AnswerReport {
  /** Answerable questions asked. */
  questions: number;
  /** Share of them whose answer contains a gold anchor. */
  containsAnchor: number;
  /** Median length in characters of the answers given (declines not counted). */
  medianChars: number;
}

export interface GivenAnswer {
  answered: boolean;
  text: string;
}

export async function evaluateAnswers(
  questions: KbQuestion[],
  ask: (q: string) => Promise<GivenAnswer>,
): Promise<AnswerReport> {
  const answerable = questions.filter((q) => q.gold.length > 0);
  let hits = 0;
  const lengths: number[] = [];
  for (const q of answerable) {
    const a = await ask(q.question);
    if (!a.answered) continue;
    lengths.push(a.text.length);
    if (q.gold.some((g) => a.text.includes(g.anchor))) hits++;
  }
  lengths.sort((x, y) => x - y);
  const mid = lengths.length >> 1;
  const median =
    lengths.length === 0 ? 0 : lengths.length % 2 ? lengths[mid] : (lengths[mid - 1] + lengths[mid]) / 2;
  return {
    questions: answerable.length,
    containsAnchor: answerable.length ? hits / answerable.length : 0,
    medianChars: median,
  };
}
