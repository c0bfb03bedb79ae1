/** One turn of the conversation, platform-independent: the core every adapter calls. */
import { type AnswerDeps, answerQuestion } from './answer-question.ts';
import type { Assistant, BotReply, Turn } from './types.ts';

export function createAssistant(deps: AnswerDeps): Assistant {
  return {
    async reply(turn: Turn): Promise<BotReply> {
      return (await answerQuestion(deps, turn.text)).reply;
    },
  };
}
