/**
 * What the bot would do with one message, outside a conversation (`helpline ask`, DESIGN §6): the
 * route a chat turn takes (route.ts) — a greeting, an answer from the KB, or a ticket — and, for a
 * ticket, the severity, category and first-response target it would get. Nothing is stored: no
 * ticket is opened and no thread is read, so "转人工" is a ticket about the message itself.
 */
import type { Lang } from '../knowledge/types.ts';
import type { SlaPolicy } from '../sla/types.ts';
import type { TriageInput, TriageResult } from '../triage/types.ts';
import { smallTalkReply } from './answer/replies.ts';
import { type AnswerDeps, answerQuestion } from './answer-question.ts';
import { detectLang } from './language.ts';
import { routeMessage } from './route.ts';
import { CATEGORY_ZH, targetText } from './ticket-replies.ts';
import type { BotReply } from './types.ts';

export interface PreviewDeps extends AnswerDeps {
  classify: (input: TriageInput) => TriageResult;
  policy: SlaPolicy;
}

export async function previewReply(deps: PreviewDeps, text: string, role?: string): Promise<BotReply> {
  const lang = detectLang(text);
  const triage = deps.classify({ text, role, lang });
  switch (routeMessage(text, triage)) {
    case 'greet':
      return smallTalkReply(text, lang);
    case 'ticket':
    case 'handoff':
      return {
        action: 'ticket',
        text: wouldOpenText(triage, deps.policy, lang),
        lang,
        citations: [],
        buttons: [],
      };
    default:
      return (await answerQuestion(deps, text, lang)).reply;
  }
}

function wouldOpenText(t: TriageResult, policy: SlaPolicy, lang: Lang): string {
  const target = targetText(policy[t.severity], lang);
  return lang === 'zh'
    ? `这条消息会创建工单 · ${t.severity}（${CATEGORY_ZH[t.category] ?? t.category}），首次响应目标：${target}内。${t.intent === 'human' ? '并转给人工处理。' : ''}`
    : `This message would open a ticket · ${t.severity} (${t.category}), first response within ${target}.${t.intent === 'human' ? ' It goes to a person.' : ''}`;
}
