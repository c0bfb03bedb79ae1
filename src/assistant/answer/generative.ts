/**
 * Answers written by a chat model from the retrieved passages, grounded and cited. Anything that
 * goes wrong (no answer, a failure, citations of passages that were not given) falls back to the
 * extractive answer, so the employee always gets something true.
 */
import { readFileSync } from 'node:fs';
import type { Lang, SearchResult } from '../../knowledge/types.ts';
import type { ChatModel } from '../../llm/chat-model.ts';
import { maskPii } from '../../privacy/pii.ts';
import type { BotReply } from '../types.ts';
import { chooseQuotes, citation, extractiveAnswer, label } from './extractive.ts';
import { answerButtons, declineReply } from './replies.ts';

const TEMPLATE = readFileSync(new URL('../../../prompts/answer.md', import.meta.url), 'utf8');
/** Passages given to the model. @defaultValue 4 */
const CONTEXT_PASSAGES = 4;

export function answerPrompt(result: SearchResult, lang: Lang): string {
  const given = result.results.slice(0, CONTEXT_PASSAGES);
  const passages = given
    // Passages are the company's own published articles (hotlines, mailboxes): sent as written.
    .map((r, i) => `[${i + 1}] ${label(r.passage)}\n${r.passage.text}`)
    .join('\n\n');
  // The sentences the extractive answer would quote, first: the model reads the answer before the
  // rest of the passages. Only sentences of the passages given, numbered as they are.
  const key = chooseQuotes(result.query, { ...result, results: given })
    .map((quote) => `[${quote.passage + 1}] ${quote.text}`)
    .join('\n');
  // Replaced by functions: a "$&" or "$'" in KB text ("costs $'50") is not a replacement pattern.
  return TEMPLATE.replace('{{language}}', lang === 'zh' ? 'Simplified Chinese' : 'English')
    .replace('{{key}}', () => key || '—')
    .replace('{{passages}}', () => passages);
}

export async function generativeAnswer(
  model: ChatModel,
  question: string,
  result: SearchResult,
  lang: Lang,
  onFallback?: (reason: string, err?: unknown) => void,
): Promise<BotReply> {
  if (!result.answerable || result.results.length === 0) return declineReply(lang);
  let text: string;
  try {
    text = (
      await model.complete([
        { role: 'system', content: answerPrompt(result, lang) },
        { role: 'user', content: maskPii(question) },
      ])
    ).trim();
  } catch (err) {
    onFallback?.('llm_failed', err);
    return extractiveAnswer(question, result, lang);
  }
  if (text === 'NO_ANSWER' || text.length === 0) return declineReply(lang);
  const given = Math.min(CONTEXT_PASSAGES, result.results.length);
  // In order of first use, so the employee reads [1] before [2].
  const cited = [...new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))];
  if (cited.length === 0 || cited.some((n) => n < 1 || n > given)) {
    onFallback?.(cited.length === 0 ? 'llm_uncited' : 'llm_bad_citation');
    return extractiveAnswer(question, result, lang);
  }
  const renumber = new Map(cited.map((n, i) => [n, i + 1]));
  const body = text.replace(/\[(\d+)\]/g, (_, n) => `[${renumber.get(Number(n))}]`);
  return {
    action: 'answered',
    text: body,
    lang,
    citations: cited.map((n, i) => citation(i + 1, result.results[n - 1].passage)),
    buttons: answerButtons(lang),
  };
}
