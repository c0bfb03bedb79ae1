import type { Lang } from '../../knowledge/types.ts';
import { isThanks } from '../small-talk.ts';
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

/** The reply to small talk: "you're welcome" to thanks, else what the bot can help with. */
export function smallTalkReply(text: string, lang: Lang): BotReply {
  if (isThanks(text))
    return { action: 'clarify', text: MESSAGES.welcome[lang], lang, citations: [], buttons: [] };
  return clarifyReply(lang);
}

export function clarifyReply(lang: Lang): BotReply {
  return { action: 'clarify', text: MESSAGES.clarify[lang], lang, citations: [], buttons: [] };
}
