/** The never-silent reply (DESIGN §2 flow 2): what the employee sees when a turn cannot finish. */
import type { Lang } from '../knowledge/types.ts';
import { detectLang } from './language.ts';
import type { ReplyButton } from './types.ts';

export const FALLBACK_TEXT: Record<Lang, string> = {
  en: "Sorry — I'm having trouble answering right now. Please try again in a minute, or type 'talk to a human'.",
  zh: '抱歉，我暂时无法回答。请稍后再试，或输入“转人工”。',
};

export function fallbackReply(userText: string): { text: string; lang: Lang; buttons: ReplyButton[] } {
  const lang = detectLang(userText);
  return {
    text: FALLBACK_TEXT[lang],
    lang,
    buttons: [
      lang === 'zh'
        ? { action: 'handoff', label: '🙋 转人工', value: '转人工' }
        : { action: 'handoff', label: '🙋 Talk to a human', value: 'talk to a human' },
    ],
  };
}
