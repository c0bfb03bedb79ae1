import type { Lang } from '../../knowledge/types.ts';
import type { BotReply, ReplyButton } from '../types.ts';
import { MESSAGES } from './messages.ts';

export function answerButtons(lang: Lang): ReplyButton[] {
  return [
    { action: 'feedback_up', label: MESSAGES.buttons.helpful[lang] },
    { action: 'feedback_down', label: MESSAGES.buttons.notHelpful[lang] },
    { action: 'handoff', label: MESSAGES.buttons.human[lang] },
  ];
}

export function declineReply(lang: Lang): BotReply {
  return {
    action: 'clarify',
    text: MESSAGES.decline[lang],
    lang,
    citations: [],
    buttons: [{ action: 'handoff', label: MESSAGES.buttons.human[lang] }],
  };
}

export function clarifyReply(lang: Lang): BotReply {
  return { action: 'clarify', text: MESSAGES.clarify[lang], lang, citations: [], buttons: [] };
}
