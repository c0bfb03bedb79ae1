/**
 * Flow 1 of DESIGN §2: retrieve, then answer with citations, or say "I don't know" and offer a
 * ticket. The answer is generated when a chat model is configured, else extractive.
 */
import type { AccessRole } from '../access/policy.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { Lang, SearchResult } from '../knowledge/types.ts';
import type { ChatModel } from '../llm/chat-model.ts';
import { extractiveAnswer } from './answer/extractive.ts';
import { generativeAnswer } from './answer/generative.ts';
import { smallTalkReply } from './answer/replies.ts';
import { detectLang } from './language.ts';
import { isSmallTalk } from './small-talk.ts';
import type { BotReply } from './types.ts';

export interface AnswerDeps {
  kb: Pick<KnowledgeBase, 'search'>;
  /** When set, answers are written by this model from the passages. */
  chat?: ChatModel;
  /** Passages retrieved per question. @defaultValue 5 */
  k?: number;
  onFallback?: (reason: string, err?: unknown) => void;
  /** The asker's role: passages meant for other audiences are never cited. @defaultValue any passage */
  reader?: AccessRole;
}

export interface AnsweredQuestion {
  reply: BotReply;
  search?: SearchResult;
}

export async function answerQuestion(
  deps: AnswerDeps,
  question: string,
  lang: Lang = detectLang(question),
): Promise<AnsweredQuestion> {
  if (isSmallTalk(question)) return { reply: smallTalkReply(question, lang) };
  const search = await deps.kb.search(
    question,
    deps.k ?? 5,
    deps.reader ? { reader: deps.reader } : undefined,
  );
  const reply = deps.chat
    ? await generativeAnswer(deps.chat, question, search, lang, deps.onFallback)
    : extractiveAnswer(question, search, lang);
  return { reply, search };
}
